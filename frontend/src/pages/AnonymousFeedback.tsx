import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/feedback/schema";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useSubmission } from "../components/useSubmission";
import { day } from "../format";
import { AnonymousResults } from "./AnonymousResults";
import { AnonymousThread } from "./AnonymousThread";

type Terms = components["schemas"]["AnonymousTerms"];
type Subject = "company" | "team" | "manager";
type Category = "suggestion" | "problem" | "concern";

/** The suggested themes (the feedback service takes free ones too); results count them, never who chose them. */
export const THEMES = ["workload", "process", "teamwork", "communication", "recognition", "customer_care"] as const;

interface Draft {
  subject: Subject;
  category: Category;
  text: string;
  tags: string[];
}

/** Anonymous feedback: write it (with what holds said first), read answers with the reply token, and for those
 * allowed to, the released results. */
export function AnonymousFeedback() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const terms = useQuery({
    queryKey: ["anonymous-terms"],
    queryFn: () => answer(apis.feedback.GET("/v1/anonymous/terms")),
  });
  const reader = person.role === "manager" || person.role === "hr";
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("anonymous.title")}</h1>
      {terms.error && <Failure error={terms.error} />}
      {terms.data && <TermsNotice terms={terms.data} />}
      <div className="panels">
        <WriteAnonymously />
        <AnonymousThread />
      </div>
      {reader && <AnonymousResults terms={terms.data} />}
    </section>
  );
}

function TermsNotice({ terms }: { terms: Terms }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="notice" data-testid="anonymous-terms">
      <p>{t("anonymous.termsThreshold", { k: terms.threshold })}</p>
      <p>
        {t("anonymous.termsRelease", {
          hour: String(terms.release_hour).padStart(2, "0"),
          zone: terms.organisation_timezone,
          next: day(terms.next_release_at, i18n.language),
        })}
      </p>
      <p>{t("anonymous.termsLimit", { limit: terms.daily_limit })}</p>
    </div>
  );
}

function WriteAnonymously() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const [draft, setDraft, clearDraft] = useDraft<Draft>(`anonymous.${person.person_id}`, {
    subject: person.team_id ? "team" : "company",
    category: "suggestion",
    text: "",
    tags: [],
  });
  // The reply token lives in this component only: never in storage, never shown again once the page is left.
  const [token, setToken] = useState<string | null>(null);
  const recipients = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
  });
  const manager = recipients.data?.find((p) => p.direction === "upward");
  const subjectId = (subject: Subject) =>
    subject === "team" ? person.team_id : subject === "manager" ? (manager?.person_id ?? null) : null;
  const send = useSubmission(
    () =>
      answer(
        apis.feedback.POST("/v1/anonymous", {
          body: {
            subject_kind: draft.subject,
            subject_id: subjectId(draft.subject),
            category: draft.category,
            text: draft.text,
            tags: draft.tags,
          },
        }),
      ),
    (receipt) => {
      setToken(receipt.reply_token);
      clearDraft();
    },
  );
  const edit = (next: Partial<Draft>) => {
    send.reset();
    setDraft({ ...draft, ...next });
  };
  const subjects: Subject[] = ["company", ...(person.team_id ? (["team"] as const) : []), ...(manager ? (["manager"] as const) : [])];
  return (
    <form className="card" aria-labelledby="anonymous-write" noValidate onSubmit={send.submit}>
      <h2 id="anonymous-write">{t("anonymous.write")}</h2>
      {token && <ReplyToken token={token} onDone={() => { setToken(null); }} />}
      <SubmissionErrors submission={send} />
      <fieldset className="field choice">
        <legend>{t("anonymous.about")}</legend>
        {subjects.map((subject) => (
          <label key={subject}>
            <input
              type="radio"
              name="anonymous-subject"
              value={subject}
              checked={draft.subject === subject}
              onChange={() => { edit({ subject }); }}
            />{" "}
            {t(`anonymous.subjects.${subject}`, { name: manager?.display_name ?? "" })}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="anonymous-category">{t("anonymous.category")}</label>
        <select
          id="anonymous-category"
          value={draft.category}
          onChange={(e) => { edit({ category: e.target.value as Category }); }}
        >
          {(["suggestion", "problem", "concern"] as const).map((category) => (
            <option key={category} value={category}>
              {t(`anonymous.categories.${category}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="anonymous-text">{t("anonymous.text")}</label>
        <textarea
          id="anonymous-text"
          rows={4}
          value={draft.text}
          {...send.invalid("text", "anonymous-text-error")}
          onChange={(e) => { edit({ text: e.target.value }); }}
        />
        <FieldError id="anonymous-text-error" messages={send.errors.text} />
      </div>
      <fieldset className="field choice">
        <legend>{t("anonymous.themes")}</legend>
        {THEMES.map((theme) => (
          <label key={theme}>
            <input
              type="checkbox"
              checked={draft.tags.includes(theme)}
              onChange={(e) => {
                edit({ tags: e.target.checked ? [...draft.tags, theme] : draft.tags.filter((tag) => tag !== theme) });
              }}
            />{" "}
            {t(`anonymous.theme.${theme}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={send.pending}>
        {t("anonymous.send")}
      </button>
    </form>
  );
}

/** The reply token, shown this once, with a button that copies it. */
function ReplyToken({ token, onDone }: { token: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="notice notice-done" role="status">
      <p>{t("anonymous.sent")}</p>
      <p>
        <label htmlFor="reply-token">{t("anonymous.token")}</label>{" "}
        <input id="reply-token" data-testid="reply-token" readOnly value={token} size={48} />
      </p>
      <p className="hint">{t("anonymous.tokenOnce")}</p>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            navigator.clipboard.writeText(token).then(
              () => { setCopied(true); },
              () => { setCopied(false); },
            );
          }}
        >
          {t("anonymous.copy")}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t("anonymous.kept")}
        </button>
      </div>
      {copied !== null && <p>{copied ? t("anonymous.copied") : t("anonymous.copyFailed")}</p>}
    </div>
  );
}
