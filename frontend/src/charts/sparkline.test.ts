import { describe, expect, it } from "vitest";
import { lastDays, sparklineOption } from "./sparkline";

describe("sparklineOption", () => {
  it("draws the counts in order on one line, from zero", () => {
    const option = sparklineOption([0, 3, 1]) as { series: { data: number[] }[]; yAxis: { min: number } };
    expect(option.series[0]?.data).toEqual([0, 3, 1]);
    expect(option.yAxis.min).toBe(0);
  });
});

describe("lastDays", () => {
  it("counts today as the last of the days, across a month's end", () => {
    expect(lastDays(new Date(2026, 11, 6, 23, 30), 14)).toEqual({ from: "2026-11-23", to: "2026-12-06" });
  });
});
