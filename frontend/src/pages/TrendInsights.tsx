// The Trends page's analyses beside the series: funnel, goal outcomes, quarter against the same quarter last year,
// top movers and early warnings (a team's, for its manager and hr) and workload (one person's, for them and their
// manager). Every number is the analytics service's; who may see what is the service's to refuse.
import { useQueries, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { usePlatform } from "../api/ApiContext";
import { answer } from "../api/clients";
import type { components } from "../client/analytics/schema";
import { useSession } from "../auth/AuthContext";
import { Chart } from "../charts/Chart";
import { bucketOption, type FunnelStep, funnelOption } from "../charts/options";
import { Failure } from "../components/Failure";
import { date, number, percent } from "../format";
import { type Granularity, periodLabel, quarterOf } from "./trendText";

export type Scope = { team: string } | { assistant: string };

interface Props {
  scope: Scope;
  kinds: string[];
  from: string;
  to: string;
  granularity: Granularity;
  month: string;
  kindName: (kind: string) => string;
}

const valid = (from: string, to: string) => from !== "" && to !== "";

export function TrendInsights(props: Props) {
  const { person } = useSession();
  const { scope } = props;
  return (
    <>
      <FunnelCard {...props} />
      <QuarterChange {...props} />
      <GoalOutcomes scope={scope} from={props.from} to={props.to} />
      {"team" in scope && person.role !== "assistant" && <Movers {...props} team={scope.team} />}
      {"team" in scope && person.role !== "assistant" && <EarlyWarnings {...props} team={scope.team} />}
      {"assistant" in scope && (
        <Workload assistant={scope.assistant} from={props.from} to={props.to} granularity={props.granularity} />
      )}
    </>
  );
}

function FunnelCard({ scope, from, to, kindName }: Props) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const funnel = useQuery({
    queryKey: ["trend-funnel", scope, from, to],
    queryFn: (): Promise<Pick<components["schemas"]["TeamFunnelOut"], "steps">> =>
      "team" in scope
        ? answer(
            apis.analytics.GET("/v1/analytics/teams/{team_id}/funnel", {
              params: { path: { team_id: scope.team }, query: { from, to } },
            }),
          )
        : answer(
            apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/funnel", {
              params: { path: { assistant_id: scope.assistant }, query: { from, to } },
            }),
          ),
    enabled: valid(from, to),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const steps: FunnelStep[] = (funnel.data?.steps ?? []).map((s) => ({ name: kindName(s.kind), value: s.count }));
  const locale = i18n.language;
  return (
    <section className="card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">{t("insights.funnel")}</h2>
      {funnel.error && <Failure error={funnel.error} />}
      {funnel.data && (
        <>
          <FunnelChart
            drawn={JSON.stringify(steps)}
            label={t("insights.funnelLabel", { steps: steps.map((s) => `${s.name}: ${s.value}`).join(", ") })}
          />
          <table data-testid="funnel-table">
            <caption className="hint">{t("insights.funnelCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("trends.kind")}</th>
                <th scope="col">{t("insights.count")}</th>
                <th scope="col">{t("insights.conversion")}</th>
                <th scope="col">{t("insights.fromFirst")}</th>
              </tr>
            </thead>
            <tbody>
              {funnel.data.steps.map((step) => (
                <tr key={step.kind}>
                  <th scope="row">{kindName(step.kind)}</th>
                  <td>{number(step.count, locale)}</td>
                  <td>{percent(step.conversion, locale)}</td>
                  <td>{percent(step.from_first, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function QuarterChange({ scope, kinds, kindName }: Props) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const [quarter, setQuarter] = useState(() => quarterOf(new Date()));
  const locale = i18n.language;
  const ok = /^\d{4}-Q[1-4]$/.test(quarter);
  const changes = useQueries({
    queries: kinds.map((kind) => ({
      queryKey: ["trend-quarter", scope, kind, quarter],
      queryFn: (): Promise<components["schemas"]["PeriodChangeOut"]> =>
        "team" in scope
          ? answer(
              apis.analytics.GET("/v1/analytics/teams/{team_id}/period-change", {
                params: { path: { team_id: scope.team }, query: { kind, period: quarter } },
              }),
            )
          : answer(
              apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/period-change", {
                params: { path: { assistant_id: scope.assistant }, query: { kind, period: quarter } },
              }),
            ),
      enabled: ok,
      refetchInterval: config.refetch_seconds * 1000,
    })),
  });
  const failure = changes.find((c) => c.error)?.error;
  const compared = changes[0]?.data?.compared_with ?? "";
  return (
    <section className="card" aria-labelledby="quarter-title">
      <h2 id="quarter-title">{t("insights.quarter")}</h2>
      <div className="field">
        <label htmlFor="trend-quarter">{t("insights.quarterField")}</label>
        <input
          id="trend-quarter"
          value={quarter}
          aria-describedby="trend-quarter-hint"
          aria-invalid={!ok}
          onChange={(e) => { setQuarter(e.target.value.trim()); }}
        />
        <span id="trend-quarter-hint" className="hint">
          {t("insights.quarterHint")}
        </span>
      </div>
      {failure && <Failure error={failure} />}
      {ok && kinds.length > 0 && changes.every((c) => c.data) && (
        <table data-testid="quarter-table">
          <thead>
            <tr>
              <th scope="col">{t("trends.kind")}</th>
              <th scope="col">{quarter}</th>
              <th scope="col">{t("insights.sameQuarterLastYear", { quarter: compared })}</th>
              <th scope="col">{t("trends.countChange")}</th>
              <th scope="col">{t("trends.ratio")}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c, i) =>
              c.data ? (
                <tr key={kinds[i]}>
                  <th scope="row">{kindName(kinds[i] ?? "")}</th>
                  <td>{number(c.data.current.count, locale)}</td>
                  <td>{number(c.data.previous.count, locale)}</td>
                  <td>{signed(c.data.count_change, locale)}</td>
                  <td>
                    {c.data.count_change_ratio === null
                      ? t("insights.fromNothing")
                      : percent(c.data.count_change_ratio, locale)}
                  </td>
                </tr>
              ) : null,
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

function GoalOutcomes({ scope, from, to }: { scope: Scope; from: string; to: string }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const locale = i18n.language;
  const outcomes = useQuery({
    queryKey: ["trend-outcomes", scope, from, to],
    queryFn: (): Promise<components["schemas"]["AssistantOutcomesOut"] | components["schemas"]["OutcomesOut"]> =>
      "team" in scope
        ? answer(
            apis.analytics.GET("/v1/analytics/teams/{team_id}/outcomes", {
              params: { path: { team_id: scope.team }, query: { from, to } },
            }),
          )
        : answer(
            apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/outcomes", {
              params: { path: { assistant_id: scope.assistant }, query: { from, to } },
            }),
          ),
    enabled: valid(from, to),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const buckets = outcomes.data?.distribution ?? [];
  const labels = buckets.map((b) => bucketLabel(b.lower, b.upper, locale));
  const counts = buckets.map((b) => b.goals);
  const found = outcomes.data;
  return (
    <section className="card" aria-labelledby="outcomes-title">
      <h2 id="outcomes-title">{t("insights.outcomes")}</h2>
      {outcomes.error && <Failure error={outcomes.error} />}
      {found && (
        <>
          <dl className="facts" data-testid="outcomes">
            {(["goals", "achieved", "missed", "in_progress", "at_risk", "cancelled"] as const).map((key) => (
              <div key={key}>
                <dt>{t(`insights.outcome.${key}`)}</dt>
                <dd>{number(found[key], locale)}</dd>
              </div>
            ))}
          </dl>
          <OutcomesChart
            drawn={JSON.stringify([labels, counts, t("insights.goals")])}
            label={t("insights.distributionLabel", {
              buckets: labels.map((label, i) => `${label}: ${counts[i] ?? 0}`).join(", "),
            })}
          />
        </>
      )}
    </section>
  );
}

/** `drawn`: what the chart shows as JSON, so an answer equal to the last one does not draw it again. */
function FunnelChart({ drawn, label }: { drawn: string; label: string }) {
  const option = useMemo(() => funnelOption(JSON.parse(drawn) as FunnelStep[]), [drawn]);
  return <Chart option={option} label={label} height={220} testId="funnel-chart" />;
}

function OutcomesChart({ drawn, label }: { drawn: string; label: string }) {
  const option = useMemo(() => bucketOption(...(JSON.parse(drawn) as [string[], number[], string])), [drawn]);
  return <Chart option={option} label={label} height={200} testId="outcomes-chart" />;
}

function bucketLabel(lower: string | null, upper: string | null, locale: string): string {
  if (lower === null) return `< ${percent(upper, locale)}`;
  if (upper === null) return `≥ ${percent(lower, locale)}`;
  return `${percent(lower, locale)}–${percent(upper, locale)}`;
}

function Movers({ team, month, kindName }: Props & { team: string }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const [kind, setKind] = useState("call");
  const locale = i18n.language;
  const movers = useQuery({
    queryKey: ["trend-movers", team, kind, month],
    queryFn: () =>
      answer(
        apis.analytics.GET("/v1/analytics/teams/{team_id}/movers", {
          params: { path: { team_id: team }, query: { kind, month } },
        }),
      ),
    enabled: /^\d{4}-\d{2}$/.test(month),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const names = usePeopleNames([...(movers.data?.risers ?? []), ...(movers.data?.fallers ?? [])].map((m) => m.assistant_id));
  return (
    <section className="card" aria-labelledby="movers-title">
      <h2 id="movers-title">{t("insights.movers")}</h2>
      <p className="hint">{t("insights.moversIntro", { month })}</p>
      <div className="field">
        <label htmlFor="movers-kind">{t("trends.kind")}</label>
        <select id="movers-kind" value={kind} onChange={(e) => { setKind(e.target.value); }}>
          {["call", "quote_sent", "order_processed", "deal_closed"].map((k) => (
            <option key={k} value={k}>
              {kindName(k)}
            </option>
          ))}
        </select>
      </div>
      {movers.error && <Failure error={movers.error} />}
      {movers.data && (
        <table data-testid="movers-table">
          <thead>
            <tr>
              <th scope="col">{t("insights.who")}</th>
              <th scope="col">{t("insights.direction")}</th>
              <th scope="col">{t("trends.monthBefore")}</th>
              <th scope="col">{t("trends.thisMonth")}</th>
              <th scope="col">{t("trends.countChange")}</th>
            </tr>
          </thead>
          <tbody>
            {(
              [
                ["rose", movers.data.risers],
                ["fell", movers.data.fallers],
              ] as const
            ).flatMap(([direction, moves]) =>
              moves.map((move) => (
                <tr key={`${direction}-${move.assistant_id}`}>
                  <th scope="row">{names(move.assistant_id)}</th>
                  <td>{t(`insights.${direction}`)}</td>
                  <td>{number(move.previous, locale)}</td>
                  <td>{number(move.current, locale)}</td>
                  <td>{signed(move.change, locale)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      {movers.data && movers.data.risers.length + movers.data.fallers.length === 0 && <p>{t("insights.noMovers")}</p>}
    </section>
  );
}

function EarlyWarnings({ team, from, to, kindName }: Props & { team: string }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const locale = i18n.language;
  const warnings = useQuery({
    queryKey: ["trend-warnings", team, from, to],
    queryFn: () =>
      answer(
        apis.analytics.GET("/v1/analytics/teams/{team_id}/warnings", {
          params: { path: { team_id: team }, query: { from, to } },
        }),
      ),
    enabled: valid(from, to),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const names = usePeopleNames((warnings.data?.warnings ?? []).map((w) => w.assistant_id));
  return (
    <section className="card" aria-labelledby="warnings-title">
      <h2 id="warnings-title">{t("insights.warnings")}</h2>
      <p className="hint">{t("insights.warningsIntro")}</p>
      {warnings.error && <Failure error={warnings.error} />}
      {warnings.data && warnings.data.warnings.length === 0 && <p>{t("insights.noWarnings")}</p>}
      {warnings.data && warnings.data.warnings.length > 0 && (
        <table data-testid="warnings-table">
          <thead>
            <tr>
              <th scope="col">{t("insights.who")}</th>
              <th scope="col">{t("trends.kind")}</th>
              <th scope="col">{t("insights.checkedOn")}</th>
              <th scope="col">{t("insights.lastSevenDays")}</th>
              <th scope="col">{t("insights.usualWeek")}</th>
            </tr>
          </thead>
          <tbody>
            {warnings.data.warnings.map((w) => (
              <tr key={`${w.assistant_id}-${w.kind}-${w.week}`}>
                <th scope="row">{names(w.assistant_id)}</th>
                <td>{kindName(w.kind)}</td>
                <td>{date(w.checked_on, locale)}</td>
                <td>{number(w.recent_count, locale)}</td>
                <td>{number(w.weekly_average, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Workload({ assistant, from, to, granularity }: { assistant: string; from: string; to: string; granularity: Granularity }) {
  const { t, i18n } = useTranslation();
  const { apis, config } = usePlatform();
  const locale = i18n.language;
  const workload = useQuery({
    queryKey: ["trend-workload", assistant, from, to, granularity],
    queryFn: () =>
      answer(
        apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/workload", {
          params: { path: { assistant_id: assistant }, query: { from, to, granularity } },
        }),
      ),
    enabled: valid(from, to),
    refetchInterval: config.refetch_seconds * 1000,
  });
  const found = workload.data;
  return (
    <section className="card" aria-labelledby="workload-title">
      <h2 id="workload-title">{t("insights.workload")}</h2>
      {found && (
        <p className="hint">
          {t("insights.workloadIntro", {
            hours: found.working_hours,
            days: found.working_days.map((d) => t(`insights.weekday.${d}`, d)).join(", "),
          })}{" "}
          {found.team_median_shown ? t("insights.medianShown") : t("insights.medianWithheld")}
        </p>
      )}
      {workload.error && <Failure error={workload.error} />}
      {found && (
        <table data-testid="workload-table">
          <thead>
            <tr>
              <th scope="col">{t(`trends.period.${granularity}`)}</th>
              <th scope="col">{t("insights.activities")}</th>
              <th scope="col">{t("insights.outsideHours")}</th>
              <th scope="col">{t("insights.onDaysOff")}</th>
              <th scope="col">{t("insights.teamMedian")}</th>
              <th scope="col">{t("insights.load")}</th>
            </tr>
          </thead>
          <tbody>
            {found.periods.map((p) => (
              <tr key={p.start}>
                <th scope="row">{periodLabel(p.start, granularity, locale)}</th>
                <td>{number(p.activities, locale)}</td>
                <td>{number(p.outside_hours, locale)}</td>
                <td>{number(p.on_days_off, locale)}</td>
                <td>{p.team_median === null ? "—" : number(p.team_median, locale)}</td>
                <td>{percent(p.load_ratio, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Display names from the roster as analytics projects it; the id until (or unless) it answers. */
function usePeopleNames(ids: string[]): (id: string) => string {
  const { apis } = usePlatform();
  const unique = [...new Set(ids)].sort();
  const found = useQueries({
    queries: unique.map((id) => ({
      queryKey: ["person", id],
      queryFn: () => answer(apis.analytics.GET("/v1/people/{person_id}", { params: { path: { person_id: id } } })),
    })),
  });
  return (id: string) => {
    const name = found[unique.indexOf(id)]?.data?.display_name;
    return typeof name === "string" ? name : id;
  };
}

function signed(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { signDisplay: "exceptZero" }).format(value);
}
