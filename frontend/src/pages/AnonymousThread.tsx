import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import type { components } from "../client/feedback/schema";
import { FieldError } from "../components/FieldError";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useSubmission } from "../components/useSubmission";

type ThreadOut = components["schemas"]["ThreadOut"];

/** The author's side: the reply token finds the submission and its answers, and carries a reply to the next release. */
export function AnonymousThread() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  // Neither the token nor the thread is kept anywhere but here: the author's link to the text ends with the page.
  const [token, setToken] = useState("");
  const [reply, setReply] = useState("");
  const [thread, setThread] = useState<ThreadOut | null>(null);
  const read = useSubmission(
    () => answer(apis.feedback.POST("/v1/anonymous/thread", { body: { reply_token: token.trim() } })),
    setThread,
  );
  const respond = useSubmission(
    () => answer(apis.feedback.POST("/v1/anonymous/thread/replies", { body: { reply_token: token.trim(), text: reply } })),
    (answered) => {
      setThread(answered);
      setReply("");
    },
  );
  return (
    <section className="card" aria-labelledby="anonymous-thread">
      <h2 id="anonymous-thread">{t("anonymous.thread")}</h2>
      <form aria-label={t("anonymous.thread")} noValidate onSubmit={read.submit}>
        <SubmissionErrors submission={read} />
        <div className="field">
          <label htmlFor="thread-token">{t("anonymous.token")}</label>
          <input
            id="thread-token"
            value={token}
            autoComplete="off"
            {...read.invalid("reply_token", "thread-token-error")}
            onChange={(e) => {
              read.reset();
              setThread(null);
              setToken(e.target.value);
            }}
          />
          <FieldError id="thread-token-error" messages={read.errors.reply_token} />
        </div>
        <button type="submit" disabled={read.pending}>
          {t("anonymous.read")}
        </button>
      </form>
      {thread && (
        <div data-testid="anonymous-thread-view">
          <p>
            <span className="badge badge-improvement">{t(`anonymous.categories.${thread.category}`, { defaultValue: thread.category })}</span>{" "}
            {thread.text}
          </p>
          <ul className="plain-list">
            {thread.thread.map((entry, i) => (
              <li key={`answer-${String(i)}`}>
                {t(`anonymous.from.${entry.from}`, { defaultValue: entry.from })}: {entry.text}
              </li>
            ))}
            {thread.pending_replies.map((entry, i) => (
              <li key={`pending-${String(i)}`}>
                {t("anonymous.pendingReply")}: {entry.text}
              </li>
            ))}
          </ul>
          {thread.thread.length === 0 && <p className="hint">{t("anonymous.noAnswers")}</p>}
          <form aria-label={t("anonymous.replyForm")} noValidate onSubmit={respond.submit}>
            <SubmissionErrors submission={respond} />
            <div className="field">
              <label htmlFor="thread-reply">{t("anonymous.reply")}</label>
              <textarea
                id="thread-reply"
                rows={2}
                value={reply}
                {...respond.invalid("text", "thread-reply-error")}
                onChange={(e) => { respond.reset(); setReply(e.target.value); }}
              />
              <FieldError id="thread-reply-error" messages={respond.errors.text} />
            </div>
            <button type="submit" disabled={respond.pending}>
              {t("anonymous.sendReply")}
            </button>
          </form>
        </div>
      )}
    </section>
  );
}
