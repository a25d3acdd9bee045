// Chart options from what the APIs answer; the numbers are the services', the charts only draw them.
import type { components } from "../client/goals/schema";
import type { EChartsCoreOption } from "./echarts";

type ProgressOut = components["schemas"]["ProgressOut"];

export interface ProgressTexts {
  actual: string;
  pace: string;
  target: string;
}

/** `timeZone`: the goal's own, in which its period and deadline are reckoned. */
export function progressOption(
  progress: ProgressOut,
  texts: ProgressTexts,
  locale: string,
  timeZone?: string,
): EChartsCoreOption {
  const points = (list: ProgressOut["actual"]) => list.map((p) => [Date.parse(p.at), Number(p.value)]);
  const time = new Intl.DateTimeFormat(locale, { weekday: "short", hour: "2-digit", minute: "2-digit", timeZone });
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 32, bottom: 32 },
    legend: { data: [texts.actual, texts.pace], top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: {
      type: "time",
      min: Date.parse(progress.period_start),
      max: Date.parse(progress.period_end),
      axisLabel: { formatter: (value: number) => time.format(value), hideOverlap: true },
    },
    yAxis: { type: "value", min: 0, max: (extent: { max: number }) => Math.max(extent.max, Number(progress.target)) },
    series: [
      {
        name: texts.actual,
        type: "line",
        step: "end",
        showSymbol: false,
        data: points(progress.actual),
        lineStyle: { width: 3, color: "#1f5fa8" },
        itemStyle: { color: "#1f5fa8" },
        markLine: {
          silent: true,
          symbol: "none",
          data: [{ yAxis: Number(progress.target), name: texts.target }],
          label: { formatter: texts.target, position: "insideEndTop" },
          lineStyle: { color: "#555", type: "dotted" },
        },
      },
      {
        name: texts.pace,
        type: "line",
        showSymbol: false,
        data: points(progress.pace),
        lineStyle: { type: "dashed", color: "#b5651d" },
        itemStyle: { color: "#b5651d" },
      },
    ],
  };
}

/** Bands of attainment (actual / target) a team's open goals fall into, for the distribution chart. */
export const ATTAINMENT_BANDS = [
  { label: "0–25%", below: 0.25 },
  { label: "25–50%", below: 0.5 },
  { label: "50–75%", below: 0.75 },
  { label: "75–100%", below: 1 },
  { label: "≥100%", below: Number.POSITIVE_INFINITY },
] as const;

export function attainmentBands(attainments: readonly number[]): number[] {
  const counts = ATTAINMENT_BANDS.map(() => 0);
  for (const attainment of attainments) {
    const band = ATTAINMENT_BANDS.findIndex((b) => attainment < b.below);
    counts[band] = (counts[band] ?? 0) + 1;
  }
  return counts;
}

export function distributionOption(counts: readonly number[], seriesName: string): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: ATTAINMENT_BANDS.map((b) => b.label) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: seriesName, type: "bar", data: [...counts], itemStyle: { color: "#1f5fa8" } }],
  };
}

export interface TrendLine {
  name: string;
  values: number[];
}

/** One line per kind over the same periods (the series' own, empty ones as zeros). */
export function trendOption(periods: readonly string[], lines: readonly TrendLine[]): EChartsCoreOption {
  const colours = ["#1f5fa8", "#b5651d", "#2e7d32", "#6a1b9a", "#555"];
  return {
    animation: false,
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    legend: { data: lines.map((line) => line.name), top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: [...periods], axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", minInterval: 1 },
    series: lines.map((line, i) => ({
      name: line.name,
      type: "line",
      data: [...line.values],
      lineStyle: { width: 2, color: colours[i % colours.length] },
      itemStyle: { color: colours[i % colours.length] },
    })),
  };
}

export interface FunnelStep {
  name: string;
  value: number;
}

/** The funnel's steps top first, as the API orders them (not re-sorted by size: a chain is read in its order). */
export function funnelOption(steps: readonly FunnelStep[]): EChartsCoreOption {
  return {
    animation: false,
    tooltip: { trigger: "item" },
    series: [
      {
        type: "funnel",
        sort: "none",
        left: "10%",
        width: "80%",
        top: 8,
        bottom: 8,
        minSize: "8%",
        gap: 2,
        label: { show: true, position: "inside", color: "#fff" },
        itemStyle: { color: "#1f5fa8" },
        data: steps.map((step) => ({ ...step })),
      },
    ],
  };
}

/** Bars over labelled buckets, e.g. the goal outcomes' attainment distribution as the analytics service cuts it. */
export function bucketOption(labels: readonly string[], counts: readonly number[], seriesName: string): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: [...labels] },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: seriesName, type: "bar", data: [...counts], itemStyle: { color: "#1f5fa8" } }],
  };
}
