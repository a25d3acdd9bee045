import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { answer } from "../api/clients";
import { usePlatform } from "../api/ApiContext";
import { Chart } from "../charts/Chart";
import { lastDays, sparklineOption } from "../charts/sparkline";

const DAYS = 14;
// Each read of someone's activity is audited, so the dashboard asks once per visit, not at every refresh.
const FRESH_MS = 10 * 60 * 1000;

/** An assistant's daily count of one activity kind over the last two weeks, from the analytics service. */
export function ActivitySparkline({ assistantId, name, kind }: { assistantId: string; name: string; kind: string }) {
  const { t } = useTranslation();
  const { apis } = usePlatform();
  const { from, to } = lastDays(new Date(), DAYS);
  const series = useQuery({
    queryKey: ["activity-sparkline", assistantId, kind, from],
    queryFn: () =>
      answer(
        apis.analytics.GET("/v1/analytics/assistants/{assistant_id}/series", {
          params: { path: { assistant_id: assistantId }, query: { kind, from, to, granularity: "day" } },
        }),
      ),
    staleTime: FRESH_MS,
  });
  const counts = useMemo(() => (series.data?.points ?? []).map((p) => p.count), [series.data]);
  const option = useMemo(() => sparklineOption(counts), [counts]);
  if (!series.data) return null; // a missing sparkline leaves the row as it was; the row's own numbers still stand
  const total = counts.reduce((sum, c) => sum + c, 0);
  return (
    <div className="sparkline">
      <Chart
        option={option}
        height={28}
        testId="activity-sparkline"
        label={t("team.sparkline", { name, kind: t(`team.kinds.${kind}`, { defaultValue: kind }), total, days: DAYS, counts: counts.join(", ") })}
      />
    </div>
  );
}
