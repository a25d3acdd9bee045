import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/incentives/schema";
import { Failure } from "../components/Failure";
import { FieldError } from "../components/FieldError";
import { More } from "../components/More";
import { SubmissionErrors } from "../components/SubmissionErrors";
import { useDraft } from "../components/useDraft";
import { useMorePages } from "../components/useMorePages";
import { usePeopleNames } from "../components/usePeopleNames";
import { useSubmission } from "../components/useSubmission";
import { day, number, percent } from "../format";
import { GiveAward } from "./GiveAward";

type RecognitionOut = components["schemas"]["RecognitionOut"];
type ValueOut = components["schemas"]["ValueOut"];

/** A company value's name in the page's language, English when it has none in it. */
function valueName(values: ValueOut[], id: string, language: string): string {
  const names = values.find((v) => v.value_id === id)?.names;
  return names?.[language] ?? names?.en ?? id;
}

/** Recognitions a page of the API holds: the newest first, "More" reads the next. */
const PAGE = 10;

/** Kudos within the month's budget, the team's recognitions (private ones only to whom they concern), the
 * leaderboard. What is private is decided by the incentives service: this page shows what it answers. */
export function Recognition() {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const teamId = person.team_id ?? "";
  const recipients = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
  });
  const nameOf = usePeopleNames();
  const values = useQuery({
    queryKey: ["company-values"],
    queryFn: () => answer(apis.incentives.GET("/v1/values")),
  });
  const feed = useMorePages(["recognitions", teamId], (cursor) =>
    answer(apis.incentives.GET("/v1/recognitions", { params: { query: { team_id: teamId || undefined, limit: PAGE, cursor } } })),
  );
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("recognition.title")}</h1>
      <div className="panels">
        <GiveKudos people={recipients.data ?? []} values={values.data ?? []} failure={recipients.error ?? values.error} />
        {person.role === "manager" && (
          <GiveAward reports={(recipients.data ?? []).filter((p) => p.direction === "downward")} />
        )}
        {teamId && <Leaderboard teamId={teamId} nameOf={nameOf} />}
      </div>
      <Feed feed={feed} values={values.data ?? []} nameOf={nameOf} />
    </section>
  );
}

function GiveKudos({
  people,
  values,
  failure,
}: {
  people: { person_id: string; display_name: string }[];
  values: ValueOut[];
  failure: Error | null;
}) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft, clearDraft] = useDraft(`kudos.${person.person_id}`, { to: "", message: "", value_id: "" });
  const [sent, setSent] = useState<string | null>(null);
  const budget = useQuery({
    queryKey: ["kudos-budget", person.person_id],
    queryFn: () => answer(apis.incentives.GET("/v1/kudos/budget")),
  });
  const give = useSubmission(
    () => answer(
        apis.incentives.POST("/v1/kudos", {
          body: { to: draft.to, message: draft.message, value_id: draft.value_id || undefined },
        }),
      ),
    (kudos) => {
      setSent(t("recognition.sent", { name: people.find((p) => p.person_id === kudos.person_id)?.display_name ?? kudos.person_id }));
      clearDraft();
      void queryClient.invalidateQueries({ queryKey: ["kudos-budget"] });
      void queryClient.invalidateQueries({ queryKey: ["recognitions"] });
    },
  );
  const edit = (next: Partial<typeof draft>) => {
    setSent(null);
    give.reset();
    setDraft({ ...draft, ...next });
  };
  return (
    <form className="card" aria-labelledby="kudos-title" noValidate onSubmit={give.submit}>
      <h2 id="kudos-title">{t("recognition.give")}</h2>
      {budget.data && (
        <p data-testid="kudos-budget">{t("recognition.budget", { remaining: budget.data.remaining, budget: budget.data.budget })}</p>
      )}
      {budget.error && <Failure error={budget.error} />}
      {failure && <Failure error={failure} />}
      {sent && <p role="status">{sent}</p>}
      <SubmissionErrors submission={give} />
      <div className="field">
        <label htmlFor="kudos-to">{t("recognition.to")}</label>
        <select id="kudos-to" value={draft.to} {...give.invalid("to", "kudos-to-error")} onChange={(e) => { edit({ to: e.target.value }); }}>
          <option value="">{t("feedback.chooseRecipient")}</option>
          {people.map((p) => (
            <option key={p.person_id} value={p.person_id}>
              {p.display_name}
            </option>
          ))}
        </select>
        <FieldError id="kudos-to-error" messages={give.errors.to} />
      </div>
      <div className="field">
        <label htmlFor="kudos-message">{t("recognition.message")}</label>
        <textarea
          id="kudos-message"
          rows={3}
          value={draft.message}
          {...give.invalid("message", "kudos-message-error")}
          onChange={(e) => { edit({ message: e.target.value }); }}
        />
        <FieldError id="kudos-message-error" messages={give.errors.message} />
      </div>
      <div className="field">
        <label htmlFor="kudos-value">{t("recognition.value")}</label>
        <select
          id="kudos-value"
          value={draft.value_id}
          {...give.invalid("value_id", "kudos-value-error")}
          onChange={(e) => { edit({ value_id: e.target.value }); }}
        >
          <option value="">{t("recognition.noValue")}</option>
          {values.map((v) => (
            <option key={v.value_id} value={v.value_id}>
              {valueName(values, v.value_id, i18n.language)}
            </option>
          ))}
        </select>
        <FieldError id="kudos-value-error" messages={give.errors.value_id} />
      </div>
      <button type="submit" disabled={give.pending || budget.data?.remaining === 0}>
        {t("recognition.send")}
      </button>
    </form>
  );
}

