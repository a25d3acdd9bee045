import { describe, expect, it } from "vitest";
import { defaults, isReportPeriod, periodLabel, quarterOf } from "./trendText";

describe("periodLabel", () => {
  it("names a month by month and year, and a day or a week by its first day, in the reader's language", () => {
    expect(periodLabel("2026-11-01", "month", "en")).toBe("Nov 2026");
    expect(periodLabel("2026-11-01", "month", "zh-CN")).toBe("2026年11月");
    expect(periodLabel("2026-10-26", "week", "en")).toBe("Oct 26, 2026");
  });
});

describe("defaults", () => {
  it("asks for the last twelve weeks, this month's change and last month's report", () => {
    expect(defaults(new Date(2026, 0, 15))).toEqual({
      from: "2025-10-24",
      to: "2026-01-15",
      month: "2026-01",
      report: "2025-12",
    });
  });
});

describe("isReportPeriod", () => {
  it("takes a month or a quarter and nothing else", () => {
    expect(["2026-11", "2026-Q4"].every(isReportPeriod)).toBe(true);
    expect(["2026-13", "2026-Q5", "2026-q4", "2026-11-01", ""].some(isReportPeriod)).toBe(false);
  });
});

describe("quarterOf", () => {
  it("names the quarter a day is in", () => {
    expect(quarterOf(new Date(2026, 0, 1))).toBe("2026-Q1");
    expect(quarterOf(new Date(2026, 2, 31))).toBe("2026-Q1");
    expect(quarterOf(new Date(2026, 3, 1))).toBe("2026-Q2");
    expect(quarterOf(new Date(2026, 11, 31))).toBe("2026-Q4");
  });
});
