// A bonus plan as hr fills it in, and the incentives API's plan body made from it (and back, to edit a version).
import type { components } from "../client/incentives/schema";

export type PlanBody = components["schemas"]["PlanIn-Input"];
export type PlanShown = components["schemas"]["PlanIn-Output"];

export interface TierRow {
  min_attainment: string;
  payout: string;
}

export interface MultiplierRow {
  rating: string;
  multiplier: string;
}

/** One person's salary figure of a salary_percent base: whom (picked by name), and the amount as typed. */
export interface SalaryRow {
  person_id: string;
  amount: string;
}

export type PeriodKind = "monthly" | "quarterly" | "fixed";

export interface PlanForm {
  plan_id: string;
  title: string;
  /** `YYYY-MM-DDTHH:MM`, in UTC: calendar periods start at midnight UTC on the first of the month. */
  effective_from: string;
  effective_to: string;
  period_kind: PeriodKind;
  /** ISO 8601 duration of a fixed-length period, e.g. PT10M or P14D. */
  period_length: string;
  currency: string;
  /** Team ids separated by commas; every assistant when empty. */
  team_ids: string;
  base_kind: "fixed" | "salary_percent";
  base_amount: string;
  base_percent: string;
  /** Each person's salary figure of a salary_percent base, a row per person. */
  salary_rows: SalaryRow[];
  tiers: TierRow[];
  accelerator: string;
  cap: string;
  goal_attainment_cap: string;
  multipliers: MultiplierRow[];
  review_cadence: string;
  team_amount: string;
  active_whole_period: boolean;
  min_rating: string;
}

export const EMPTY_PLAN: PlanForm = {
  plan_id: "",
  title: "",
  effective_from: "",
  effective_to: "",
  period_kind: "monthly",
  period_length: "",
  currency: "",
  team_ids: "",
  base_kind: "fixed",
  base_amount: "",
  base_percent: "",
  salary_rows: [],
  tiers: [
    { min_attainment: "0", payout: "0" },
    { min_attainment: "1", payout: "1" },
  ],
  accelerator: "",
  cap: "",
  goal_attainment_cap: "",
  multipliers: [],
  review_cadence: "",
  team_amount: "",
  active_whole_period: true,
  min_rating: "",
};

/** A moment typed as UTC wall time, as the API's aware datetime; what is not a moment is sent as typed (422). */
export function utcMoment(typed: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(typed)) return `${typed}:00Z`;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(typed) ? `${typed}Z` : typed;
}

/** An aware datetime from the API as the form's UTC wall time, to the second: a fixed-length plan's periods are
 * tiled from it. */
export function utcWallTime(moment: string): string {
  const parsed = new Date(moment);
  return Number.isNaN(parsed.getTime()) ? moment : parsed.toISOString().slice(0, 19);
}

function optional(value: string): string | undefined {
  return value.trim() === "" ? undefined : value.trim();
}

/** The plan body: blank optional fields are left out so the service's defaults apply; blank required ones are sent
 * blank, so the service names them. */
export function planBody(form: PlanForm): PlanBody {
  const teams = form.team_ids
    .split(",")
    .map((team) => team.trim())
    .filter(Boolean);
  const multipliers = form.multipliers.filter((row) => row.rating.trim() !== "" || row.multiplier.trim() !== "");
  const minRating = optional(form.min_rating);
  const body: PlanBody = {
    plan_id: form.plan_id.trim(),
    title: form.title.trim(),
    effective_from: utcMoment(form.effective_from),
    period: form.period_kind === "fixed" ? form.period_length.trim() : form.period_kind,
    currency: form.currency.trim(),
    base:
      form.base_kind === "fixed"
        ? { kind: "fixed", amount: form.base_amount.trim() || null }
        : { kind: "salary_percent", percent: form.base_percent.trim() || null, salaries: salaries(form.salary_rows) },
    tiers: form.tiers.map((tier) => ({ min_attainment: tier.min_attainment.trim(), payout: tier.payout.trim() })),
    cap: form.cap.trim(),
    eligibility: {
      active_whole_period: form.active_whole_period,
      ...(minRating === undefined ? {} : { min_rating: minRating as unknown as number }),
    },
  } as PlanBody;
  const effectiveTo = optional(form.effective_to);
  if (effectiveTo) body.effective_to = utcMoment(effectiveTo);
  if (teams.length) body.team_ids = teams;
  const accelerator = optional(form.accelerator);
  if (accelerator) body.accelerator = accelerator;
  const attainmentCap = optional(form.goal_attainment_cap);
  if (attainmentCap) body.goal_attainment_cap = attainmentCap;
  if (multipliers.length) {
    body.review_multipliers = Object.fromEntries(multipliers.map((row) => [row.rating.trim(), row.multiplier.trim()]));
  }
  const cadence = optional(form.review_cadence);
  if (cadence) body.review_cadence = cadence;
  const teamAmount = optional(form.team_amount);
  if (teamAmount) body.team_component = { amount: teamAmount };
  return body;
}

/** The salary figures by person id; a row whose person is not chosen yet is left out, a blank amount is sent blank
 * so the service names it. */
export function salaries(rows: SalaryRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.person_id !== "").map((row) => [row.person_id, row.amount.trim()]));
}

function decimal(value: number | string | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

/** A version of a plan as the form to write its next version from. */
export function planForm(plan: PlanShown): PlanForm {
  const period: string = plan.period;
  const calendar = period === "monthly" || period === "quarterly";
  return {
    plan_id: plan.plan_id,
    title: plan.title,
    effective_from: utcWallTime(plan.effective_from),
    effective_to: plan.effective_to ? utcWallTime(plan.effective_to) : "",
    period_kind: calendar ? period : "fixed",
    period_length: calendar ? "" : period,
    currency: plan.currency,
    team_ids: (plan.team_ids ?? []).join(", "),
    base_kind: plan.base.kind,
    base_amount: decimal(plan.base.amount),
    base_percent: decimal(plan.base.percent),
    salary_rows: Object.entries(plan.base.salaries ?? {}).map(([person_id, amount]) => ({ person_id, amount })),
    tiers: plan.tiers.map((tier) => ({ min_attainment: tier.min_attainment, payout: tier.payout })),
    accelerator: decimal(plan.accelerator),
    cap: decimal(plan.cap),
    goal_attainment_cap: decimal(plan.goal_attainment_cap),
    multipliers: Object.entries(plan.review_multipliers ?? {}).map(([rating, multiplier]) => ({
      rating,
      multiplier,
    })),
    review_cadence: plan.review_cadence ?? "",
    team_amount: plan.team_component?.amount ?? "",
    active_whole_period: plan.eligibility.active_whole_period,
    min_rating: plan.eligibility.min_rating === null || plan.eligibility.min_rating === undefined ? "" : String(plan.eligibility.min_rating),
  };
}

/** A 422 of the simulation names `plan.tiers.0.payout`; the form's fields are the plan's own. */
export function planFieldErrors(errors: Record<string, string[]>): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [field, reasons] of Object.entries(errors)) {
    const own = field === "plan" ? "" : field.replace(/^plan\./, "");
    (found[own] ??= []).push(...reasons);
  }
  return found;
}
