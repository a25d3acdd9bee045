import { describe, expect, it } from "vitest";
import { payoutRows } from "../charts/simulation";
import { EMPTY_PLAN, planBody, planFieldErrors, planForm, type PlanShown } from "./planForm";

const written: PlanShown = {
  plan_id: "north-sprint",
  title: "North sprint bonus",
  effective_from: "2026-11-01T00:00:00Z",
  effective_to: null,
  period: "monthly",
  currency: "EUR",
  team_ids: ["north", "east"],
  base: { kind: "fixed", amount: "1000", percent: null, salaries: {} },
  tiers: [
    { min_attainment: "0", payout: "0" },
    { min_attainment: "0.5", payout: "0.5" },
  ],
  accelerator: "1.5",
  cap: "2",
  goal_attainment_cap: "2",
  review_multipliers: { "5": "1.2" },
  review_cadence: "monthly",
  team_component: { amount: "200" },
  eligibility: { active_whole_period: true, min_rating: 2 },
};

describe("a bonus plan's form", () => {
  it("writes the next version with the terms of the one it was opened from", () => {
    const body = planBody(planForm(written));
    expect(body).toMatchObject({
      plan_id: "north-sprint",
      effective_from: "2026-11-01T00:00:00Z",
      period: "monthly",
      team_ids: ["north", "east"],
      base: { kind: "fixed", amount: "1000" },
      tiers: written.tiers,
      accelerator: "1.5",
      cap: "2",
      review_multipliers: { "5": "1.2" },
      team_component: { amount: "200" },
      eligibility: { active_whole_period: true, min_rating: "2" },
    });
    expect(body.effective_to).toBeUndefined();
  });

  it("sends a fixed length as the ISO duration typed, and leaves blank optional terms to the service's defaults", () => {
    const body = planBody({ ...EMPTY_PLAN, period_kind: "fixed", period_length: "PT10M", effective_from: "2026-12-06T10:00" });
    expect(body.period).toBe("PT10M");
    expect(body.effective_from).toBe("2026-12-06T10:00:00Z");
    expect(body).not.toHaveProperty("accelerator");
    expect(body).not.toHaveProperty("team_ids");
    expect(body).not.toHaveProperty("team_component");
    expect(body.cap).toBe(""); // required: sent blank, so the service names the field
  });

  it("sends each person's salary figure by id, keeps them for the next version, and leaves out a row with nobody", () => {
    const rows = [
      { person_id: "dan", amount: " 30000 " },
      { person_id: "", amount: "5" },
      { person_id: "ann", amount: "" },
    ];
    const body = planBody({ ...EMPTY_PLAN, base_kind: "salary_percent", base_percent: "10", salary_rows: rows });
    expect(body.base).toEqual({ kind: "salary_percent", percent: "10", salaries: { dan: "30000", ann: "" } });
    const next = planForm({ ...written, base: { kind: "salary_percent", amount: null, percent: "10", salaries: { dan: "30000" } } });
    expect(next.salary_rows).toEqual([{ person_id: "dan", amount: "30000" }]);
    expect(planFieldErrors({ "plan.base.salaries.dan": ["negative"] })).toEqual({ "base.salaries.dan": ["negative"] });
  });

  it("shows a simulation's reasons on the plan's own fields", () => {
    expect(planFieldErrors({ "plan.tiers.0.payout": ["bad"], plan: ["whole"], "": ["query"] })).toEqual({
      "tiers.0.payout": ["bad"],
      "": ["whole", "query"],
    });
  });
});

describe("simulated payouts", () => {
  const simulation = (totals: Record<string, string>) => ({
    period_start: "2026-11-01T00:00:00Z",
    period_end: "2026-12-01T00:00:00Z",
    currency: "EUR",
    total: "0",
    statements: Object.entries(totals).map(([person_id, total]) => ({ person_id, total, lines: [] })),
  });

  it("puts each person's proposed payout beside the one in force, and people only one plan covers at zero", () => {
    const rows = payoutRows(simulation({ ann: "500", bob: "0" }), simulation({ bob: "250", dan: "100" }));
    expect(rows).toEqual([
      { personId: "ann", proposed: 500, current: null },
      { personId: "bob", proposed: 0, current: 250 },
      { personId: "dan", proposed: 0, current: 100 },
    ]);
  });
});
