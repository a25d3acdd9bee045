import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/reviews/schema";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { day, days, number, percent } from "../format";
import { AssessmentForm, type Template } from "./AssessmentForm";

type ReviewOut = components["schemas"]["ReviewOut"];
type ReviewDetail = components["schemas"]["ReviewDetail"];

/** One review as its reader works on it: the period's inputs, the assessments so far, the form whose turn it is. */
export function ReviewCard({ review, name }: { review: ReviewOut; name: string }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const own = review.person_id === person.person_id;
  const locale = i18n.language;
  const detail = useQuery({
    queryKey: ["review", review.review_id],
    queryFn: () => answer(apis.reviews.GET("/v1/reviews/{review_id}", { params: { path: { review_id: review.review_id } } })),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const template = useQuery({
    queryKey: ["review-template", review.template_id],
    queryFn: () =>
      answer(apis.reviews.GET("/v1/templates/{template_id}", { params: { path: { template_id: review.template_id } } })),
    staleTime: Infinity, // a template version never changes
  });
  const period = days(review.period_first_day, review.period_last_day, locale);
  const headingId = `review-${review.review_id}`;
  const selfDue = new Date(review.self_due_at) <= new Date();
  const managersTurn = !own && (review.status === "self_submitted" || (review.status === "scheduled" && selfDue));
  return (
    <article className="card" aria-labelledby={headingId} data-testid="review">
      <header className="goal-header">
        <h2 id={headingId}>{own ? t("reviews.heading", period) : t("reviews.headingOf", { ...period, name })}</h2>
        <span className={`badge badge-review-${review.status}`}>{t(`reviews.status.${review.status}`)}</span>
      </header>
      <p className="hint">{t("reviews.template", { template: review.template_id })}</p>
      {detail.error && <Failure error={detail.error} />}
      {template.error && <Failure error={template.error} />}
      {own && review.status === "scheduled" && <p>{t("reviews.selfDue", { due: day(review.self_due_at, locale) })}</p>}
      {own && review.status === "self_submitted" && (
        <p>{t("reviews.waitingForManager", { due: day(review.manager_due_at, locale) })}</p>
      )}
      {!own && review.status === "scheduled" && !selfDue && (
        <p>{t("reviews.waitingForSelf", { name, due: day(review.self_due_at, locale) })}</p>
      )}
      {detail.data && <Inputs review={detail.data} />}
      {detail.data?.self && template.data && !own && (
        <Assessment title={t("reviews.selfAssessmentOf", { name })} part={detail.data.self} template={template.data} />
      )}
      {review.result && <Score result={review.result} />}
      {template.data && own && review.status === "scheduled" && (
        <AssessmentForm review={review} step="self" template={template.data} />
      )}
      {template.data && managersTurn && <AssessmentForm review={review} step="manager" template={template.data} name={name} />}
      {own && review.status === "completed" && <Acknowledge review={review} />}
      {review.acknowledgement && (
        <p>
          {t("reviews.acknowledged", { at: day(review.acknowledgement.at, locale) })}
          {review.acknowledgement.comment && ` “${review.acknowledgement.comment}”`}
        </p>
      )}
    </article>
  );
}

/** What the review pulls in from the period: goals closed and their attainment, feedback received. */
function Inputs({ review }: { review: ReviewDetail }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { inputs } = review;
  return (
    <section aria-label={t("reviews.inputs")} data-testid="review-inputs">
      <h3>{t("reviews.inputs")}</h3>
      <dl className="facts">
        <div>
          <dt>{t("reviews.attainment")}</dt>
          <dd>{inputs.attainment === null ? t("reviews.noGoals") : percent(inputs.attainment, locale)}</dd>
        </div>
        <div>
          <dt>{t("reviews.goals")}</dt>
          <dd>{t("reviews.goalOutcomes", { achieved: inputs.goals_achieved, missed: inputs.goals_missed })}</dd>
        </div>
        <div>
          <dt>{t("reviews.atRisk")}</dt>
          <dd>{inputs.at_risk_warnings}</dd>
        </div>
        <div>
          <dt>{t("reviews.feedback")}</dt>
          <dd>{t("reviews.feedbackCounts", inputs.feedback)}</dd>
        </div>
      </dl>
      {inputs.goals.length > 0 && (
        <ul className="plain-list">
          {inputs.goals.map((goal) => (
            <li key={goal.goal_id}>
              {t("reviews.goalLine", {
                title: goal.title,
                outcome: t(`goal.status.${goal.outcome}`, { defaultValue: goal.outcome }),
                actual: number(goal.actual, locale),
                target: number(goal.target, locale),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Assessment({
  title,
  part,
  template,
}: {
  title: string;
  part: components["schemas"]["AssessmentOut"];
  template: Template;
}) {
  const { t } = useTranslation();
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul className="plain-list">
        {template.criteria.map((criterion) => (
          <li key={criterion.key}>
            {criterion.name}: {part.ratings[criterion.key] ?? t("reviews.notRated")}
          </li>
        ))}
      </ul>
      {part.strengths && <p>{t("reviews.strengthsWere", { text: part.strengths })}</p>}
      {part.weaknesses && <p>{t("reviews.weaknessesWere", { text: part.weaknesses })}</p>}
    </section>
  );
}

/** The completed review's score and how it adds up, line by line. */
function Score({ result }: { result: components["schemas"]["ReviewResult"] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { explanation } = result;
  return (
    <section aria-label={t("reviews.score")}>
      <p data-testid="review-score">
        <strong>{t("reviews.scoreIs", { score: number(result.score, locale), label: result.label })}</strong>
      </p>
      <table>
        <caption className="hint">
          {t("reviews.formula")} <code>{explanation.formula}</code>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("reviews.line")}</th>
            <th scope="col" className="amount">{t("reviews.weight")}</th>
            <th scope="col" className="amount">{t("reviews.rating")}</th>
            <th scope="col" className="amount">{t("reviews.contribution")}</th>
          </tr>
        </thead>
        <tbody>
          {explanation.lines.map((line) => (
            <tr key={line.key}>
              <th scope="row">{line.name}</th>
              <td className="amount">{number(line.weight, locale)}</td>
              <td className="amount">{number(line.rating, locale)}</td>
              <td className="amount">{number(line.contribution, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {explanation.missing.length > 0 && <p className="hint">{t("reviews.missing", { inputs: explanation.missing.join(", ") })}</p>}
    </section>
  );
}

function Acknowledge({ review }: { review: ReviewOut }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft(`acknowledge.${person.person_id}.${review.review_id}`, { comment: "" });
  const acknowledge = useSubmission(
    () =>
      answer(
        apis.reviews.POST("/v1/reviews/{review_id}/acknowledge", {
          params: { path: { review_id: review.review_id } },
          body: draft,
        }),
      ),
    () => {
      clearDraft();
      void queryClient.invalidateQueries({ queryKey: ["reviews"] });
    },
  );
  const id = `acknowledge-${review.review_id}`;
  return (
    <form aria-label={t("reviews.acknowledge")} noValidate onSubmit={acknowledge.submit}>
      <SubmissionErrors submission={acknowledge} />
      <div className="field">
        <label htmlFor={`${id}-comment`}>{t("reviews.acknowledgeComment")}</label>
        <textarea
          id={`${id}-comment`}
          rows={2}
          value={draft.comment}
          {...acknowledge.invalid("comment", `${id}-comment-error`)}
          onChange={(e) => { setDraft({ comment: e.target.value }); }}
        />
        <FieldError id={`${id}-comment-error`} messages={acknowledge.errors.comment} />
      </div>
      <button type="submit" disabled={acknowledge.pending}>
        {t("reviews.acknowledge")}
      </button>
    </form>
  );
}
