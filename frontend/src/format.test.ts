import { describe, expect, it } from "vitest";
import { periodDays } from "./format";

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
