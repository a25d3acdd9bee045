import { describe, expect, it } from "vitest";
import { type GoalForm, checkable, goalBody, kindsOf, letters } from "./goalForm";

const form: GoalForm = {
  owner_id: "ann",
  title: " Orders this month ",
  kinds: "order_processed, call",
  aggregation: "count",
  currency: "EUR",
  target_kind: "fixed",
  target: " 12 ",
  change_percent: "",
  baseline: "previous_period",
  unit: "orders",
  start: "2026-12-01",
  end: "",
};

describe("the set-a-goal form", () => {
  it("reads activity kinds separated by commas or spaces, in either script", () => {
    expect(kindsOf("call, visit  demo，order")).toEqual(["call", "visit", "demo", "order"]);
    expect(kindsOf(" , ")).toEqual([]);
  });

  it("sends what was typed, trimmed, with a currency only for money and no end when none was given", () => {
    expect(goalBody(form)).toEqual({
      owner_id: "ann",
      owner_kind: "assistant",
      title: "Orders this month",
      metric: { kinds: ["order_processed", "call"], aggregation: "count", currency: null },
      target: "12",
      unit: "orders",
      start: "2026-12-01",
      end: null,
      recurrence: "none",
      pace_profile: "linear",
      activate: true,
    });
    expect(goalBody({ ...form, aggregation: "sum_amount", end: "2026-12-31" }).metric.currency).toBe("EUR");
    expect(goalBody({ ...form, aggregation: "sum_amount", end: "2026-12-31" }).end).toBe("2026-12-31");
  });

  it("sends a growth target instead of a number when the target is relative", () => {
    const body = goalBody({ ...form, target_kind: "relative", change_percent: " 10 ", baseline: "same_period_last_year" });
    expect(body.target).toBeNull();
    expect(body.relative_target).toEqual({ change_percent: "10", baseline: "same_period_last_year" });
    expect(goalBody(form).relative_target).toBeUndefined();
  });

  it("asks for the check once an owner, a title and a start are there", () => {
    expect(checkable(form)).toBe(true);
    expect(checkable({ ...form, title: "  " })).toBe(false);
    expect(checkable({ ...form, owner_id: "" })).toBe(false);
  });

  it("shows each letter as passed, passed with a warning, failed, or not yet checked", () => {
    const verdict = (passed: boolean, warning = false) => ({ passed, warning, reason: passed ? "ok" : "no" });
    const shown = letters({
      passed: false,
      specific: verdict(true),
      measurable: verdict(false),
      achievable: verdict(true, true),
      relevant: verdict(true),
      time_bound: verdict(true),
    });
    expect(shown.map((l) => l.state)).toEqual(["passed", "failed", "warning", "passed", "passed"]);
    expect(shown[1]?.reason).toBe("no");
    expect(letters(undefined).every((l) => l.state === "unchecked")).toBe(true);
  });
});
