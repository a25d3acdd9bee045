import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/feedback/schema";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { Pager } from "../components/Pager";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useCursorPages } from "../components/useCursorPages";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { day } from "../format";

type RecipientOut = components["schemas"]["RecipientOut"];

/** Feedback shown a page at a time, newest first, each page read from the API by its cursor. */
const PAGE_SIZE = 10;

interface Draft {
  recipient_id: string;
  kind: "praise" | "improvement";
  text: string;
  share: boolean;
}

/** Feedback received, and feedback given: praise or improvement to a peer, upward to one's manager, down to a report. */
export function MyFeedback() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const recipients = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
  });
  const people = recipients.data ?? [];
  const names = new Map(people.map((p) => [p.person_id, p.display_name]));
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("feedback.title")}</h1>
      <div className="panels">
        <GiveFeedback people={people} failure={recipients.error} />
        <Inbox nameOf={(id) => names.get(id) ?? id} />
      </div>
    </section>
  );
}

function GiveFeedback({ people, failure }: { people: RecipientOut[]; failure: Error | null }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft<Draft>(`feedback.${person.person_id}`, {
    recipient_id: "",
    kind: "praise",
    text: "",
    share: false,
  });
  const [sent, setSent] = useState<string | null>(null);
  const give = useSubmission(
    () =>
      answer(
        apis.feedback.POST("/v1/feedback", {
          body: {
            recipient_id: draft.recipient_id,
            kind: draft.kind,
            text: draft.text,
            tags: [],
            visibility: draft.share ? "team" : "private",
          },
        }),
      ),
    (feedback) => {
      const name = people.find((p) => p.person_id === feedback.recipient_id)?.display_name ?? feedback.recipient_id;
      setSent(t(`feedback.sent.${feedback.kind}`, { name }));
      clearDraft();
      void queryClient.invalidateQueries({ queryKey: ["feedback-inbox"] });
    },
  );
  const errors = give.errors;
  const edit = (next: Partial<Draft>) => {
    setSent(null);
    setDraft({ ...draft, ...next });
  };
  return (
    <form
      className="card"
      aria-labelledby="give-title"
      noValidate
      onSubmit={give.submit}
    >
      <h2 id="give-title">{t("feedback.give")}</h2>
      {failure && <Failure error={failure} />}
      {sent && <p role="status">{sent}</p>}
      <SubmissionErrors submission={give} />
      <div className="field">
        <label htmlFor="feedback-recipient">{t("feedback.recipient")}</label>
        <select
          id="feedback-recipient"
          value={draft.recipient_id}
          {...give.invalid("recipient_id", "feedback-recipient-error")}
          onChange={(e) => { edit({ recipient_id: e.target.value }); }}
        >
          <option value="">{t("feedback.chooseRecipient")}</option>
          {people.map((p) => (
            <option key={p.person_id} value={p.person_id}>
              {t(`feedback.to.${p.direction}`, { name: p.display_name })}
            </option>
          ))}
        </select>
        <FieldError id="feedback-recipient-error" messages={errors.recipient_id} />
      </div>
      <fieldset className="field choice">
        <legend>{t("feedback.kind")}</legend>
        {(["praise", "improvement"] as const).map((kind) => (
          <label key={kind}>
            <input
              type="radio"
              name="feedback-kind"
              value={kind}
              checked={draft.kind === kind}
              onChange={() => { edit({ kind }); }}
            />{" "}
            {t(`feedback.kinds.${kind}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="feedback-text">{t("feedback.text")}</label>
        <textarea
          id="feedback-text"
          rows={4}
          value={draft.text}
          {...give.invalid("text", "feedback-text-error")}
          onChange={(e) => { edit({ text: e.target.value }); }}
        />
        <FieldError id="feedback-text-error" messages={errors.text} />
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={draft.share} onChange={(e) => { edit({ share: e.target.checked }); }} />{" "}
          {t("feedback.share")}
        </label>
      </div>
      <button type="submit" disabled={give.pending}>
        {t("feedback.send")}
      </button>
    </form>
  );
}

function Inbox({ nameOf }: { nameOf: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const inbox = useCursorPages(["feedback-inbox"], (cursor) =>
    answer(apis.feedback.GET("/v1/feedback/inbox", { params: { query: { limit: PAGE_SIZE, cursor } } })),
  );
  const error = inbox.query.error;
  const loading = inbox.query.isPending;
  return (
    <section className="card" aria-labelledby="inbox-title">
      <h2 id="inbox-title">{t("feedback.inbox")}</h2>
      {error && <Failure error={error} />}
      {loading && <p>{t("app.loading")}</p>}
      {!loading && inbox.items.length === 0 && inbox.page === 0 && <p>{t("feedback.empty")}</p>}
      <ul className="plain-list feedback-list" data-testid="inbox">
        {inbox.items.map((item) => (
          <li key={item.feedback_id} aria-label={t("feedback.from", { name: nameOf(item.author_id) })}>
            <div>
              <span className={`badge badge-${item.kind}`}>{t(`feedback.kinds.${item.kind}`)}</span>{" "}
              <strong>{t("feedback.from", { name: nameOf(item.author_id) })}</strong>{" "}
              <span className="hint">
                {t(`feedback.direction.${item.direction}`, { defaultValue: item.direction })} ·{" "}
                {day(item.created_at, i18n.language)}
              </span>
              <p>{item.text}</p>
            </div>
          </li>
        ))}
      </ul>
      <Pager page={inbox.page} hasNext={inbox.hasNext} onPage={inbox.toPage} />
    </section>
  );
}
