import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";

interface Draft {
  open: boolean;
  new_target: string;
  reason: string;
}

/** Ask for a new target, with a reason; the goals service decides whether it waits for the manager. */
export function AdjustmentForm({ goalId }: { goalId: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft<Draft>(`adjustment.${person.person_id}.${goalId}`, {
    open: false,
    new_target: "",
    reason: "",
  });
  const request = useSubmission(
    () =>
      answer(
        apis.goals.POST("/v1/goals/{goal_id}/adjustments", {
          params: { path: { goal_id: goalId } },
          body: { reason: draft.reason, new_target: draft.new_target === "" ? null : draft.new_target },
        }),
      ),
    () => {
      clearDraft();
      void queryClient.invalidateQueries({ queryKey: ["my-goals"] });
    },
  );
  const id = (field: string) => `adjust-${goalId}-${field}`;

  if (!draft.open) {
    return (
      <button type="button" className="secondary" aria-expanded="false" onClick={() => { setDraft({ ...draft, open: true }); }}>
        {t("adjust.open")}
      </button>
    );
  }
  return (
    <form
      className="adjust-form"
      aria-label={t("adjust.title")}
      noValidate // the service's rules decide, and its reasons are shown on the fields
      onSubmit={request.submit}
    >
      <SubmissionErrors submission={request} />
      <div className="field">
        <label htmlFor={id("new_target")}>{t("adjust.newTarget")}</label>
        <input
          id={id("new_target")}
          inputMode="decimal"
          autoFocus // the person just opened the form to type here
          value={draft.new_target}
          {...request.invalid("new_target", id("new_target-error"))}
          onChange={(e) => { setDraft({ ...draft, new_target: e.target.value }); }}
        />
        <FieldError id={id("new_target-error")} messages={request.errors.new_target} />
      </div>
      <div className="field">
        <label htmlFor={id("reason")}>{t("adjust.reason")}</label>
        <textarea
          id={id("reason")}
          rows={2}
          value={draft.reason}
          {...request.invalid("reason", id("reason-error"))}
          onChange={(e) => { setDraft({ ...draft, reason: e.target.value }); }}
        />
        <FieldError id={id("reason-error")} messages={request.errors.reason} />
      </div>
      <div className="actions">
        <button type="submit" disabled={request.pending}>
          {t("adjust.submit")}
        </button>
        <button type="button" className="secondary" onClick={clearDraft}>
          {t("adjust.cancel")}
        </button>
      </div>
    </form>
  );
}
