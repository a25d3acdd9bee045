import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/reviews/schema";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";

export type Template = components["schemas"]["TemplateIn-Output"];
type ReviewOut = components["schemas"]["ReviewOut"];

interface Draft {
  /** Criterion key -> the rating chosen ("" while none is). */
  ratings: Record<string, string>;
  strengths: string;
  weaknesses: string;
  comment: string;
}

const EMPTY: Draft = { ratings: {}, strengths: "", weaknesses: "", comment: "" };

/** The chosen ratings as the API takes them: criteria left unrated are left out, and the service says if it minds. */
function ratingsOf(draft: Draft): Record<string, number> {
  return Object.fromEntries(
    Object.entries(draft.ratings)
      .filter(([, rating]) => rating !== "")
      .map(([key, rating]) => [key, Number(rating)]),
  );
}

/**
 * The self-assessment (the person reviewed) or the manager's assessment, which completes the review with its score:
 * a rating per criterion of the review's template, on its scale, and notes.
 */
export function AssessmentForm({
  review,
  step,
  template,
  name,
}: {
  review: ReviewOut;
  step: "self" | "manager";
  template: Template;
  name?: string;
}) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft<Draft>(`review.${person.person_id}.${review.review_id}.${step}`, EMPTY);
  const path = step === "self" ? "/v1/reviews/{review_id}/self" : "/v1/reviews/{review_id}/manager";
  const submission = useSubmission(
    () =>
      answer(
        apis.reviews.POST(path, {
          params: { path: { review_id: review.review_id } },
          body: {
            ratings: ratingsOf(draft),
            strengths: draft.strengths,
            weaknesses: draft.weaknesses,
            comment: draft.comment,
            development: [],
          },
        }),
      ),
    () => {
      clearDraft();
      void queryClient.invalidateQueries({ queryKey: ["reviews"] });
      void queryClient.invalidateQueries({ queryKey: ["review", review.review_id] });
    },
  );
  const id = (field: string) => `review-${review.review_id}-${step}-${field}`;
  const edit = (next: Partial<Draft>) => {
    submission.reset();
    setDraft({ ...draft, ...next });
  };
  const { minimum, maximum, labels } = template.scale;
  const scale = Array.from({ length: maximum - minimum + 1 }, (_, i) => minimum + i);
  const title = step === "self" ? t("reviews.selfForm") : t("reviews.managerForm", { name });
  return (
    <form className="miss-form" aria-label={title} noValidate onSubmit={submission.submit}>
      <h3>{title}</h3>
      <p className="hint">{step === "self" ? t("reviews.selfHint") : t("reviews.managerHint")}</p>
      <SubmissionErrors submission={submission} />
      <fieldset className="field">
        <legend>{t("reviews.ratings", { minimum, maximum })}</legend>
        {template.criteria.map((criterion) => (
          <div className="field" key={criterion.key}>
            <label htmlFor={id(`rating-${criterion.key}`)}>
              {criterion.name} {t("reviews.criterionWeight", { weight: criterion.weight })}
            </label>
            <select
              id={id(`rating-${criterion.key}`)}
              value={draft.ratings[criterion.key] ?? ""}
              onChange={(e) => { edit({ ratings: { ...draft.ratings, [criterion.key]: e.target.value } }); }}
            >
              <option value="">{t("reviews.notRated")}</option>
              {scale.map((rating) => (
                <option key={rating} value={String(rating)}>
                  {labels?.[String(rating)] ? `${String(rating)} — ${labels[String(rating)]}` : String(rating)}
                </option>
              ))}
            </select>
          </div>
        ))}
      </fieldset>
      {(["strengths", "weaknesses", "comment"] as const).map((field) => (
        <div className="field" key={field}>
          <label htmlFor={id(field)}>{t(`reviews.${field}`)}</label>
          <textarea
            id={id(field)}
            rows={3}
            value={draft[field]}
            {...submission.invalid(field, id(`${field}-error`))}
            onChange={(e) => { edit({ [field]: e.target.value }); }}
          />
          <FieldError id={id(`${field}-error`)} messages={submission.errors[field]} />
        </div>
      ))}
      <button type="submit" disabled={submission.pending}>
        {step === "self" ? t("reviews.submitSelf") : t("reviews.submitManager")}
      </button>
    </form>
  );
}
