import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { useSession } from "../auth/AuthContext";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";

interface AwardDraft {
  person_id: string;
  name: string;
  citation: string;
  private: boolean;
  /** One key per award being written: a form sent twice (a retry, a second click) grants it once. */
  award_id: string;
}

const fresh = (): AwardDraft => ({ person_id: "", name: "", citation: "", private: false, award_id: crypto.randomUUID() });

/** A manager's award to one of her reports, with a citation; private ones stay off the team's channel and feed. */
export function GiveAward({ reports }: { reports: { person_id: string; display_name: string }[] }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft<AwardDraft>(`award.${person.person_id}`, fresh());
  const [granted, setGranted] = useState<string | null>(null);
  const give = useSubmission(
    () => answer(apis.incentives.POST("/v1/awards", { body: draft })),
    (award) => {
      const name = reports.find((p) => p.person_id === award.person_id)?.display_name ?? award.person_id;
      setGranted(t("award.granted", { name }));
      clearDraft();
      setDraft(fresh());
      void queryClient.invalidateQueries({ queryKey: ["recognitions"] });
      void queryClient.invalidateQueries({ queryKey: ["leaderboard"] });
    },
  );
  const edit = (next: Partial<AwardDraft>) => {
    setGranted(null);
    give.reset();
    setDraft({ ...draft, ...next });
  };
  return (
    <form className="card" aria-labelledby="award-title" noValidate onSubmit={give.submit}>
      <h2 id="award-title">{t("award.title")}</h2>
      {granted && <p role="status">{granted}</p>}
      <SubmissionErrors submission={give} />
      <div className="field">
        <label htmlFor="award-to">{t("award.to")}</label>
        <select
          id="award-to"
          value={draft.person_id}
          {...give.invalid("person_id", "award-to-error")}
          onChange={(e) => { edit({ person_id: e.target.value }); }}
        >
          <option value="">{t("feedback.chooseRecipient")}</option>
          {reports.map((p) => (
            <option key={p.person_id} value={p.person_id}>
              {p.display_name}
            </option>
          ))}
        </select>
        <FieldError id="award-to-error" messages={give.errors.person_id} />
      </div>
      <div className="field">
        <label htmlFor="award-name">{t("award.name")}</label>
        <input
          id="award-name"
          value={draft.name}
          {...give.invalid("name", "award-name-error")}
          onChange={(e) => { edit({ name: e.target.value }); }}
        />
        <FieldError id="award-name-error" messages={give.errors.name} />
      </div>
      <div className="field">
        <label htmlFor="award-citation">{t("award.citation")}</label>
        <textarea
          id="award-citation"
          rows={3}
          value={draft.citation}
          {...give.invalid("citation", "award-citation-error")}
          onChange={(e) => { edit({ citation: e.target.value }); }}
        />
        <FieldError id="award-citation-error" messages={give.errors.citation} />
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={draft.private} onChange={(e) => { edit({ private: e.target.checked }); }} />{" "}
          {t("award.private")}
        </label>
      </div>
      <button type="submit" disabled={give.pending}>
        {t("award.give")}
      </button>
    </form>
  );
}
