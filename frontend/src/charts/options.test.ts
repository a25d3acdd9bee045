import { describe, expect, it } from "vitest";
import { attainmentBands, progressOption, trendOption } from "./options";

describe("attainmentBands", () => {
  it("counts each goal in the band its attainment falls in, a band's upper edge in the next", () => {
    expect(attainmentBands([0, 0.1, 0.25, 0.5, 0.99, 1, 1.7])).toEqual([2, 1, 1, 1, 2]);
    expect(attainmentBands([])).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("progressOption", () => {
  const progress = {
    goal_id: "g1",
    target: "4",
    unit: "calls",
    period_start: "2026-12-07T00:00:00Z",
    period_end: "2026-12-14T00:00:00Z",
    actual: [
      { at: "2026-12-07T00:00:00Z", value: "0" },
      { at: "2026-12-08T09:30:00Z", value: "1" },
    ],
    pace: [
      { at: "2026-12-07T00:00:00Z", value: "0" },
      { at: "2026-12-14T00:00:00Z", value: "4" },
    ],
  };

  it("draws the service's actual as steps and its pace as a line over the goal's period, with the target marked", () => {
    const option = progressOption(progress, { actual: "Actual", pace: "Pace", target: "Target" }, "en") as {
      xAxis: { min: number; max: number };
      series: { name: string; step?: string; data: number[][]; markLine?: { data: { yAxis: number }[] } }[];
    };
    expect(option.xAxis.min).toBe(Date.parse("2026-12-07T00:00:00Z"));
    expect(option.xAxis.max).toBe(Date.parse("2026-12-14T00:00:00Z"));
    const [actual, pace] = option.series;
    expect(actual?.step).toBe("end");
    expect(actual?.data).toEqual([
      [Date.parse("2026-12-07T00:00:00Z"), 0],
      [Date.parse("2026-12-08T09:30:00Z"), 1],
    ]);
    expect(actual?.markLine?.data[0]?.yAxis).toBe(4);
    expect(pace?.data.at(-1)).toEqual([Date.parse("2026-12-14T00:00:00Z"), 4]);
  });
});

describe("trendOption", () => {
  it("draws one line per kind over the periods, with the counts as the service gave them", () => {
    const option = trendOption(["Oct 2026", "Nov 2026"], [
      { name: "Calls", values: [2, 4] },
      { name: "Deals closed", values: [0, 1] },
    ]) as { xAxis: { data: string[] }; legend: { data: string[] }; series: { name: string; type: string; data: number[] }[] };
    expect(option.xAxis.data).toEqual(["Oct 2026", "Nov 2026"]);
    expect(option.legend.data).toEqual(["Calls", "Deals closed"]);
    expect(option.series.map((s) => [s.name, s.type, s.data])).toEqual([
      ["Calls", "line", [2, 4]],
      ["Deals closed", "line", [0, 1]],
    ]);
  });
});
