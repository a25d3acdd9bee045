import { teamDashboardKey } from "./dashboardQuery";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { ApiError, fieldErrors } from "../api/problem";
import { useSession } from "../auth/AuthContext";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDebounced } from "../components/useDebounced";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { date, number, periodDays } from "../format";
import { checkable, type GoalForm, goalBody, letters } from "./goalForm";

const CHECK_PAUSE_MS = 400;

const EMPTY: GoalForm = {
  owner_id: "",
  title: "",
  kinds: "call",
  aggregation: "count",
  currency: "",
  target_kind: "fixed",
  target: "",
  change_percent: "",
  baseline: "previous_period",
  unit: "",
  start: "",
  end: "",
};

/**
 * A manager sets a goal for an assistant of the team; an assistant proposes one for themselves, which the goals
 * service keeps as a draft until the manager activates it. The SMART check answers letter by letter as the form fills.
 */
export function SetGoal() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const teamId = person.team_id ?? "";
  const own = person.role === "assistant"; // an assistant's goal is their own
  const [typed, setForm, clearForm] = useDraft<GoalForm>(`set-goal.${person.person_id}`, EMPTY);
  const form = useMemo(() => (own ? { ...typed, owner_id: person.person_id } : typed), [own, typed, person.person_id]);
  const [set, setSet] = useState<{ title: string; owner: string; draft: boolean } | null>(null);
  const team = useQuery({
    queryKey: teamDashboardKey(teamId),
    queryFn: () => answer(apis.goals.GET("/v1/teams/{team_id}/dashboard", { params: { path: { team_id: teamId } } })),
    enabled: teamId !== "" && !own,
  });
  const members = team.data?.members ?? [];
  const settled = useDebounced(form, CHECK_PAUSE_MS);
  const check = useQuery({
    queryKey: ["smart-check", settled],
    queryFn: () => answer(apis.goals.POST("/v1/goals/smart-check", { body: goalBody(settled) })),
    enabled: checkable(settled),
    placeholderData: keepPreviousData,
    staleTime: Infinity, // the same form gets the same answer while the page is open
  });
  const create = useSubmission(
    () => answer(apis.goals.POST("/v1/goals", { body: goalBody(form) })),
    (goal) => {
      const owner = members.find((m) => m.person_id === goal.owner_id)?.display_name ?? goal.owner_id;
      setSet({ title: goal.title, owner, draft: goal.status === "draft" });
      clearForm();
      void queryClient.invalidateQueries({ queryKey: ["team-dashboard"] });
    },
  );
  const errors = create.errors;
  const incomplete = check.error instanceof ApiError && check.error.status === 422;
  const report = incomplete || !checkable(settled) ? undefined : check.data;
  const change = (field: keyof GoalForm) => (event: { target: { value: string } }) => {
    setSet(null);
    create.reset(); // the reasons were about the form as it was sent; the SMART check follows the form as it is now
    setForm({ ...form, [field]: event.target.value });
  };
  const field = (name: keyof GoalForm, errorKey: string = name) => ({
    id: `goal-${name}`,
    value: form[name],
    onChange: change(name),
    ...create.invalid(errorKey, `goal-${name}-error`),
  });

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{own ? t("setGoal.ownTitle") : t("setGoal.title")}</h1>
      <p className="hint">{own ? t("setGoal.ownIntro") : t("setGoal.intro")}</p>
      {team.error && <Failure error={team.error} />}
      {set && (
        <p className="notice notice-done" role="status">
          {set.draft ? t("setGoal.drafted", set) : t("setGoal.done", set)}{" "}
          {!own && <Link to="/team-goals">{t("setGoal.toTeamGoals")}</Link>}
        </p>
      )}
      <div className="panels">
        <form
          className="card"
          aria-label={t("setGoal.form")}
          noValidate // the service's rules decide, and its reasons are shown on the fields
          onSubmit={create.submit}
        >
          <SubmissionErrors submission={create} />
          {!own && (
            <div className="field">
              <label htmlFor="goal-owner_id">{t("setGoal.owner")}</label>
              <select {...field("owner_id")}>
                <option value="">{t("setGoal.chooseOwner")}</option>
                {members.map((member) => (
                  <option key={member.person_id} value={member.person_id}>
                    {member.display_name}
                  </option>
                ))}
              </select>
              <FieldError id="goal-owner_id-error" messages={errors.owner_id} />
            </div>
          )}
          <div className="field">
            <label htmlFor="goal-title">{t("setGoal.goalTitle")}</label>
            <input {...field("title")} />
            <FieldError id="goal-title-error" messages={errors.title} />
          </div>
          <div className="field">
            <label htmlFor="goal-kinds">{t("setGoal.kinds")}</label>
            <input {...field("kinds", "metric.kinds")} />
            <span className="hint">{t("setGoal.kindsHint")}</span>
            <FieldError id="goal-kinds-error" messages={errors["metric.kinds"]} />
          </div>
          <div className="field">
            <label htmlFor="goal-aggregation">{t("setGoal.aggregation")}</label>
            <select {...field("aggregation", "metric.aggregation")}>
              <option value="count">{t("setGoal.aggregations.count")}</option>
              <option value="sum_quantity">{t("setGoal.aggregations.sum_quantity")}</option>
              <option value="sum_amount">{t("setGoal.aggregations.sum_amount")}</option>
            </select>
          </div>
          {form.aggregation === "sum_amount" && (
            <div className="field">
              <label htmlFor="goal-currency">{t("setGoal.currency")}</label>
              <input {...field("currency", "metric.currency")} />
              <FieldError id="goal-currency-error" messages={errors["metric.currency"]} />
            </div>
          )}
          <div className="field">
            <label htmlFor="goal-target_kind">{t("setGoal.targetKind")}</label>
            <select {...field("target_kind")}>
              <option value="fixed">{t("setGoal.targetKinds.fixed")}</option>
              <option value="relative">{t("setGoal.targetKinds.relative")}</option>
            </select>
          </div>
          {form.target_kind === "relative" ? (
            <div className="field-row">
              <div className="field">
                <label htmlFor="goal-change_percent">{t("setGoal.changePercent")}</label>
                <input inputMode="decimal" {...field("change_percent", "relative_target.change_percent")} />
                <span className="hint">{t("setGoal.changePercentHint")}</span>
                <FieldError id="goal-change_percent-error" messages={errors["relative_target.change_percent"]} />
              </div>
              <div className="field">
                <label htmlFor="goal-baseline">{t("setGoal.baseline")}</label>
                <select {...field("baseline", "relative_target.baseline")}>
                  <option value="previous_period">{t("setGoal.baselines.previous_period")}</option>
                  <option value="same_period_last_year">{t("setGoal.baselines.same_period_last_year")}</option>
                </select>
              </div>
            </div>
          ) : (
            <div className="field">
              <label htmlFor="goal-target">{t("setGoal.target")}</label>
              <input inputMode="decimal" {...field("target")} />
              <FieldError id="goal-target-error" messages={errors.target} />
            </div>
          )}
          {form.target_kind === "relative" && report?.growth && (
            <p className="notice" data-testid="resolved-target">
              {t("setGoal.resolved", {
                target: number(report.growth.resolved_target, locale),
                unit: form.unit,
                baseline: number(report.growth.baseline_actual, locale),
                first: date(periodDays(report.growth.baseline_start, report.growth.baseline_end).first, locale),
                last: date(periodDays(report.growth.baseline_start, report.growth.baseline_end).last, locale),
              })}
            </p>
          )}
          <div className="field">
            <label htmlFor="goal-unit">{t("setGoal.unit")}</label>
            <input {...field("unit")} />
            <FieldError id="goal-unit-error" messages={errors.unit} />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor="goal-start">{t("setGoal.start")}</label>
              <input type="date" {...field("start")} />
              <FieldError id="goal-start-error" messages={errors.start} />
            </div>
            <div className="field">
              <label htmlFor="goal-end">{t("setGoal.end")}</label>
              <input type="date" {...field("end")} />
              <FieldError id="goal-end-error" messages={errors.end} />
            </div>
          </div>
          <div className="actions">
            <button type="submit" disabled={create.pending}>
              {t("setGoal.submit")}
            </button>
          </div>
        </form>
        <SmartPanel
          report={report}
          checking={check.isFetching}
          incomplete={incomplete || !checkable(settled)}
          reasons={incomplete && check.error instanceof ApiError ? checkReasons(check.error, i18n.language) : []}
        />
      </div>
    </section>
  );
}