function Leaderboard({ teamId, nameOf }: { teamId: string; nameOf: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const [by, setBy] = useState<"points" | "attainment">("points");
  const board = useQuery({
    queryKey: ["leaderboard", teamId, by],
    queryFn: () =>
      answer(apis.incentives.GET("/v1/teams/{team_id}/leaderboard", { params: { path: { team_id: teamId }, query: { by } } })),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const locale = i18n.language;
  return (
    <section className="card" aria-labelledby="leaderboard-title">
      <h2 id="leaderboard-title">{t("recognition.leaderboard")}</h2>
      <div className="inline-form">
        <label htmlFor="leaderboard-by">{t("recognition.rankBy")}</label>
        <select id="leaderboard-by" value={by} onChange={(e) => { setBy(e.target.value as "points" | "attainment"); }}>
          <option value="points">{t("recognition.byPoints")}</option>
          <option value="attainment">{t("recognition.byAttainment")}</option>
        </select>
      </div>
      {board.error && <Failure error={board.error} />}
      {board.data?.standings.length === 0 && <p>{t("recognition.noStandings")}</p>}
      {board.data && board.data.standings.length > 0 && (
        <table data-testid="leaderboard">
          <caption className="hint">{t("recognition.month", { month: board.data.month })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("recognition.rank")}</th>
              <th scope="col">{t("recognition.person")}</th>
              <th scope="col" className="amount">{by === "points" ? t("recognition.points") : t("recognition.attainment")}</th>
            </tr>
          </thead>
          <tbody>
            {board.data.standings.map((standing) => (
              <tr key={standing.person_id}>
                <td>{standing.rank}</td>
                <th scope="row">{nameOf(standing.person_id)}</th>
                <td className="amount">{by === "points" ? number(standing.score, locale) : percent(standing.score, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Feed({
  feed,
  values,
  nameOf,
}: {
  feed: ReturnType<typeof useMorePages<RecognitionOut>>;
  values: ValueOut[];
  nameOf: (id: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const { query, items } = feed;
  const error = query.error;
  const loading = query.isPending;
  return (
    <section className="card" aria-labelledby="feed-title">
      <h2 id="feed-title">{t("recognition.feed")}</h2>
      {error && <Failure error={error} />}
      {loading && <p>{t("app.loading")}</p>}
      {!loading && items.length === 0 && <p>{t("recognition.empty")}</p>}
      <ul className="plain-list feedback-list" data-testid="recognitions">
        {items.map((item) => (
          <li key={item.recognition_id}>
            <div>
              <span className={`badge badge-recognition-${item.kind}`}>{t(`recognition.kinds.${item.kind}`, { defaultValue: item.kind })}</span>{" "}
              <strong>{t("recognition.for", { name: nameOf(item.person_id) })}</strong>{" "}
              <span className="hint">
                {item.granted_by ? t("recognition.by", { name: item.granted_by_name ?? nameOf(item.granted_by) }) : t("recognition.byRule")} ·{" "}
                {day(item.granted_at, i18n.language)} · {t("recognition.pointsOf", { points: item.points })}
                {item.value_id && ` · ${t("recognition.livedValue", { value: valueName(values, item.value_id, i18n.language) })}`}
                {item.private && ` · ${t("recognition.private")}`}
              </span>
              <p>
                {item.name}
                {item.citation && `: ${item.citation}`}
              </p>
            </div>
          </li>
        ))}
      </ul>
      <More list={query} label={t("recognition.more")} />
    </section>
  );
}
