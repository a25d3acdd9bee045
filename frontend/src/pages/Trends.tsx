import { useMutation, useQueries, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useParams } from "react-router";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import { download } from "../api/everyService";
import { ApiError, isProblem } from "../api/problem";
import { useSession } from "../auth/AuthContext";
import { Chart } from "../charts/Chart";
import { type TrendLine, trendOption } from "../charts/options";
import { Failure } from "../components/Failure";
import { number, percent } from "../format";
import { type Scope, TrendInsights } from "./TrendInsights";
import { defaults, type Granularity, isReportPeriod, periodLabel } from "./trendText";

const KINDS = ["call", "quote_sent", "order_processed", "deal_closed"] as const;
const GRANULARITIES: Granularity[] = ["day", "week", "month"];

/** `/trends`: an assistant's own, a manager's team's; hr chooses a team. */
export function TrendsHome() {
  const { person } = useSession();
  if (person.role === "assistant") return <Navigate to={`/trends/assistant/${encodeURIComponent(person.person_id)}`} replace />;
  if (person.team_id) return <Navigate to={`/trends/team/${encodeURIComponent(person.team_id)}`} replace />;
  return <TeamTrends />;
}

export function TeamTrends() {
  const { teamId = "" } = useParams();
  return <Trends scope={{ team: teamId }} />;
}

export function AssistantTrends() {
  const { assistantId = "" } = useParams();
  return <Trends scope={{ assistant: assistantId }} />;
}

