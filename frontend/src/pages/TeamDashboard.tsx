import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { useSession } from "../auth/AuthContext";
import { Chart } from "../charts/Chart";
import { ATTAINMENT_BANDS, attainmentBands, distributionOption } from "../charts/options";
import type { components } from "../client/goals/schema";
import { Failure } from "../components/Failure";
import { Pager } from "../components/Pager";
import { pageOf } from "../components/paging";
import { date, number, percent } from "../format";
import { ActivitySparkline } from "./ActivitySparkline";
import { teamDashboardKey } from "./dashboardQuery";
import { activityKey, useTeamActivity } from "./teamActivity";
import { atRiskReason, attainment, statusText } from "./goalText";

type GoalOut = components["schemas"]["GoalOut"];
type MemberOut = components["schemas"]["MemberOut"];

const ROWS_PER_PAGE = 10;

interface Row {
  member: MemberOut;
  goal: GoalOut | null;
}

export function TeamDashboard() {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const { teamId = person.team_id ?? "" } = useParams();
  const [page, setPage] = useState(0);
  const locale = i18n.language;
  const dashboard = useQuery({
    queryKey: teamDashboardKey(teamId),
    queryFn: () => answer(apis.goals.GET("/v1/teams/{team_id}/dashboard", { params: { path: { team_id: teamId } } })),
    enabled: teamId !== "",
    refetchInterval: config.refetch_seconds * 1000,
  });
  const members = dashboard.data?.members ?? [];
  const rows = members.flatMap((member): Row[] =>
    member.goals.length ? member.goals.map((goal) => ({ member, goal })) : [{ member, goal: null }],
  );
  const goals = members.flatMap((m) => m.goals);
  const atRisk = goals.filter((g) => g.at_risk);
  const missingCheckIns = members.filter((m) => m.checkin_overdue_since);
  const counts = attainmentBands(goals.map(attainment));
  const data = dashboard.data;
  const chart = useMemo(() => {
    const all = (data?.members ?? []).flatMap((m) => m.goals);
    return distributionOption(attainmentBands(all.map(attainment)), t("team.goalsInBucket"));
  }, [data, t]);
  const shown = pageOf(rows, page, ROWS_PER_PAGE);
  const sparklineKind = (member: MemberOut) => member.goals[0]?.metric.kinds[0] ?? "call";
  const activity = useTeamActivity(teamId, members.map(sparklineKind), data !== undefined);
  const nameOf = new Map(members.map((m) => [m.person_id, m.display_name]));
  const summary = ATTAINMENT_BANDS.map((band, i) => `${band.label}: ${counts[i] ?? 0}`).join(", ");

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("team.title", { team: teamId })}</h1>
      {(person.role === "hr" || person.role === "admin") && <TeamChooser current={teamId} />}
      {dashboard.error && <Failure error={dashboard.error} />}
      {dashboard.isLoading && <p>{t("app.loading")}</p>}
      {dashboard.data && (
        <>
          <div className="panels">
            <section className="card" aria-labelledby="distribution-title">
              <h2 id="distribution-title">{t("team.distribution")}</h2>
              <Chart option={chart} label={t("team.distributionLabel", { summary })} testId="attainment-chart" />
            </section>
            <section className="card" aria-labelledby="at-risk-title">
              <h2 id="at-risk-title">{t("team.atRisk")}</h2>
              {atRisk.length === 0 ? (
                <p>{t("team.noneAtRisk")}</p>
              ) : (
                <ul className="at-risk" data-testid="at-risk-list">
                  {atRisk.map((goal) => (
                    <li key={goal.goal_id}>
                      <strong>{nameOf.get(goal.owner_id) ?? goal.owner_id}</strong> — {goal.title}:{" "}
                      {atRiskReason(goal, t, locale)}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <section className="card" aria-labelledby="missing-checkins-title">
              <h2 id="missing-checkins-title">{t("team.missingCheckIns")}</h2>
              {missingCheckIns.length === 0 ? (
                <p>{t("team.noMissingCheckIns")}</p>
              ) : (
                <ul data-testid="missing-checkins">
                  {missingCheckIns.map((m) => (
                    <li key={m.person_id}>
                      {t("team.checkInMissingSince", {
                        name: m.display_name,
                        since: date(m.checkin_overdue_since ?? "", locale),
                      })}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>
          <section className="card" aria-labelledby="members-title">
            <h2 id="members-title">{t("team.members")}</h2>
            {members.length === 0 ? (
              <p>{t("team.empty")}</p>
            ) : (
              <table data-testid="team-table">
                <thead>
                  <tr>
                    <th scope="col">{t("team.member")}</th>
                    <th scope="col">{t("team.goals")}</th>
                    <th scope="col">{t("team.attainment")}</th>
                    <th scope="col">{t("team.pace")}</th>
                    <th scope="col">{t("team.status")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.items.map(({ member, goal }) => (
                    <tr key={`${member.person_id}-${goal?.goal_id ?? "none"}`}>
                      <th scope="row">
                        {member.display_name}
                        {goal === (member.goals[0] ?? null) && (
                          <ActivitySparkline
                            counts={activity?.get(activityKey(member.person_id, sparklineKind(member)))}
                            name={member.display_name}
                            kind={sparklineKind(member)}
                          />
                        )}
                      </th>
                      {goal ? (
                        <>
                          <td>
                            {goal.title}
                            <br />
                            <span className="hint">
                              {t("goal.progress", {
                                actual: number(goal.actual, locale),
                                target: number(goal.target, locale),
                                unit: goal.unit,
                              })}
                            </span>
                          </td>
                          <td>{percent(attainment(goal), locale)}</td>
                          <td>{percent(goal.pace_ratio, locale)}</td>
                          <td>
                            <span className={`badge badge-${goal.at_risk ? "at-risk" : goal.status}`}>
                              {statusText(goal, t)}
                            </span>
                          </td>
                        </>
                      ) : (
                        <td colSpan={4}>{t("team.noGoals")}</td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Pager page={page} hasNext={shown.hasNext} onPage={setPage} />
          </section>
        </>
      )}
    </section>
  );
}

function TeamChooser({ current }: { current: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [team, setTeam] = useState(current);
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (team.trim()) void navigate(`/team/${encodeURIComponent(team.trim())}`);
      }}
    >
      <label htmlFor="team-id">{t("team.choose")}</label>
      <input id="team-id" value={team} onChange={(e) => { setTeam(e.target.value); }} />
      <button type="submit">{t("team.show")}</button>
    </form>
  );
}
