// The words the console puts beside a goal: its status and, when at risk, why.
import type { TFunction } from "i18next";
import type { components } from "../client/goals/schema";
import { number, percent } from "../format";

type GoalOut = components["schemas"]["GoalOut"];

export function statusText(goal: GoalOut, t: TFunction): string {
  return goal.at_risk ? t("goal.status.atRisk") : t(`goal.status.${goal.status}`);
}

export function atRiskReason(goal: GoalOut, t: TFunction, locale: string): string | null {
  if (!goal.at_risk) return null;
  return t("goal.atRiskReason", {
    actual: number(goal.actual, locale),
    target: number(goal.target, locale),
    unit: goal.unit,
    expected: number(goal.expected_by_now, locale),
    ratio: percent(goal.pace_ratio, locale),
    level: percent(goal.at_risk_level, locale),
  });
}

/** actual / target: how much of the goal is done. */
export function attainment(goal: GoalOut): number {
  const target = Number(goal.target);
  return target > 0 ? Number(goal.actual) / target : 0;
}
