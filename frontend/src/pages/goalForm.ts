// The set-a-goal form's fields and the body the goals API takes from them: no rule is decided here, the API's
// SMART check and validation say what is wrong.
import type { components } from "../client/goals/schema";

type GoalIn = components["schemas"]["GoalIn"];
type SmartOut = components["schemas"]["SmartOut"];
type Verdict = components["schemas"]["Verdict"];

export interface GoalForm {
  owner_id: string;
  title: string;
  kinds: string;
  aggregation: "count" | "sum_quantity" | "sum_amount";
  currency: string;
  /** "fixed": `target` as typed; "relative": +/- `change_percent` over the `baseline` period's actual. */
  target_kind: "fixed" | "relative";
  target: string;
  change_percent: string;
  baseline: "previous_period" | "same_period_last_year";
  unit: string;
  start: string;
  end: string;
}

export const SMART_LETTERS = ["specific", "measurable", "achievable", "relevant", "time_bound"] as const;
export type SmartLetter = (typeof SMART_LETTERS)[number];
export type LetterState = "passed" | "warning" | "failed" | "unchecked";

/** Activity kinds as typed, "call, visit": the list the API counts. */
export function kindsOf(text: string): string[] {
  return text
    .split(/[,，\s]+/)
    .map((kind) => kind.trim())
    .filter((kind) => kind !== "");
}

export function goalBody(form: GoalForm): GoalIn {
  return {
    owner_id: form.owner_id,
    owner_kind: "assistant",
    title: form.title.trim(),
    metric: {
      kinds: kindsOf(form.kinds),
      aggregation: form.aggregation,
      currency: form.aggregation === "sum_amount" && form.currency.trim() !== "" ? form.currency.trim() : null,
    },
    ...(form.target_kind === "relative"
      ? { target: null, relative_target: { change_percent: form.change_percent.trim(), baseline: form.baseline } }
      : { target: form.target.trim() }),
    unit: form.unit.trim(),
    start: form.start,
    end: form.end === "" ? null : form.end,
    recurrence: "none",
    pace_profile: "linear",
    activate: true,
  };
}

/** Whether the form has enough in it for the SMART check to say something about each letter. */
export function checkable(form: GoalForm): boolean {
  return form.owner_id !== "" && form.title.trim() !== "" && form.start !== "";
}

export function letterState(verdict: Verdict | undefined): LetterState {
  if (!verdict) return "unchecked";
  if (!verdict.passed) return "failed";
  return verdict.warning ? "warning" : "passed";
}

export function letters(report: SmartOut | undefined): { letter: SmartLetter; state: LetterState; reason: string }[] {
  return SMART_LETTERS.map((letter) => {
    const verdict = report?.[letter];
    return { letter, state: letterState(verdict), reason: verdict?.reason ?? "" };
  });
}
