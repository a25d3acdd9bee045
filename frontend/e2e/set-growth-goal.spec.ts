import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// Runs last (files run in name order): Bob's new goal would change what the other journeys count.
// The harness recorded Bob's calls today: a growth goal for the next two days compares with the two days before
// (the previous period), which hold them.

/** A date `days` from today in Bob's time zone, as a date field takes it. */
function dayInBerlin(days: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + days * 86_400_000));
}

test("a manager sets a growth goal and sees the number it resolves to before setting it", async ({ page }) => {
  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Set a goal" }).click();
  await page.getByLabel("Assistant", { exact: true }).selectOption({ label: "Bob Assistant" });
  await page.getByLabel("Title").fill("Growth in calls");
  await page.getByLabel("Number or growth").selectOption({ label: "Growth over a baseline (+/- %)" });
  await page.getByLabel("Change (%)").fill("10");
  await page.getByLabel("Unit").fill("calls");
  await page.getByLabel("Start").fill(dayInBerlin(1));
  await page.getByLabel("End (inclusive)").fill(dayInBerlin(2));

  const smart = page.getByTestId("smart-check");
  await expect(smart.getByTestId("smart-measurable")).toContainText(/\d+ calls: \+10% over \d+ calls, the actual of the previous period/);
  await expect(page.getByTestId("resolved-target")).toContainText(/Target: \d+ calls, from \d+ calls between/);
  await expectAccessible(page, "a growth goal");
  await illustrate(page, "growth-goal");

  // A year ago Bob made no calls: no baseline, and the check says why.
  await page.getByLabel("Compared with").selectOption({ label: "The same period last year" });
  await expect(smart.getByTestId("smart-measurable")).toHaveAttribute("data-state", "failed");
  await expect(smart.getByTestId("smart-measurable")).toContainText("no baseline: nothing counted in the same period last year");

  await page.getByLabel("Compared with").selectOption({ label: "The previous period" });
  await expect(smart.getByTestId("smart-measurable")).toHaveAttribute("data-state", "passed");
  await page.getByRole("button", { name: "Set the goal" }).click();
  await expect(page.getByRole("status")).toContainText("Goal set: Growth in calls for Bob Assistant.");
});
