import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness let Cid's "Visits before noon" (5 visits, none made) pass its deadline: the goal was called missed.

test("an assistant writes the analysis of a missed goal and the manager reads it", async ({ page }) => {
  await signInAs(page, "Sign in as Cid Assistant");
  const misses = page.getByRole("region", { name: "Missed goals: why, and what next" });
  const form = misses.getByRole("form", { name: "Miss analysis of Visits before noon" });
  await expect(form).toContainText("0 of 5 calls, 5 short.");

  // Too short for the goals API: its reason stands on the field.
  await form.getByLabel("Why it was missed").fill("no");
  await form.getByLabel("What I will do to recover").fill("Book the visits on Monday morning");
  await form.getByRole("button", { name: "Send the analysis" }).click();
  await expect(form.getByLabel("Why it was missed")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Why it was missed")).toHaveAccessibleDescription(/at least 3 characters/);
  await expectAccessible(page, "the miss analysis form");
  await illustrate(page, "miss-analysis");

  await form.getByLabel("Why it was missed").fill("The customer cancelled two visits");
  await form.getByRole("button", { name: "Send the analysis" }).click();
  await expect(misses.getByRole("status")).toContainText("Analysis sent for Visits before noon. Your manager sees it.");
  await expect(form).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team goals" }).click();
  const missed = page.getByTestId("missed").getByRole("listitem", { name: "Cid Assistant: Visits before noon" });
  await expect(missed).toContainText("0 of 5 calls, 5 short.");
  await expect(missed.getByTestId("miss-analysis")).toContainText("The customer cancelled two visits");
  await expect(missed.getByTestId("miss-analysis")).toContainText("Book the visits on Monday morning");
  await expectAccessible(page, "team goals with a miss analysis");
});
