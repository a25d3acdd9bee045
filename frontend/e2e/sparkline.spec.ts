import { expect, test } from "@playwright/test";
import { expectAccessible, signInAs } from "./support";

// The harness recorded nine calls for Bob today, and none before.
test("a manager sees each assistant's last two weeks of activity as a sparkline on the team dashboard", async ({ page }) => {
  await signInAs(page, "Sign in as Mia Manager");
  await expect(page.getByRole("heading", { name: "Team north" })).toBeVisible();
  const table = page.getByTestId("team-table");
  const bobs = table.getByRole("rowheader").filter({ hasText: "Bob Assistant" }).first().getByTestId("activity-sparkline");
  await expect(bobs).toHaveAttribute(
    "aria-label",
    /^Bob Assistant, calls a day over the last 14 days \(9 in all\): (0, ){13}9$/,
  );
  await expect(bobs.locator("svg path").first()).toBeVisible();
  await expectAccessible(page, "the team dashboard with sparklines");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(bobs).toHaveAttribute("aria-label", /^Bob Assistant近 14 天每天的电话（共 9）：/);
  await expectAccessible(page, "the team dashboard with sparklines in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
