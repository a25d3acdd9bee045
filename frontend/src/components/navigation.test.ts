import { describe, expect, it } from "vitest";
import { navigationGroups } from "./navigation";

describe("the main navigation", () => {
  it("groups hr's entries by the part of the work, each entry once", () => {
    const groups = navigationGroups("hr", null);
    expect(groups.map((g) => g.label)).toEqual([
      "nav.groups.mine",
      "nav.groups.team",
      "nav.groups.reviews",
      "nav.groups.pay",
      "nav.groups.learning",
      "nav.groups.admin",
    ]);
    const paths = groups.flatMap((g) => g.items.map((item) => item.to));
    expect(paths).toHaveLength(16);
    expect(new Set(paths).size).toBe(16);
    expect(groups.find((g) => g.key === "pay")?.items.map((item) => item.label)).toEqual(["nav.bonusPlans", "nav.bonus"]);
    expect(groups.find((g) => g.key === "mine")?.items.map((item) => item.to)).toContain("/notifications");
  });

  it("keeps the other roles' fewer entries in one list, their team's dashboard by its id", () => {
    const groups = navigationGroups("manager", "north");
    expect(groups.map((g) => g.label)).toEqual([null]);
    const paths = groups.flatMap((g) => g.items.map((item) => item.to));
    expect(paths[0]).toBe("/team/north");
    expect(paths.at(-1)).toBe("/notifications");
  });
});