/** Why the check could not judge the form yet, as the service said it, in the reader's language. */
function checkReasons(error: ApiError, language: string): string[] {
  const reasons = Object.values(fieldErrors(error.problem, language)).flat();
  return reasons.length ? reasons : [error.message];
}

function SmartPanel({
  report,
  checking,
  incomplete,
  reasons,
}: {
  report: Parameters<typeof letters>[0];
  checking: boolean;
  incomplete: boolean;
  reasons: string[];
}) {
  const { t } = useTranslation();
  let summary = t("setGoal.smart.incomplete");
  if (!incomplete && report) summary = report.passed ? t("setGoal.smart.passed") : t("setGoal.smart.failed");
  return (
    <section className="card smart" aria-labelledby="smart-title" data-testid="smart-check">
      <h2 id="smart-title">{t("setGoal.smart.title")}</h2>
      <p className="hint">{t("setGoal.smart.intro")}</p>
      <ol className="smart-letters">
        {letters(report).map(({ letter, state, reason }) => (
          <li key={letter} className={`smart-${state}`} data-testid={`smart-${letter}`} data-state={state}>
            <span className="smart-letter" aria-hidden="true">
              {t(`setGoal.smart.initial.${letter}`)}
            </span>
            <span>
              <strong>{t(`setGoal.smart.name.${letter}`)}</strong>
              {t("setGoal.smart.separator")}
              {t(`setGoal.smart.state.${state}`)}
              {reason && <span className="hint"> — {reason}</span>}
            </span>
          </li>
        ))}
      </ol>
      <p aria-live="polite" data-testid="smart-summary">
        {checking ? t("setGoal.smart.checking") : summary}
      </p>
      {reasons.length > 0 && (
        <ul className="hint" data-testid="smart-reasons">
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
