import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { Pager } from "../components/Pager";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useCursorPages } from "../components/useCursorPages";
import { usePeopleNames } from "../components/usePeopleNames";
import { useSubmission } from "../components/useSubmission";
import { day } from "../format";
import type { components } from "../client/reviews/schema";
import { templateReasons, type TemplateDraft, draftOf, bodyOf } from "./templateForm";

type Template = components["schemas"]["TemplateOut"];
const PAGE_SIZE = 10;

/** hr's review templates: each in its newest version, every version of one, and a new version saved. */
export function ReviewTemplates() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const [open, setOpen] = useState<string | null>(null);
  const templates = useCursorPages(["review-templates"], (cursor) =>
    answer(apis.reviews.GET("/v1/templates", { params: { query: { limit: PAGE_SIZE, cursor } } })),
  );
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("templates.title")}</h1>
      <p className="hint">{t("templates.intro")}</p>
      {templates.query.error && <Failure error={templates.query.error} />}
      {templates.query.isPending && <p>{t("app.loading")}</p>}
      {templates.query.data && templates.items.length === 0 && templates.page === 0 && <p>{t("templates.empty")}</p>}
      {templates.items.length > 0 && (
        <table data-testid="templates">
          <caption className="hint">{t("templates.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("templates.template")}</th>
              <th scope="col">{t("templates.latest")}</th>
              <th scope="col">{t("templates.criteria")}</th>
              <th scope="col">{t("templates.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {templates.items.map((template) => (
              <tr key={template.name}>
                <th scope="row">
                  {template.title}
                  <div className="hint">{template.name}</div>
                </th>
                <td>{t("templates.version", { version: template.version })}</td>
                <td>
                  {template.criteria.map((c) => t("templates.criterionWeight", { name: c.name, weight: c.weight })).join(", ")}
                </td>
                <td>
                  <button
                    type="button"
                    aria-expanded={open === template.name}
                    onClick={() => { setOpen(open === template.name ? null : template.name); }}
                  >
                    {t("templates.open", { title: template.title })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={templates.page} hasNext={templates.hasNext} onPage={templates.toPage} />
      {open && <TemplateVersions key={open} name={open} />}
    </section>
  );
}

function TemplateVersions({ name }: { name: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const versions = useQuery({
    queryKey: ["review-template-versions", name],
    queryFn: () => answer(apis.reviews.GET("/v1/templates/{name}/versions", { params: { path: { name } } })),
  });
  const latest = versions.data?.[0];
  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">{t("templates.versionsOf", { name })}</h2>
      {versions.error && <Failure error={versions.error} />}
      {versions.isPending && <p>{t("app.loading")}</p>}
      {(versions.data ?? []).map((version) => (
        <Version key={version.template_id} version={version} />
      ))}
      {/* Drafted once from the newest version: the draft stays as typed after it is saved, which is then the newest. */}
      {latest && <NewVersion latest={latest} />}
    </section>
  );
}

function Version({ version }: { version: Template }) {
  const { t, i18n } = useTranslation();
  const names = usePeopleNames();
  const headingId = `version-${version.template_id.replace(/[^a-z0-9-]/g, "-")}`;
  const customers = Number(version.customer_rating_weight);
  return (
    <article aria-labelledby={headingId} data-testid="template-version">
      <h3 id={headingId}>
        {t("templates.versionTitle", { version: version.version, title: version.title })}
      </h3>
      <p className="hint">
        {t("templates.savedBy", { by: names(version.created_by), at: day(version.created_at, i18n.language) })}
      </p>
      <table>
        <caption className="hint">{t("templates.weightsOf", { version: version.version })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("templates.criterion")}</th>
            <th scope="col" className="amount">{t("templates.weight")}</th>
          </tr>
        </thead>
        <tbody>
          {version.criteria.map((criterion) => (
            <tr key={criterion.key}>
              <th scope="row">{criterion.name}</th>
              <td className="amount">{criterion.weight}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t("templates.goalWeight")}</th>
            <td className="amount">{version.goal_weight}</td>
          </tr>
          {customers > 0 && (
            <tr>
              <th scope="row">{t("templates.customerRatingWeight")}</th>
              <td className="amount">{version.customer_rating_weight}</td>
            </tr>
          )}
        </tbody>
      </table>
    </article>
  );
}

/** A new version of the template, drafted from its newest: the service checks the rules (weights summing to 100). */
function NewVersion({ latest }: { latest: Template }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TemplateDraft>(() => draftOf(latest));
  const [saved, setSaved] = useState<string | null>(null);
  const save = useSubmission(
    () => answer(apis.reviews.POST("/v1/templates", { body: bodyOf(draft, latest) })),
    (version) => {
      setSaved(t("templates.saved", { version: version.version }));
      void queryClient.invalidateQueries({ queryKey: ["review-templates"] });
      void queryClient.invalidateQueries({ queryKey: ["review-template-versions", latest.name] });
    },
  );
  const edit = (next: Partial<TemplateDraft>) => {
    setSaved(null);
    save.reset();
    setDraft({ ...draft, ...next });
  };
  const setCriterion = (index: number, change: Partial<TemplateDraft["criteria"][number]>) => {
    edit({ criteria: draft.criteria.map((c, i) => (i === index ? { ...c, ...change } : c)) });
  };
  const { errors } = save;
  const reasons = templateReasons(save.problem, i18n.language);
  return (
    <form aria-labelledby="new-version-title" noValidate onSubmit={save.submit}>
      <h3 id="new-version-title">{t("templates.newVersion")}</h3>
      {saved && <p role="status">{saved}</p>}
      <SubmissionErrors submission={save} />
      <div className="field">
        <label htmlFor="template-title">{t("templates.titleField")}</label>
        <input
          id="template-title"
          value={draft.title}
          {...save.invalid("title", "template-title-error")}
          onChange={(e) => { edit({ title: e.target.value }); }}
        />
        <FieldError id="template-title-error" messages={errors.title} />
      </div>
      <fieldset
        className="field"
        aria-describedby={reasons.criteria.length ? "template-criteria-error" : undefined}
      >
        <legend>{t("templates.criteria")}</legend>
        {draft.criteria.map((criterion, index) => {
          const at = `criteria.${index}`;
          return (
            <div className="field-row" key={index} data-testid="criterion-row">
              <div className="field">
                <label htmlFor={`criterion-${index}-name`}>{t("templates.criterionName", { n: index + 1 })}</label>
                <input
                  id={`criterion-${index}-name`}
                  value={criterion.name}
                  {...save.invalid(`${at}.name`, `criterion-${index}-name-error`)}
                  onChange={(e) => { setCriterion(index, { name: e.target.value }); }}
                />
                <FieldError id={`criterion-${index}-name-error`} messages={errors[`${at}.name`]} />
              </div>
              <div className="field">
                <label htmlFor={`criterion-${index}-key`}>{t("templates.criterionKey", { n: index + 1 })}</label>
                <input
                  id={`criterion-${index}-key`}
                  value={criterion.key}
                  {...save.invalid(`${at}.key`, `criterion-${index}-key-error`)}
                  onChange={(e) => { setCriterion(index, { key: e.target.value }); }}
                />
                <FieldError id={`criterion-${index}-key-error`} messages={errors[`${at}.key`]} />
              </div>
              <div className="field">
                <label htmlFor={`criterion-${index}-weight`}>{t("templates.criterionWeightField", { n: index + 1 })}</label>
                <input
                  id={`criterion-${index}-weight`}
                  type="number"
                  min={0}
                  max={100}
                  value={criterion.weight}
                  {...save.invalid(`${at}.weight`, `criterion-${index}-weight-error`)}
                  onChange={(e) => { setCriterion(index, { weight: e.target.value }); }}
                />
                <FieldError id={`criterion-${index}-weight-error`} messages={errors[`${at}.weight`]} />
              </div>
              <button
                type="button"
                aria-label={t("templates.removeCriterion", { n: index + 1 })}
                disabled={draft.criteria.length === 1}
                onClick={() => { edit({ criteria: draft.criteria.filter((_, i) => i !== index) }); }}
              >
                {t("templates.remove")}
              </button>
            </div>
          );
        })}
        <button type="button" onClick={() => { edit({ criteria: [...draft.criteria, { key: "", name: "", weight: "" }] }); }}>
          {t("templates.addCriterion")}
        </button>
        <FieldError id="template-criteria-error" messages={[...reasons.criteria, ...(errors.criteria ?? [])]} />
      </fieldset>
      <fieldset className="field" aria-describedby={reasons.weights.length ? "template-weights-error" : undefined}>
        <legend>{t("templates.otherWeights")}</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor="template-goal-weight">{t("templates.goalWeight")}</label>
            <input
              id="template-goal-weight"
              type="number"
              min={0}
              max={100}
              value={draft.goal_weight}
              {...save.invalid("goal_weight", "template-goal-weight-error")}
              onChange={(e) => { edit({ goal_weight: e.target.value }); }}
            />
            <FieldError id="template-goal-weight-error" messages={errors.goal_weight} />
          </div>
          <div className="field">
            <label htmlFor="template-customer-weight">{t("templates.customerRatingWeight")}</label>
            <input
              id="template-customer-weight"
              type="number"
              min={0}
              max={100}
              value={draft.customer_rating_weight}
              {...save.invalid("customer_rating_weight", "template-customer-weight-error")}
              onChange={(e) => { edit({ customer_rating_weight: e.target.value }); }}
            />
            <FieldError id="template-customer-weight-error" messages={errors.customer_rating_weight} />
          </div>
        </div>
        <p className="hint">{t("templates.weightsTotal", { total: totalOf(draft) })}</p>
        <FieldError id="template-weights-error" messages={reasons.weights} />
      </fieldset>
      <button type="submit" disabled={save.pending}>{t("templates.save")}</button>
    </form>
  );
}

function totalOf(draft: TemplateDraft): number {
  const weights = [...draft.criteria.map((c) => c.weight), draft.goal_weight, draft.customer_rating_weight];
  return weights.reduce((sum, weight) => sum + (Number(weight) || 0), 0);
}
