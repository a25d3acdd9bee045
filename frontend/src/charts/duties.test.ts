import { describe, expect, it } from "vitest";
import { dutyTrendOption, recentQuarters } from "./duties";

describe("dutyTrendOption", () => {
  it("draws one line per duty over the quarters, with a gap where a duty was not scored", () => {
    const option = dutyTrendOption({
      person_id: "ann",
      profile_id: "sales-assistant:v2",
      duties: [
        { key: "reporting", name: "Reporting" },
        { key: "product_knowledge", name: "Product knowledge" },
      ],
      quarters: [
        { quarter: "2026-Q2", profile_id: "sales-assistant:v1", scores: { reporting: 3 }, average: "3.00", comment: "", revision: 1, recorded_at: "2026-07-01T00:00:00Z" },
        { quarter: "2026-Q3", profile_id: "sales-assistant:v2", scores: { reporting: 4, product_knowledge: 3 }, average: "3.50", comment: "", revision: 1, recorded_at: "2026-10-01T00:00:00Z" },
      ],
      series: {
        reporting: [{ quarter: "2026-Q2", score: 3 }, { quarter: "2026-Q3", score: 4 }],
        product_knowledge: [{ quarter: "2026-Q2", score: null }, { quarter: "2026-Q3", score: 3 }],
      },
    }) as { xAxis: { data: string[] }; series: { name: string; data: (number | null)[] }[] };
    expect(option.xAxis.data).toEqual(["2026-Q2", "2026-Q3"]);
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ["Reporting", [3, 4]],
      ["Product knowledge", [null, 3]],
    ]);
  });
});

describe("recentQuarters", () => {
  it("counts back across a year's turn", () => {
    expect(recentQuarters(new Date(2026, 1, 10))).toEqual(["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]);
  });
});
