// A sparkline: one small line without axes, the numbers the analytics service counted, nothing added.
import type { EChartsCoreOption } from "./echarts";

export function sparklineOption(counts: readonly number[]): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 2, right: 2, top: 4, bottom: 4 },
    xAxis: { type: "category", show: false, boundaryGap: false, data: counts.map((_, i) => i) },
    yAxis: { type: "value", show: false, min: 0, max: (extent: { max: number }) => Math.max(extent.max, 1) },
    series: [
      {
        type: "line",
        data: [...counts],
        showSymbol: false,
        silent: true,
        lineStyle: { width: 2, color: "#1f5fa8" },
        areaStyle: { color: "#e3eefa" },
      },
    ],
  };
}

/** The `days` calendar days ending today, as the API's `from` and `to` (the reader's calendar). */
export function lastDays(today: Date, days: number): { from: string; to: string } {
  const iso = (d: Date) =>
    `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const first = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: iso(first), to: iso(today) };
}
