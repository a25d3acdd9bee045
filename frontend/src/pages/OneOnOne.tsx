import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/reviews/schema";
import { Failure } from "../components/Failure";
import { date, number, percent } from "../format";

type Agenda = components["schemas"]["Agenda"];

/** Weekly check-ins the picker reads at a time. */
const WEEKS = 50;

/** A manager's weekly 1:1s: one report's check-in as an agenda, problems first, in the reader's language. */
export function OneOnOne() {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const { person } = useSession();
  // Her reports' weekly check-ins, newest week first, a page at a time (her own are her manager's to hold).
  const reviews = useInfiniteQuery({
    queryKey: ["reviews", person.person_id, "weekly"],
    queryFn: ({ pageParam }) =>
      answer(
        apis.reviews.GET("/v1/reviews", {
          params: { query: { manager_id: person.person_id, cadence: "weekly", limit: WEEKS, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const people = useQuery({
    queryKey: ["feedback-recipients"],
    queryFn: () => answer(apis.feedback.GET("/v1/feedback/recipients")),
  });
  const names = new Map((people.data ?? []).map((p) => [p.person_id, p.display_name]));
  const weekly = reviews.data?.pages.flatMap((page) => page.items) ?? [];
  const [chosen, setChosen] = useState("");
  const reviewId = chosen || weekly[0]?.review_id || "";
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("oneOnOne.title")}</h1>
      <p className="hint">{t("oneOnOne.intro")}</p>
      {reviews.error && <Failure error={reviews.error} />}
      {reviews.isPending && <p>{t("app.loading")}</p>}
      {reviews.data && weekly.length === 0 && <p>{t("oneOnOne.empty")}</p>}
      {weekly.length > 0 && (
        <div className="field">
          <label htmlFor="one-on-one-with">{t("oneOnOne.with")}</label>
          <select id="one-on-one-with" value={reviewId} onChange={(e) => { setChosen(e.target.value); }}>
            {weekly.map((r) => (
              <option key={r.review_id} value={r.review_id}>
                {t("oneOnOne.option", {
                  name: names.get(r.person_id) ?? r.person_id,
                  week: date(r.period_first_day, i18n.language),
                })}
              </option>
            ))}
          </select>
          {reviews.hasNextPage && (
            <button type="button" disabled={reviews.isFetchingNextPage} onClick={() => void reviews.fetchNextPage()}>
              {t("oneOnOne.earlier")}
            </button>
          )}
        </div>
      )}
      {reviewId && <AgendaCard reviewId={reviewId} name={(id) => names.get(id) ?? id} />}
    </section>
  );
}

function AgendaCard({ reviewId, name }: { reviewId: string; name: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const locale = i18n.language;
  const agenda = useQuery({
    queryKey: ["agenda", reviewId, locale],
    // The talking points come worded in the language the console shows.
    queryFn: () =>
      answer(apis.reviews.GET("/v1/reviews/{review_id}/agenda", { params: { path: { review_id: reviewId }, query: { locale } } })),
    refetchInterval: config.refetch_seconds * 1000,
  });
  if (agenda.error) return <Failure error={agenda.error} />;
  if (!agenda.data) return <p>{t("app.loading")}</p>;
  const a: Agenda = agenda.data;
  const day = (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: a.timezone }).format(new Date(iso));
  const lastDay = new Date(new Date(a.week_end).getTime() - 1).toISOString();
  return (
    <article className="card" aria-labelledby="agenda-title" data-testid="agenda">
      <h2 id="agenda-title">{t("oneOnOne.agendaOf", { name: name(a.person_id) })}</h2>
      <p className="hint">{t("oneOnOne.week", { first: day(a.week_start), last: day(lastDay), zone: a.timezone })}</p>
      <h3 id="agenda-goals">{t("oneOnOne.goals")}</h3>
      {a.goals.length === 0 ? (
        <p>{t("oneOnOne.noGoals")}</p>
      ) : (
        <ol aria-labelledby="agenda-goals" data-testid="agenda-goals">
          {a.goals.map((g) => (
            <li key={g.goal_id}>
              <span className={`badge badge-${g.status.replace("_", "-")}`}>{t(`oneOnOne.status.${g.status}`)}</span>{" "}
              <strong>{g.title || g.goal_id}</strong>:{" "}
              {g.target === null
                ? t("oneOnOne.noTarget")
                : t("goal.progress", { actual: number(g.actual ?? 0, locale), target: number(g.target, locale), unit: g.unit })}
              {g.pace !== null && <> · {t("oneOnOne.pace", { pace: percent(g.pace, locale) })}</>}
              {g.status === "at_risk" && g.warned_below !== null && (
                <> · {t("oneOnOne.warnedBelow", { level: percent(g.warned_below, locale) })}</>
              )}
            </li>
          ))}
        </ol>
      )}
      <h3 id="agenda-training">{t("oneOnOne.training")}</h3>
      {a.training.length === 0 ? (
        <p>{t("oneOnOne.noTraining")}</p>
      ) : (
        <ul aria-labelledby="agenda-training" data-testid="agenda-training">
          {a.training.map((c) => (
            <li key={c.assignment_id}>
              <strong>{c.title}</strong>:{" "}
              {c.overdue ? t("oneOnOne.overdue", { due: day(c.due_at) }) : t("oneOnOne.due", { due: day(c.due_at) })}
            </li>
          ))}
        </ul>
      )}
      <h3>{t("oneOnOne.feedback")}</h3>
      <p data-testid="agenda-feedback">
        {t("oneOnOne.feedbackCounts", { praise: a.feedback.praise, improvement: a.feedback.improvement })}
      </p>
      {a.anonymous_feedback.length > 0 && <p>{t("oneOnOne.anonymous", { count: a.anonymous_feedback.length })}</p>}
    </article>
  );
}
