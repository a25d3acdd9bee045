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
import { pageOf } from "../components/paging";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useSubmission } from "../components/useSubmission";

type Terms = components["schemas"]["AnonymousTerms"];
type Window = components["schemas"]["ReleasedWindow"];
type Kind = "company" | "team" | "manager";

const PAGE_SIZE = 10;

/**
 * The released results about a subject: for the manager concerned (her team, herself) and hr (any subject). Below k
 * the service answers nothing at all, exactly as when nobody wrote, and this page says only that.
 */
export function AnonymousResults({ terms }: { terms: Terms | undefined }) {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const hr = person.role === "hr";
  const [kind, setKind] = useState<Kind>(hr ? "company" : "team");
  const [typedId, setTypedId] = useState("");
  const subjectId = hr ? typedId.trim() : kind === "team" ? (person.team_id ?? "") : person.person_id;
  const results = useQuery({
    queryKey: ["anonymous-results", kind, subjectId],
    queryFn: () =>
      answer(
        apis.feedback.GET("/v1/anonymous/aggregates", {
          params: { query: { subject_kind: kind, subject_id: kind === "company" ? undefined : subjectId } },
        }),
      ),
    enabled: kind === "company" || subjectId !== "",
    refetchInterval: config.refetch_seconds * 1000,
  });
  const kinds: Kind[] = hr ? ["company", "team", "manager"] : ["team", "manager"];
  return (
    <section className="card" aria-labelledby="anonymous-results">
      <h2 id="anonymous-results">{t("anonymous.results")}</h2>
      <div className="inline-form">
        <label htmlFor="results-subject">{t("anonymous.resultsAbout")}</label>
        <select id="results-subject" value={kind} onChange={(e) => { setKind(e.target.value as Kind); }}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {hr ? t(`anonymous.kinds.${k}`) : t(`anonymous.mine.${k}`)}
            </option>
          ))}
        </select>
        {hr && kind !== "company" && (
          <>
            <label htmlFor="results-subject-id">{t(`anonymous.subjectId.${kind}`)}</label>
            <input id="results-subject-id" value={typedId} onChange={(e) => { setTypedId(e.target.value); }} />
          </>
        )}
      </div>
      {results.error && <Failure error={results.error} />}
      {results.data?.length === 0 && (
        <p data-testid="anonymous-nothing">{t("anonymous.nothingReleased", { k: terms?.threshold ?? "k" })}</p>
      )}
      {results.data?.map((window) => <ReleasedWindow key={window.window} window={window} />)}
    </section>
  );
}

function ReleasedWindow({ window }: { window: Window }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(0);
  const shown = pageOf(window.items, page, PAGE_SIZE);
  const themes = Object.entries(window.themes);
  return (
    <article aria-label={t("anonymous.window", { window: window.window })} data-testid="anonymous-window">
      <h3>{t("anonymous.windowHeading", { window: window.window, submissions: window.submissions })}</h3>
      {themes.length > 0 && (
        <p>
          {t("anonymous.themeCounts")}{" "}
          {themes.map(([theme, count]) => `${t(`anonymous.theme.${theme}`, { defaultValue: theme })} × ${String(count)}`).join(", ")}
        </p>
      )}
      <ul className="plain-list feedback-list">
        {shown.items.map((item) => (
          <li key={item.submission_id}>
            <div>
              <span className="badge badge-improvement">{t(`anonymous.categories.${item.category}`, { defaultValue: item.category })}</span>{" "}
              {item.text}
              {item.thread.map((entry, i) => (
                <p key={i} className="hint">
                  {t(`anonymous.from.${entry.from}`, { defaultValue: entry.from })}: {entry.text}
                </p>
              ))}
              <Answer submissionId={item.submission_id} />
            </div>
          </li>
        ))}
      </ul>
      <Pager page={page} hasNext={shown.hasNext} onPage={setPage} />
    </article>
  );
}

/** hr or the manager concerned answers a released submission; the author reads it with their token. */
function Answer({ submissionId }: { submissionId: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const id = `answer-${submissionId}`;
  const send = useSubmission(
    async () => {
      const { response, error } = await apis.feedback.POST("/v1/anonymous/submissions/{submission_id}/replies", {
        params: { path: { submission_id: submissionId } },
        body: { text },
      });
      if (!response.ok) await answer(Promise.resolve({ error, response }));
    },
    () => {
      setText("");
      void queryClient.invalidateQueries({ queryKey: ["anonymous-results"] });
    },
  );
  return (
    <form className="inline-form" aria-label={t("anonymous.answerForm")} noValidate onSubmit={send.submit}>
      <SubmissionErrors submission={send} />
      <label htmlFor={id}>{t("anonymous.answer")}</label>
      <input id={id} value={text} {...send.invalid("text", `${id}-error`)} onChange={(e) => { send.reset(); setText(e.target.value); }} />
      <FieldError id={`${id}-error`} messages={send.errors.text} />
      <button type="submit" disabled={send.pending}>
        {t("anonymous.sendAnswer")}
      </button>
    </form>
  );
}
