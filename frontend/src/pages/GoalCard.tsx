import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { Chart } from "../charts/Chart";
import { progressOption } from "../charts/options";
import type { components } from "../client/goals/schema";
import { day, number } from "../format";
import { AdjustmentForm } from "./AdjustmentForm";
import { atRiskReason, statusText } from "./goalText";

type GoalOut = components["schemas"]["GoalOut"];

export function GoalCard({ goal }: { goal: GoalOut }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const locale = i18n.language;
  const progress = useQuery({
    queryKey: ["goal-progress", goal.goal_id],
    queryFn: () => answer(apis.goals.GET("/v1/goals/{goal_id}/progress", { params: { path: { goal_id: goal.goal_id } } })),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const texts = { actual: t("goal.actual"), pace: t("goal.pace"), target: t("goal.target") };
  const option = useMemo(
    () => (progress.data ? progressOption(progress.data, texts, locale, goal.timezone) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- texts follow the language
    [progress.data, locale, goal.timezone],
  );
  const reason = atRiskReason(goal, t, locale);
  const headingId = `goal-${goal.goal_id}`;
  const status = goal.at_risk ? "at-risk" : goal.status;
  return (
    <article className="card goal" aria-labelledby={headingId} data-goal-status={status}>
      <header className="goal-header">
        <h2 id={headingId}>{goal.title}</h2>
        <span className={`badge badge-${status}`}>{statusText(goal, t)}</span>
      </header>
      <p className="goal-progress" data-testid="goal-progress">
        {t("goal.progress", { actual: number(goal.actual, locale), target: number(goal.target, locale), unit: goal.unit })}
        {" · "}
        {t("goal.expected", { expected: number(goal.expected_by_now, locale) })}
        {" · "}
        {t("goal.activities", { count: goal.activity_count })}
      </p>
      {reason && (
        <p className="goal-reason" data-testid="at-risk-reason">
          {reason}
        </p>
      )}
      <p className="goal-period">
        {t("goal.period", { start: day(goal.period_start, locale, goal.timezone), end: day(goal.period_end, locale, goal.timezone) })}
      </p>
      {goal.adjustments
        .filter((adjustment) => adjustment.status === "pending")
        .map((adjustment) => (
          <p key={adjustment.adjustment_id} className="goal-pending" role="status">
            {t("adjust.pending", {
              target: adjustment.new_target === null ? number(goal.target, locale) : number(adjustment.new_target, locale),
              reason: adjustment.reason,
            })}
          </p>
        ))}
      {option && (
        <Chart
          option={option}
          testId="progress-chart"
          label={t("goal.chartLabel", {
            title: goal.title,
            actual: number(goal.actual, locale),
            expected: number(goal.expected_by_now, locale),
            target: number(goal.target, locale),
            unit: goal.unit,
          })}
        />
      )}
      {goal.status === "active" && <AdjustmentForm goalId={goal.goal_id} />}
    </article>
  );
}
