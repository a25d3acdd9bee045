import { describe, expect, it } from "vitest";
import { days, periodDays } from "./format";

describe("periodDays", () => {
  it("names a review period's first and last day whichever zone its midnights were in", () => {
    // December, reviewed in Shanghai (UTC+8), New York (UTC−5) and UTC.
    expect(periodDays("2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z")).toEqual({
      first: "2026-12-01T04:00:00.000Z",
      last: "2026-12-31T04:00:00.000Z",
    });
    expect(periodDays("2026-12-01T05:00:00Z", "2027-01-01T05:00:00Z").last.slice(0, 10)).toBe("2026-12-31");
    expect(periodDays("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z").first.slice(0, 10)).toBe("2026-12-01");
  });
});

describe("days", () => {
  it("names a review period by the reviewed person's own days, even fourteen hours ahead of UTC", () => {
    // November reviewed in Kiritimati (UTC+14): its bounds are 31 October and 30 November, 10:00 UTC, which noon
    // UTC would have put on the day before; the API's plain days are the person's own.
    expect(periodDays("2026-10-31T10:00:00Z", "2026-11-30T10:00:00Z").first.slice(0, 10)).toBe("2026-10-31");
    expect(days("2026-11-01", "2026-11-30", "en")).toEqual({ start: "Nov 1, 2026", end: "Nov 30, 2026" });
    expect(days("2026-11-01", "2026-11-30", "zh-CN")).toEqual({ start: "2026年11月1日", end: "2026年11月30日" });
  });
});
