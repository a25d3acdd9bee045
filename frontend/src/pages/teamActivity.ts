// The team dashboard's sparklines: every assistant's recent activity in one request to the analytics service.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { lastDays } from "../charts/sparkline";

export const SPARKLINE_DAYS = 14;
// Each read of people's activity is audited, so the dashboard asks once per visit, not at every refresh.
const FRESH_MS = 10 * 60 * 1000;

/** Each assistant's daily counts of one activity kind over the last two weeks, by assistant and kind. */
export type TeamActivity = Map<string, number[]>;

export function activityKey(assistantId: string, kind: string): string {
  return JSON.stringify([assistantId, kind]);
}

/**
 * The team's sparklines, from one request to the analytics service for the whole team (one audit record), asked
 * only once the table is shown (`ready`): they are drawn into rows that are already there and never delay them.
 */
export function useTeamActivity(teamId: string, kinds: readonly string[], ready: boolean): TeamActivity | undefined {
  const { apis } = usePlatform();
  const { from, to } = lastDays(new Date(), SPARKLINE_DAYS);
  const wanted = [...new Set(kinds)].sort();
  const series = useQuery({
    queryKey: ["team-activity", teamId, wanted, from],
    queryFn: () =>
      answer(
        apis.analytics.GET("/v1/analytics/teams/{team_id}/series/by-assistant", {
          params: { path: { team_id: teamId }, query: { kind: wanted, from, to, granularity: "day" } },
        }),
      ),
    enabled: ready && teamId !== "" && wanted.length > 0,
    staleTime: FRESH_MS,
  });
  return useMemo(
    () =>
      series.data &&
      new Map(series.data.series.map((s) => [activityKey(s.assistant_id, s.kind), s.points.map((p) => p.count)])),
    [series.data],
  );
}