function Trends({ scope }: { scope: Scope }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const { person } = useSession();
  const locale = i18n.language;
  const start = useMemo(() => defaults(new Date()), []);
  const [kinds, setKinds] = useState<string[]>([...KINDS]);
  const [granularity, setGranularity] = useState<Granularity>("week");
  const [from, setFrom] = useState(start.from);
  const [to, setTo] = useState(start.to);
  const [month, setMonth] = useState(start.month);
  const id = "team" in scope ? scope.team : scope.assistant;
  const refetchInterval = config.refetch_seconds * 1000;
  const kindName = (kind: string) => t(`trends.kinds.${kind}`, kind);

  const series = useQueries({
    queries: kinds.map((kind) => ({
      queryKey: ["trend", scope, kind, granularity, from, to],
      queryFn: () => {
        const query = { kind, from, to, granularity };
        return "team" in scope
          ? answer(apis.analytics.GET("/v1/analytics/teams/{team_id}/series", { params: { path: { team_id: id }, query } }))
          : answer(
              apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/series", {
                params: { path: { assistant_id: id }, query },
              }),
            );
      },
      enabled: id !== "" && from !== "" && to !== "",
      refetchInterval,
    })),
  });
  const changes = useQueries({
    queries: kinds.map((kind) => ({
      queryKey: ["trend-change", scope, kind, month],
      queryFn: () =>
        "team" in scope
          ? answer(
              apis.analytics.GET("/v1/analytics/teams/{team_id}/change", {
                params: { path: { team_id: id }, query: { kind, month } },
              }),
            )
          : answer(
              apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/change", {
                params: { path: { assistant_id: id }, query: { kind, month } },
              }),
            ),
      enabled: id !== "" && /^\d{4}-\d{2}$/.test(month),
      refetchInterval,
    })),
  });
  const name = useQuery({
    queryKey: ["person", id],
    queryFn: () => answer(apis.analytics.GET("/v1/people/{person_id}", { params: { path: { person_id: id } } })),
    enabled: "assistant" in scope && id !== person.person_id,
  });

  const loaded = series.every((s) => s.data);
  const periods = series[0]?.data?.points.map((p) => p.start) ?? [];
  const labels = periods.map((p) => periodLabel(p, granularity, locale));
  const counts = series.map((s) => s.data?.points.map((p) => p.count) ?? []);
  // Drawn again only when what it shows changed, not at every refetch that answered the same.
  const drawn = JSON.stringify([labels, kinds.map((kind, i) => ({ name: kindName(kind), values: counts[i] ?? [] }))]);
  const summary = kinds
    .map((kind, i) => `${kindName(kind)}: ${(counts[i] ?? []).reduce((sum, n) => sum + n, 0)}`)
    .join(", ");
  const failure = [...series, ...changes, name].find((q) => q.error)?.error;
  const shownName =
    "team" in scope
      ? null
      : id === person.person_id
        ? person.display_name
        : typeof name.data?.display_name === "string"
          ? name.data.display_name
          : id;
  const members = "team" in scope ? (series[0]?.data?.assistant_ids ?? []) : [];
  const memberNames = useQueries({
    queries: members.map((member) => ({
      queryKey: ["person", member],
      queryFn: () => answer(apis.analytics.GET("/v1/people/{person_id}", { params: { path: { person_id: member } } })),
    })),
  });
  const nameOf = (i: number) => {
    const found = memberNames[i]?.data?.display_name;
    return typeof found === "string" ? found : (members[i] ?? "");
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">
        {"team" in scope ? t("trends.teamTitle", { team: id }) : t("trends.assistantTitle", { name: shownName })}
      </h1>
      {"team" in scope && (person.role === "hr" || person.role === "admin") && <TeamChooser current={id} />}
      <form aria-label={t("trends.choose")} className="trend-controls" onSubmit={(e) => { e.preventDefault(); }}>
        <fieldset>
          <legend>{t("trends.kindsLegend")}</legend>
          {KINDS.map((kind) => (
            <label key={kind} className="check">
              <input
                type="checkbox"
                checked={kinds.includes(kind)}
                onChange={(e) => {
                  setKinds(e.target.checked ? KINDS.filter((k) => k === kind || kinds.includes(k)) : kinds.filter((k) => k !== kind));
                }}
              />
              {kindName(kind)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="trend-granularity">{t("trends.granularity")}</label>
          <select
            id="trend-granularity"
            value={granularity}
            onChange={(e) => { setGranularity(e.target.value as Granularity); }}
          >
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {t(`trends.per.${g}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="trend-from">{t("trends.from")}</label>
          <input id="trend-from" type="date" value={from} onChange={(e) => { setFrom(e.target.value); }} />
        </div>
        <div className="field">
          <label htmlFor="trend-to">{t("trends.to")}</label>
          <input id="trend-to" type="date" value={to} onChange={(e) => { setTo(e.target.value); }} />
        </div>
      </form>
      {failure && <Failure error={failure} />}
      {!loaded && !failure && kinds.length > 0 && <p>{t("app.loading")}</p>}
      {loaded && kinds.length > 0 && (
        <section className="card" aria-labelledby="series-title">
          <h2 id="series-title">{t("trends.series")}</h2>
          <TrendChart drawn={drawn} label={t("trends.chartLabel", { summary })} />
          <table data-testid="trend-table">
            <caption className="hint">{t("trends.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t(`trends.period.${granularity}`)}</th>
                {kinds.map((kind) => (
                  <th scope="col" key={kind}>
                    {kindName(kind)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {periods.map((start, row) => (
                <tr key={start}>
                  <th scope="row">{labels[row]}</th>
                  {kinds.map((kind, i) => (
                    <td key={kind}>{number(counts[i]?.[row] ?? 0, locale)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section className="card" aria-labelledby="change-title">
        <h2 id="change-title">{t("trends.change")}</h2>
        <div className="field">
          <label htmlFor="trend-month">{t("trends.month")}</label>
          <input id="trend-month" type="month" value={month} onChange={(e) => { setMonth(e.target.value); }} />
        </div>
        {changes.every((c) => c.data) && kinds.length > 0 && (
          <table data-testid="change-table">
            <thead>
              <tr>
                <th scope="col">{t("trends.kind")}</th>
                <th scope="col">{t("trends.thisMonth")}</th>
                <th scope="col">{t("trends.monthBefore")}</th>
                <th scope="col">{t("trends.countChange")}</th>
                <th scope="col">{t("trends.ratio")}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c, i) =>
                c.data ? (
                  <tr key={kinds[i]}>
                    <th scope="row">{kindName(kinds[i] ?? "")}</th>
                    <td>{number(c.data.month.count, locale)}</td>
                    <td>{number(c.data.previous.count, locale)}</td>
                    <td>{signed(c.data.count_change, locale)}</td>
                    <td>{c.data.count_change_ratio === null ? t("trends.fromNothing") : percent(c.data.count_change_ratio, locale)}</td>
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        )}
      </section>
      <TrendInsights
        scope={scope}
        kinds={kinds}
        from={from}
        to={to}
        granularity={granularity}
        month={month}
        kindName={kindName}
      />
      {"team" in scope && <Reports team={id} initial={start.report} />}
      {members.length > 0 && (
        <section className="card" aria-labelledby="members-title">
          <h2 id="members-title">{t("trends.members")}</h2>
          <ul>
            {members.map((member, i) => (
              <li key={member}>
                <Link to={`/trends/assistant/${encodeURIComponent(member)}`}>
                  {t("trends.memberLink", { name: nameOf(i) })}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

/** `drawn`: the periods and lines as JSON, so an answer equal to the last one does not draw the chart again. */
function TrendChart({ drawn, label }: { drawn: string; label: string }) {
  const option = useMemo(() => trendOption(...(JSON.parse(drawn) as [string[], TrendLine[]])), [drawn]);
  return <Chart option={option} label={label} height={260} testId="trend-chart" />;
}

function signed(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { signDisplay: "exceptZero" }).format(value);
}

/** The team's report as CSV or XLSX, fetched with the session's token (a plain link would carry none). */
function Reports({ team, initial }: { team: string; initial: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const [period, setPeriod] = useState(initial);
  const report = useMutation({
    mutationFn: async (format: "csv" | "xlsx") => {
      const { data, error, response } = await apis.analytics.GET(
        "/v1/analytics/teams/{team_id}/reports/{period}.{format}",
        { params: { path: { team_id: team, period, format } }, parseAs: "blob" },
      );
      if (!response.ok || !data) throw new ApiError(response.status, isProblem(error) ? error : null);
      download(data, `pacer-${team}-${period}.${format}`);
    },
  });
  const valid = isReportPeriod(period);
  return (
    <section className="card" aria-labelledby="reports-title">
      <h2 id="reports-title">{t("trends.reports")}</h2>
      <p className="hint">{t("trends.reportsIntro")}</p>
      <div className="field">
        <label htmlFor="report-period">{t("trends.reportPeriod")}</label>
        <input
          id="report-period"
          value={period}
          aria-describedby="report-period-hint"
          aria-invalid={!valid}
          onChange={(e) => { setPeriod(e.target.value.trim()); }}
        />
        <span id="report-period-hint" className="hint">
          {t("trends.reportPeriodHint")}
        </span>
      </div>
      <div className="actions">
        {(["csv", "xlsx"] as const).map((format) => (
          <button
            key={format}
            type="button"
            className="secondary"
            disabled={!valid || report.isPending}
            onClick={() => { report.mutate(format); }}
          >
            {t(`trends.download.${format}`, { period })}
          </button>
        ))}
      </div>
      {report.error && <Failure error={report.error} />}
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
        if (team.trim()) void navigate(`/trends/team/${encodeURIComponent(team.trim())}`);
      }}
    >
      <label htmlFor="trend-team">{t("team.choose")}</label>
      <input id="trend-team" value={team} onChange={(e) => { setTeam(e.target.value); }} />
      <button type="submit">{t("team.show")}</button>
    </form>
  );
}
