// A simulated bonus plan drawn per person, beside what the plan in force would pay for the same period.
import type { components } from "../client/incentives/schema";
import type { EChartsCoreOption } from "./echarts";

type SimulationOut = components["schemas"]["SimulationOut"];

export interface SimulationTexts {
  proposed: string;
  current: string;
}

export interface PayoutRow {
  personId: string;
  proposed: number;
  /** null when no plan is in force for the period, or the person is not in its population. */
  current: number | null;
}

/** One row per person either plan pays, in the proposed plan's order, then the ones only the current plan covers. */
export function payoutRows(proposed: SimulationOut, current: SimulationOut | null): PayoutRow[] {
  const currentBy = new Map((current?.statements ?? []).map((s) => [s.person_id, Number(s.total)]));
  const rows: PayoutRow[] = proposed.statements.map((s) => ({
    personId: s.person_id,
    proposed: Number(s.total),
    current: current ? (currentBy.get(s.person_id) ?? null) : null,
  }));
  const seen = new Set(rows.map((row) => row.personId));
  for (const s of current?.statements ?? []) {
    if (!seen.has(s.person_id)) rows.push({ personId: s.person_id, proposed: 0, current: Number(s.total) });
  }
  return rows;
}

export function simulationOption(
  rows: PayoutRow[],
  names: (personId: string) => string,
  texts: SimulationTexts,
  money: (amount: number) => string,
  withCurrent: boolean,
): EChartsCoreOption {
  const series = [
    {
      name: texts.proposed,
      type: "bar",
      data: rows.map((row) => row.proposed),
      itemStyle: { color: "#1f5fa8" },
      label: { show: true, position: "top", formatter: ({ value }: { value: number }) => money(value) },
    },
  ];
  if (withCurrent) {
    series.push({
      name: texts.current,
      type: "bar",
      data: rows.map((row) => row.current ?? 0),
      itemStyle: { color: "#8a8a8a" },
      label: { show: true, position: "top", formatter: ({ value }: { value: number }) => money(value) },
    });
  }
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 40, bottom: 40 },
    legend: { data: series.map((s) => s.name), top: 0 },
    tooltip: { trigger: "axis", valueFormatter: (value: number) => money(value) },
    xAxis: { type: "category", data: rows.map((row) => names(row.personId)), axisLabel: { interval: 0 } },
    yAxis: { type: "value", min: 0, axisLabel: { formatter: (value: number) => money(value) } },
    series,
  };
}
