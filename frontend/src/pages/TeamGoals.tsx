import { teamDashboardKey } from "./dashboardQuery";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import type { components } from "../client/goals/schema";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { pageOf } from "../components/paging";
import { day, number } from "../format";

type GoalOut = components["schemas"]["GoalOut"];
type GoalStatus = components["schemas"]["GoalStatus"];
type AdjustmentOut = components["schemas"]["AdjustmentOut"];

const PAGE_SIZE = 10;

/** What waits for the manager: drafts to activate, adjustments to decide, and the team's misses with their analyses. */
export function TeamGoals() {
  const { t } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const { teamId = person.team_id ?? "" } = useParams();
  const dashboard = useQuery({
    queryKey: teamDashboardKey(teamId),
    queryFn: () => answer(apis.goals.GET("/v1/teams/{team_id}/dashboard", { params: { path: { team_id: teamId } } })),
    enabled: teamId !== "",
    refetchInterval: config.refetch_seconds * 1000,
  });
  const names = new Map((dashboard.data?.members ?? []).map((m) => [m.person_id, m.display_name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("teamGoals.title", { team: teamId })}</h1>
      {dashboard.error && <Failure error={dashboard.error} />}
      <Drafts teamId={teamId} nameOf={nameOf} />
      <Adjustments goals={(dashboard.data?.members ?? []).flatMap((m) => m.goals)} nameOf={nameOf} />
      <Missed teamId={teamId} nameOf={nameOf} />
    </section>
  );
}

/** One status of the team's goals, a page at a time through the API's cursors. */
function useTeamGoals(teamId: string, status: GoalStatus) {
  const { apis, config } = usePlatform();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const goals = useQuery({
    queryKey: ["team-goals", teamId, status, cursors[page]],
    queryFn: () =>
      answer(
        apis.goals.GET("/v1/goals", {
          params: { query: { team_id: teamId, status, limit: PAGE_SIZE, cursor: cursors[page] } },
        }),
      ),
    enabled: teamId !== "",
    refetchInterval: config.refetch_seconds * 1000,
    placeholderData: keepPreviousData,
  });
  const next = goals.data?.next_cursor ?? null;
  const toPage = (wanted: number) => {
    if (wanted > page && next && cursors.length <= wanted) setCursors([...cursors, next]);
    setPage(wanted);
  };
  return { goals, page, hasNext: next !== null, toPage };
}

function Drafts({ teamId, nameOf }: { teamId: string; nameOf: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const { goals, page, hasNext, toPage } = useTeamGoals(teamId, "draft");
  const [done, setDone] = useState<string | null>(null);
  const activate = useMutation({
    mutationFn: (goal: GoalOut) =>
      answer(apis.goals.POST("/v1/goals/{goal_id}/activate", { params: { path: { goal_id: goal.goal_id } } })),
    onSuccess: (goal) => {
      setDone(t("teamGoals.activated", { title: goal.title, owner: nameOf(goal.owner_id) }));
      void queryClient.invalidateQueries({ queryKey: ["team-goals"] });
      void queryClient.invalidateQueries({ queryKey: ["team-dashboard"] });
    },
  });
  const locale = i18n.language;
  return (
    <section className="card" aria-labelledby="drafts-title">
      <h2 id="drafts-title">{t("teamGoals.drafts")}</h2>
      <p className="hint">{t("teamGoals.draftsHint")}</p>
      {done && <p role="status">{done}</p>}
      {activate.error && <Failure error={activate.error} />}
      {goals.error && <Failure error={goals.error} />}
      {goals.data?.items.length === 0 && page === 0 && <p>{t("teamGoals.noDrafts")}</p>}
      <ul className="plain-list" data-testid="drafts">
        {goals.data?.items.map((goal) => (
          <li key={goal.goal_id} aria-label={`${nameOf(goal.owner_id)}: ${goal.title}`}>
            <span>
              <strong>{nameOf(goal.owner_id)}</strong> — {goal.title}:{" "}
              {t("teamGoals.draftTarget", {
                target: number(goal.target, locale),
                unit: goal.unit,
                start: day(goal.period_start, locale, goal.timezone),
                end: day(goal.period_end, locale, goal.timezone),
              })}
            </span>
            <button type="button" disabled={activate.isPending} onClick={() => { activate.mutate(goal); }}>
              {t("teamGoals.activate")}
            </button>
          </li>
        ))}
      </ul>
      <Pager page={page} hasNext={hasNext} onPage={toPage} />
    </section>
  );
}

function Adjustments({ goals, nameOf }: { goals: GoalOut[]; nameOf: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const { apis } = usePlatform();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const pending = goals.flatMap((goal) =>
    goal.adjustments.filter((a) => a.status === "pending").map((adjustment) => ({ goal, adjustment })),
  );
  const decide = useMutation({
    mutationFn: ({ goal, adjustment, approve }: { goal: GoalOut; adjustment: AdjustmentOut; approve: boolean }) =>
      answer(
        apis.goals.POST("/v1/goals/{goal_id}/adjustments/{adjustment_id}/decision", {
          params: { path: { goal_id: goal.goal_id, adjustment_id: adjustment.adjustment_id } },
          body: { approve },
        }),
      ),
    onSuccess: (goal, { approve }) => {
      const texts = { title: goal.title, owner: nameOf(goal.owner_id), target: number(goal.target, i18n.language) };
      setDone(approve ? t("teamGoals.approved", texts) : t("teamGoals.refused", texts));
      void queryClient.invalidateQueries({ queryKey: ["team-dashboard"] });
    },
  });
  const shown = pageOf(pending, page, PAGE_SIZE);
  const locale = i18n.language;
  return (
    <section className="card" aria-labelledby="adjustments-title">
      <h2 id="adjustments-title">{t("teamGoals.adjustments")}</h2>
      {done && <p role="status">{done}</p>}
      {decide.error && <Failure error={decide.error} />}
      {pending.length === 0 && <p>{t("teamGoals.noAdjustments")}</p>}
      <ul className="plain-list" data-testid="adjustments">
        {shown.items.map(({ goal, adjustment }) => {
          const label = `${nameOf(goal.owner_id)}: ${goal.title}`;
          return (
            <li key={adjustment.adjustment_id} aria-label={label}>
              <span>
                <strong>{nameOf(goal.owner_id)}</strong> — {goal.title}:{" "}
                {t("teamGoals.asks", {
                  from: number(goal.target, locale),
                  to: adjustment.new_target === null ? number(goal.target, locale) : number(adjustment.new_target, locale),
                  unit: goal.unit,
                  reason: adjustment.reason,
                })}
                {adjustment.new_period_end &&
                  ` ${t("teamGoals.newEnd", { end: day(adjustment.new_period_end, locale, goal.timezone) })}`}
              </span>
              <span className="actions">
                <button
                  type="button"
                  disabled={decide.isPending}
                  onClick={() => { decide.mutate({ goal, adjustment, approve: true }); }}
                >
                  {t("teamGoals.approve")}
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={decide.isPending}
                  onClick={() => { decide.mutate({ goal, adjustment, approve: false }); }}
                >
                  {t("teamGoals.refuse")}
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      <Pager page={page} hasNext={shown.hasNext} onPage={setPage} />
    </section>
  );
}

function Missed({ teamId, nameOf }: { teamId: string; nameOf: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const { goals, page, hasNext, toPage } = useTeamGoals(teamId, "missed");
  const locale = i18n.language;
  return (
    <section className="card" aria-labelledby="missed-title">
      <h2 id="missed-title">{t("teamGoals.missed")}</h2>
      {goals.error && <Failure error={goals.error} />}
      {goals.data?.items.length === 0 && page === 0 && <p>{t("teamGoals.noMisses")}</p>}
      <ul className="plain-list missed" data-testid="missed">
        {goals.data?.items.map((goal) => (
          <li key={goal.goal_id} aria-label={`${nameOf(goal.owner_id)}: ${goal.title}`}>
            <div>
              <strong>{nameOf(goal.owner_id)}</strong> — {goal.title}:{" "}
              {t("teamGoals.shortfall", {
                actual: number(goal.actual, locale),
                target: number(goal.target, locale),
                unit: goal.unit,
                shortfall: number(goal.shortfall, locale),
              })}
              <MissAnalysisText analysis={goal.miss_analysis} />
            </div>
          </li>
        ))}
      </ul>
      <Pager page={page} hasNext={hasNext} onPage={toPage} />
    </section>
  );
}

function MissAnalysisText({ analysis }: { analysis: GoalOut["miss_analysis"] }) {
  const { t } = useTranslation();
  if (!analysis) return <p className="hint">{t("teamGoals.noAnalysis")}</p>;
  const text = (key: string) => (typeof analysis[key] === "string" ? analysis[key] : "");
  return (
    <dl className="analysis" data-testid="miss-analysis">
      <dt>{t("miss.cause")}</dt>
      <dd>{text("cause")}</dd>
      <dt>{t("miss.plan")}</dt>
      <dd>{text("action_plan")}</dd>
    </dl>
  );
}
