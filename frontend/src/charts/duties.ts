// The duty trend as lines: one per duty of the person's current profile, quarters along the bottom, 1–5 up.
import type { components } from "../client/reviews/schema";
import type { EChartsCoreOption } from "./echarts";

type DutyTrend = components["schemas"]["DutyTrend"];

const COLOURS = ["#1f5fa8", "#b5651d", "#2e7d32", "#6a1b9a", "#555", "#00838f"];

/** A quarter scored on a profile without the duty leaves a gap in its line, never a zero. */
export function dutyTrendOption(trend: DutyTrend): EChartsCoreOption {
  const quarters = trend.quarters.map((q) => q.quarter);
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 48, bottom: 32 },
    legend: { data: trend.duties.map((d) => d.name), top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: quarters },
    yAxis: { type: "value", min: 1, max: 5, interval: 1 },
    series: trend.duties.map((duty, i) => ({
      name: duty.name,
      type: "line",
      connectNulls: false,
      data: (trend.series[duty.key] ?? []).map((point) => point.score ?? null),
      lineStyle: { width: 2, color: COLOURS[i % COLOURS.length] },
      itemStyle: { color: COLOURS[i % COLOURS.length] },
    })),
  };
}

/** The quarters a manager may score: this one and the three before it, newest first (`2026-Q4`). */
export function recentQuarters(today: Date, count = 4): string[] {
  const index = today.getFullYear() * 4 + Math.floor(today.getMonth() / 3);
  return Array.from({ length: count }, (_, back) => {
    const at = index - back;
    return `${Math.floor(at / 4)}-Q${(at % 4) + 1}`;
  });
}
