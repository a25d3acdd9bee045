import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Chart } from "../charts/Chart";
import { payoutRows, simulationOption } from "../charts/simulation";
import type { components } from "../client/incentives/schema";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { usePeopleNames } from "../components/usePeopleNames";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { day } from "../format";
import {
  EMPTY_PLAN,
  type PlanForm,
  planBody,
  planFieldErrors,
  planForm,
  utcMoment,
} from "./planForm";

type PlanVersionOut = components["schemas"]["PlanVersionOut"];
type SimulationOut = components["schemas"]["SimulationOut"];

interface Simulated {
  proposed: SimulationOut;
  /** What the version in force (the plan's latest) pays for the same period, when the plan has one. */
  current: SimulationOut | null;
  currentVersion: number | null;
  /** The form as it was simulated: adopting waits for a simulation of the form as it is. */
  of: string;
}

function money(amount: string | number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
}

/** hr writes bonus plans: the latest version of each, a plan's versions, and the next version drawn as a simulation
 * over a past period beside the version in force, before it is adopted. */
export function BonusPlans() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [form, setForm, clearForm] = useDraft<PlanForm>(`bonus-plan.${person.person_id}`, EMPTY_PLAN);
  const [moment, setMoment] = useState("");
  const [shownVersions, setShownVersions] = useState<string | null>(null);
  const [adopted, setAdopted] = useState<{ title: string; version: number } | null>(null);
  const names = usePeopleNames();
  const plans = useQuery({
    queryKey: ["bonus-plans"],
    queryFn: () => answer(apis.incentives.GET("/v1/plans")),
  });
  const current = (plans.data ?? []).find((version) => version.plan.plan_id === form.plan_id.trim()) ?? null;
  const body = planBody(form);
  const written = JSON.stringify({ body, moment });

  const simulation = useSubmission<Simulated>(async () => {
    const periodStart = moment ? utcMoment(moment) : undefined;
    const proposed = await answer(
      apis.incentives.POST("/v1/plans/simulate", { body: { plan: body, period_start: periodStart } }),
    );
    const inForce = current
      ? await answer(
          apis.incentives.POST("/v1/plans/simulate", {
            body: { plan: current.plan, period_start: proposed.period_start },
          }),
        )
      : null;
    return { proposed, current: inForce, currentVersion: current?.version ?? null, of: written };
  });
  const adopt = useSubmission(
    () => answer(apis.incentives.POST("/v1/plans", { body })),
    (version) => {
      setAdopted({ title: version.plan.title, version: version.version });
      clearForm();
      setMoment("");
      simulation.reset();
      void queryClient.invalidateQueries({ queryKey: ["bonus-plans"] });
      void queryClient.invalidateQueries({ queryKey: ["bonus-plan-versions"] });
    },
  );
  const errors = planFieldErrors({ ...simulation.errors, ...adopt.errors });
  const simulated = simulation.data?.of === written ? simulation.data : undefined;

  const edit = (next: PlanForm) => {
    setAdopted(null);
    simulation.reset();
    adopt.reset();
    setForm(next);
  };
  const change = (name: keyof PlanForm) => (event: { target: { value: string } }) => {
    edit({ ...form, [name]: event.target.value });
  };
  const invalid = (name: string, errorId: string) =>
    errors[name] ? { "aria-invalid": true as const, "aria-describedby": errorId } : {};
  const field = (name: keyof PlanForm, errorKey: string = name) => ({
    id: `plan-${name}`,
    value: form[name] as string,
    onChange: change(name),
    ...invalid(errorKey, `plan-${name}-error`),
  });
  const editing = current ? t("bonusPlans.nextVersion", { title: current.plan.title }) : t("bonusPlans.newPlan");

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("bonusPlans.title")}</h1>
      <p className="hint">{t("bonusPlans.intro")}</p>
      {plans.error && <Failure error={plans.error} />}
      {plans.isPending && <p>{t("app.loading")}</p>}
      {plans.data?.length === 0 && <p>{t("bonusPlans.empty")}</p>}
      {plans.data && plans.data.length > 0 && (
        <table data-testid="plans">
          <caption className="hint">{t("bonusPlans.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("bonusPlans.plan")}</th>
              <th scope="col">{t("bonusPlans.version")}</th>
              <th scope="col">{t("bonusPlans.period")}</th>
              <th scope="col">{t("bonusPlans.effective")}</th>
              <th scope="col">{t("bonusPlans.teams")}</th>
              <th scope="col">{t("bonusPlans.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {plans.data.map((version) => (
              <tr key={version.plan_key}>
                <th scope="row">
                  {version.plan.title}
                  <div className="hint">{version.plan.plan_id}</div>
                </th>
                <td>{version.version}</td>
                <td>{periodName(version.plan.period, t)}</td>
                <td>{effective(version, locale, t)}</td>
                <td>{version.plan.team_ids?.join(", ") ?? t("bonusPlans.everyTeam")}</td>
                <td>
                  <div className="actions">
                    <button
                      type="button"
                      aria-expanded={shownVersions === version.plan.plan_id}
                      onClick={() => { setShownVersions(shownVersions === version.plan.plan_id ? null : version.plan.plan_id); }}
                    >
                      {t("bonusPlans.showVersions", { title: version.plan.title })}
                    </button>
                    <button type="button" onClick={() => { edit(planForm(version.plan)); }}>
                      {t("bonusPlans.edit", { title: version.plan.title })}
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shownVersions && <Versions planId={shownVersions} />}
      {adopted && (
        <p className="notice notice-done" role="status">
          {t("bonusPlans.adopted", adopted)}
        </p>
      )}
      <form
        className="card"
        aria-labelledby="plan-form-title"
        noValidate // the service's rules decide, and its reasons are shown on the fields
        onSubmit={adopt.submit}
      >
        <h2 id="plan-form-title">{editing}</h2>
        <div className="actions">
          <button type="button" onClick={() => { edit(EMPTY_PLAN); setMoment(""); }}>
            {t("bonusPlans.startNew")}
          </button>
        </div>
        {(simulation.problem ?? adopt.problem) && (
          <p className="field-error" role="alert">
            {t("errors.fields")} {errors[""]?.join(" ")}
          </p>
        )}
        {simulation.failure && <Failure error={simulation.failure} />}
        {adopt.failure && <Failure error={adopt.failure} />}
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-plan_id">{t("bonusPlans.planId")}</label>
            <input {...field("plan_id")} />
            <span className="hint">{t("bonusPlans.planIdHint")}</span>
            <FieldError id="plan-plan_id-error" messages={errors.plan_id} />
          </div>
          <div className="field">
            <label htmlFor="plan-title">{t("bonusPlans.planTitle")}</label>
            <input {...field("title")} />
            <FieldError id="plan-title-error" messages={errors.title} />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-period_kind">{t("bonusPlans.period")}</label>
            <select {...field("period_kind", "period")}>
              <option value="monthly">{t("bonusPlans.periods.monthly")}</option>
              <option value="quarterly">{t("bonusPlans.periods.quarterly")}</option>
              <option value="fixed">{t("bonusPlans.periods.fixed")}</option>
            </select>
            {form.period_kind !== "fixed" && <FieldError id="plan-period_kind-error" messages={errors.period} />}
          </div>
          {form.period_kind === "fixed" && (
            <div className="field">
              <label htmlFor="plan-period_length">{t("bonusPlans.periodLength")}</label>
              <input {...field("period_length", "period")} />
              <span className="hint">{t("bonusPlans.periodLengthHint")}</span>
              <FieldError id="plan-period_length-error" messages={errors.period} />
            </div>
          )}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-effective_from">{t("bonusPlans.effectiveFrom")}</label>
            <input type="datetime-local" step={1} {...field("effective_from")} />
            <span className="hint">{t("bonusPlans.utcHint")}</span>
            <FieldError id="plan-effective_from-error" messages={errors.effective_from} />
          </div>
          <div className="field">
            <label htmlFor="plan-effective_to">{t("bonusPlans.effectiveTo")}</label>
            <input type="datetime-local" step={1} {...field("effective_to")} />
            <span className="hint">{t("bonusPlans.effectiveToHint")}</span>
            <FieldError id="plan-effective_to-error" messages={errors.effective_to} />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-currency">{t("bonusPlans.currency")}</label>
            <input {...field("currency")} />
            <FieldError id="plan-currency-error" messages={errors.currency} />
          </div>
          <div className="field">
            <label htmlFor="plan-team_ids">{t("bonusPlans.teams")}</label>
            <input {...field("team_ids")} />
            <span className="hint">{t("bonusPlans.teamsHint")}</span>
            <FieldError id="plan-team_ids-error" messages={errors.team_ids} />
          </div>
        </div>
        <fieldset className="field">
          <legend>{t("bonusPlans.base")}</legend>
          <div className="field-row">
            <div className="field">
              <label htmlFor="plan-base_kind">{t("bonusPlans.baseKind")}</label>
              <select {...field("base_kind", "base.kind")}>
                <option value="fixed">{t("bonusPlans.baseKinds.fixed")}</option>
                <option value="salary_percent">{t("bonusPlans.baseKinds.salary_percent")}</option>
              </select>
            </div>
            {form.base_kind === "fixed" ? (
              <div className="field">
                <label htmlFor="plan-base_amount">{t("bonusPlans.baseAmount")}</label>
                <input inputMode="decimal" {...field("base_amount", "base.amount")} />
                <FieldError id="plan-base_amount-error" messages={[...(errors["base.amount"] ?? []), ...(errors.base ?? [])]} />
              </div>
            ) : (
              <div className="field">
                <label htmlFor="plan-base_percent">{t("bonusPlans.basePercent")}</label>
                <input inputMode="decimal" {...field("base_percent", "base.percent")} />
                <FieldError id="plan-base_percent-error" messages={[...(errors["base.percent"] ?? []), ...(errors.base ?? [])]} />
              </div>
            )}
          </div>
          {form.base_kind === "salary_percent" && <Salaries form={form} edit={edit} errors={errors} />}
        </fieldset>
        <Tiers form={form} edit={edit} errors={errors} />
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-accelerator">{t("bonusPlans.accelerator")}</label>
            <input inputMode="decimal" {...field("accelerator")} />
            <span className="hint">{t("bonusPlans.acceleratorHint")}</span>
            <FieldError id="plan-accelerator-error" messages={errors.accelerator} />
          </div>
          <div className="field">
            <label htmlFor="plan-cap">{t("bonusPlans.cap")}</label>
            <input inputMode="decimal" {...field("cap")} />
            <span className="hint">{t("bonusPlans.capHint")}</span>
            <FieldError id="plan-cap-error" messages={errors.cap} />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-goal_attainment_cap">{t("bonusPlans.goalAttainmentCap")}</label>
            <input inputMode="decimal" {...field("goal_attainment_cap")} />
            <span className="hint">{t("bonusPlans.goalAttainmentCapHint")}</span>
            <FieldError id="plan-goal_attainment_cap-error" messages={errors.goal_attainment_cap} />
          </div>
          <div className="field">
            <label htmlFor="plan-team_amount">{t("bonusPlans.teamAmount")}</label>
            <input inputMode="decimal" {...field("team_amount", "team_component.amount")} />
            <span className="hint">{t("bonusPlans.teamAmountHint")}</span>
            <FieldError id="plan-team_amount-error" messages={errors["team_component.amount"]} />
          </div>
        </div>
        <Multipliers form={form} edit={edit} errors={errors} />
        <div className="field-row">
          <div className="field">
            <label htmlFor="plan-review_cadence">{t("bonusPlans.reviewCadence")}</label>
            <select {...field("review_cadence")}>
              <option value="">{t("bonusPlans.anyCadence")}</option>
              <option value="weekly">{t("bonusPlans.periods.weekly")}</option>
              <option value="monthly">{t("bonusPlans.periods.monthly")}</option>
              <option value="quarterly">{t("bonusPlans.periods.quarterly")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="plan-min_rating">{t("bonusPlans.minRating")}</label>
            <input inputMode="numeric" {...field("min_rating", "eligibility.min_rating")} />
            <FieldError id="plan-min_rating-error" messages={errors["eligibility.min_rating"]} />
          </div>
        </div>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={form.active_whole_period}
              onChange={(event) => { edit({ ...form, active_whole_period: event.target.checked }); }}
            />{" "}
            {t("bonusPlans.activeWholePeriod")}
          </label>
        </div>
        <fieldset className="field">
          <legend>{t("bonusPlans.simulate")}</legend>
          <label htmlFor="plan-moment">{t("bonusPlans.moment")}</label>
          <input
            id="plan-moment"
            type="datetime-local"
            step={1}
            value={moment}
            onChange={(event) => { setMoment(event.target.value); simulation.reset(); }}
            {...(simulation.errors.period_start ? { "aria-invalid": true, "aria-describedby": "plan-moment-error" } : {})}
          />
          <span className="hint">{t("bonusPlans.momentHint")}</span>
          <FieldError id="plan-moment-error" messages={simulation.errors.period_start} />
          <div className="actions">
            <button type="button" disabled={simulation.pending} onClick={simulation.send}>
              {t("bonusPlans.runSimulation")}
            </button>
          </div>
        </fieldset>
        {simulated && <SimulationResult simulated={simulated} names={names} />}
        <p className="hint">{simulated ? t("bonusPlans.adoptReady") : t("bonusPlans.adoptAfterSimulation")}</p>
        <div className="actions">
          <button type="submit" disabled={!simulated || adopt.pending}>
            {t("bonusPlans.adopt")}
          </button>
        </div>
      </form>
    </section>
  );
}

type Translate = ReturnType<typeof useTranslation>["t"];

function periodName(period: string, t: Translate): string {
  return period === "monthly" || period === "quarterly" ? t(`bonusPlans.periods.${period}`) : period;
}

function effective(version: PlanVersionOut, locale: string, t: Translate): string {
  const from = day(version.plan.effective_from, locale, "UTC");
  return version.plan.effective_to
    ? t("bonusPlans.between", { from, to: day(version.plan.effective_to, locale, "UTC") })
    : t("bonusPlans.from", { from });
}

function Versions({ planId }: { planId: string }) {
  const names = usePeopleNames();
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const locale = i18n.language;
  const versions = useQuery({
    queryKey: ["bonus-plan-versions", planId],
    queryFn: () => answer(apis.incentives.GET("/v1/plans/{plan_id}", { params: { path: { plan_id: planId } } })),
  });
  return (
    <section className="card" aria-labelledby="plan-versions-title" data-testid="plan-versions">
      <h2 id="plan-versions-title">{t("bonusPlans.versionsOf", { plan: planId })}</h2>
      {versions.error && <Failure error={versions.error} />}
      {versions.isPending && <p>{t("app.loading")}</p>}
      {versions.data && (
        <table>
          <caption className="hint">{t("bonusPlans.versionsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("bonusPlans.version")}</th>
              <th scope="col">{t("bonusPlans.effective")}</th>
              <th scope="col">{t("bonusPlans.terms")}</th>
              <th scope="col">{t("bonusPlans.adoptedBy")}</th>
            </tr>
          </thead>
          <tbody>
            {versions.data.map((version) => (
              <tr key={version.plan_key}>
                <th scope="row">{version.version}</th>
                <td>{effective(version, locale, t)}</td>
                <td>
                  {t("bonusPlans.termsText", {
                    tiers: version.plan.tiers.map((tier) => `${tier.min_attainment}→${tier.payout}`).join(", "),
                    cap: version.plan.cap,
                    accelerator: version.plan.accelerator,
                  })}
                </td>
                <td>{t("bonusPlans.adoptedByText", { by: names(version.created_by), at: day(version.created_at, locale) })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

interface RowsProps {
  form: PlanForm;
  edit: (next: PlanForm) => void;
  errors: Record<string, string[]>;
}

function Tiers({ form, edit, errors }: RowsProps) {
  const { t } = useTranslation();
  const set = (index: number, key: "min_attainment" | "payout", value: string) => {
    edit({ ...form, tiers: form.tiers.map((tier, i) => (i === index ? { ...tier, [key]: value } : tier)) });
  };
  return (
    <fieldset className="field" data-testid="tiers">
      <legend>{t("bonusPlans.tiers")}</legend>
      <p className="hint">{t("bonusPlans.tiersHint")}</p>
      {form.tiers.map((tier, index) => {
        const at = `tiers.${String(index)}`;
        const reasons = [...(errors[`${at}.min_attainment`] ?? []), ...(errors[`${at}.payout`] ?? [])];
        const errorId = `plan-tier-${String(index)}-error`;
        const described = (key: string) => (errors[`${at}.${key}`] ? { "aria-invalid": true as const, "aria-describedby": errorId } : {});
        return (
          <div key={index} className="field-row">
            <div className="field">
              <label htmlFor={`plan-tier-${String(index)}-min`}>{t("bonusPlans.tierFrom", { n: index + 1 })}</label>
              <input
                id={`plan-tier-${String(index)}-min`}
                inputMode="decimal"
                value={tier.min_attainment}
                onChange={(event) => { set(index, "min_attainment", event.target.value); }}
                {...described("min_attainment")}
              />
            </div>
            <div className="field">
              <label htmlFor={`plan-tier-${String(index)}-payout`}>{t("bonusPlans.tierPayout", { n: index + 1 })}</label>
              <input
                id={`plan-tier-${String(index)}-payout`}
                inputMode="decimal"
                value={tier.payout}
                onChange={(event) => { set(index, "payout", event.target.value); }}
                {...described("payout")}
              />
            </div>
            <FieldError id={errorId} messages={reasons} />
            {form.tiers.length > 1 && (
              <div className="actions">
                <button
                  type="button"
                  onClick={() => { edit({ ...form, tiers: form.tiers.filter((_, i) => i !== index) }); }}
                >
                  {t("bonusPlans.removeTier", { n: index + 1 })}
                </button>
              </div>
            )}
          </div>
        );
      })}
      <FieldError id="plan-tiers-error" messages={errors.tiers} />
      <div className="actions">
        <button type="button" onClick={() => { edit({ ...form, tiers: [...form.tiers, { min_attainment: "", payout: "" }] }); }}>
          {t("bonusPlans.addTier")}
        </button>
      </div>
    </fieldset>
  );
}

/** The assistants of the roster, by name, every page of it: whose salary figure a row sets. */
function useAssistants() {
  const { apis } = usePlatform();
  const people = useInfiniteQuery({
    queryKey: ["roster", "assistant", ""],
    queryFn: ({ pageParam }) =>
      answer(
        apis.goals.GET("/v1/people", {
          params: { query: { limit: 200, role: "assistant", ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = people;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return { error: people.error, listed: people.data?.pages.flatMap((page) => page.items) ?? [] };
}

/** A salary_percent base's salary figures: a row per person, picked by name, with the amount the percentage is of;
 * the service's reasons about an amount are shown on its row. */
function Salaries({ form, edit, errors }: RowsProps) {
  const { t } = useTranslation();
  const { error, listed } = useAssistants();
  const rows = form.salary_rows;
  const set = (index: number, key: "person_id" | "amount", value: string) => {
    edit({ ...form, salary_rows: rows.map((row, i) => (i === index ? { ...row, [key]: value } : row)) });
  };
  const id = (index: number, part: string) => `plan-salary-${String(index)}-${part}`;
  return (
    <fieldset className="field" aria-describedby="plan-salaries-hint">
      <legend>{t("bonusPlans.salaries")}</legend>
      <p className="hint" id="plan-salaries-hint">{t("bonusPlans.salariesHint")}</p>
      {error && <Failure error={error} />}
      {rows.map((row, index) => {
        const taken = new Set(rows.filter((_, i) => i !== index).map((other) => other.person_id));
        const reasons = row.person_id ? errors[`base.salaries.${row.person_id}`] : undefined;
        const known = listed.some((person) => person.person_id === row.person_id);
        return (
          <div key={index} className="field-row">
            <div className="field">
              <label htmlFor={id(index, "person")}>{t("bonusPlans.salaryPerson", { n: index + 1 })}</label>
              <select
                id={id(index, "person")}
                value={row.person_id}
                onChange={(event) => { set(index, "person_id", event.target.value); }}
              >
                <option value="">{t("bonusPlans.salaryNobody")}</option>
                {row.person_id && !known && <option value={row.person_id}>{row.person_id}</option>}
                {listed
                  .filter((person) => !taken.has(person.person_id))
                  .map((person) => (
                    <option key={person.person_id} value={person.person_id}>
                      {person.team_id ? `${person.display_name} (${person.team_id})` : person.display_name}
                    </option>
                  ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={id(index, "amount")}>{t("bonusPlans.salaryAmount", { n: index + 1 })}</label>
              <input
                id={id(index, "amount")}
                inputMode="decimal"
                value={row.amount}
                onChange={(event) => { set(index, "amount", event.target.value); }}
                {...(reasons ? { "aria-invalid": true as const, "aria-describedby": id(index, "error") } : {})}
              />
              <FieldError id={id(index, "error")} messages={reasons} />
            </div>
            <div className="actions">
              <button
                type="button"
                onClick={() => { edit({ ...form, salary_rows: rows.filter((_, i) => i !== index) }); }}
              >
                {t("bonusPlans.removeSalary", { n: index + 1 })}
              </button>
            </div>
          </div>
        );
      })}
      <FieldError id="plan-salaries-error" messages={errors["base.salaries"]} />
      <div className="actions">
        <button type="button" onClick={() => { edit({ ...form, salary_rows: [...rows, { person_id: "", amount: "" }] }); }}>
          {t("bonusPlans.addSalary")}
        </button>
      </div>
    </fieldset>
  );
}

function Multipliers({ form, edit, errors }: RowsProps) {
  const { t } = useTranslation();
  const set = (index: number, key: "rating" | "multiplier", value: string) => {
    edit({ ...form, multipliers: form.multipliers.map((row, i) => (i === index ? { ...row, [key]: value } : row)) });
  };
  const reasons = Object.entries(errors)
    .filter(([name]) => name === "review_multipliers" || name.startsWith("review_multipliers."))
    .flatMap(([, messages]) => messages);
  return (
    <fieldset className="field">
      <legend>{t("bonusPlans.multipliers")}</legend>
      <p className="hint">{t("bonusPlans.multipliersHint")}</p>
      {form.multipliers.map((row, index) => (
        <div key={index} className="field-row">
          <div className="field">
            <label htmlFor={`plan-multiplier-${String(index)}-rating`}>{t("bonusPlans.rating", { n: index + 1 })}</label>
            <input
              id={`plan-multiplier-${String(index)}-rating`}
              inputMode="numeric"
              value={row.rating}
              onChange={(event) => { set(index, "rating", event.target.value); }}
            />
          </div>
          <div className="field">
            <label htmlFor={`plan-multiplier-${String(index)}-value`}>{t("bonusPlans.multiplier", { n: index + 1 })}</label>
            <input
              id={`plan-multiplier-${String(index)}-value`}
              inputMode="decimal"
              value={row.multiplier}
              onChange={(event) => { set(index, "multiplier", event.target.value); }}
            />
          </div>
          <div className="actions">
            <button
              type="button"
              onClick={() => { edit({ ...form, multipliers: form.multipliers.filter((_, i) => i !== index) }); }}
            >
              {t("bonusPlans.removeMultiplier", { n: index + 1 })}
            </button>
          </div>
        </div>
      ))}
      <FieldError id="plan-multipliers-error" messages={reasons} />
      <div className="actions">
        <button
          type="button"
          onClick={() => { edit({ ...form, multipliers: [...form.multipliers, { rating: "", multiplier: "" }] }); }}
        >
          {t("bonusPlans.addMultiplier")}
        </button>
      </div>
    </fieldset>
  );
}

function SimulationResult({ simulated, names }: { simulated: Simulated; names: (personId: string) => string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { proposed, current } = simulated;
  const currency = proposed.currency;
  const rows = payoutRows(proposed, current);
  const texts = {
    proposed: t("bonusPlans.proposed"),
    current: t("bonusPlans.current", { version: simulated.currentVersion ?? "" }),
  };
  const format = (amount: number | string) => money(amount, currency, locale);
  const option = simulationOption(rows, names, texts, format, current !== null);
  const period = { start: day(proposed.period_start, locale, "UTC"), end: day(proposed.period_end, locale, "UTC") };
  const totals = current
    ? t("bonusPlans.totalAgainst", { total: format(proposed.total), current: format(current.total), label: texts.current })
    : t("bonusPlans.totalOnly", { total: format(proposed.total) });
  return (
    <section className="card" aria-labelledby="simulation-title" data-testid="simulation">
      <h3 id="simulation-title">{t("bonusPlans.simulationTitle", period)}</h3>
      <p data-testid="simulation-total">{totals}</p>
      {rows.length === 0 ? (
        <p>{t("bonusPlans.nobody")}</p>
      ) : (
        <>
          <Chart option={option} label={t("bonusPlans.chartLabel", { summary: totals })} testId="simulation-chart" height={260} />
          <table>
            <caption className="hint">{t("bonusPlans.simulationCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("bonusPlans.person")}</th>
                <th scope="col" className="amount">{texts.proposed}</th>
                {current && <th scope="col" className="amount">{texts.current}</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.personId}>
                  <th scope="row">{names(row.personId)}</th>
                  <td className="amount">{format(row.proposed)}</td>
                  {current && <td className="amount">{row.current === null ? "—" : format(row.current)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
