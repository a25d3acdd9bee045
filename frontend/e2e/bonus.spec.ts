import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness closed a bonus period of the north team just after Cid missed "Visits before noon" (none of 5).

test("an assistant reads his bonus statement line by line with its formulas, his manager approves it", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Cid Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bonus" }).click();
  await expect(page.getByRole("heading", { name: "My bonus statements" })).toBeVisible();
  const statement = page.getByTestId("statement").first();
  await expect(statement).toContainText("Calculated, waiting for the manager");
  await expect(statement.getByRole("row", { name: /Goal attainment|attainment/i }).first()).toBeVisible();
  await expect(statement.locator("code").first()).not.toBeEmpty();
  await expect(statement.getByTestId("statement-total")).toContainText("€0.00");
  await expect(statement.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expectAccessible(page, "my bonus statements");
  await illustrate(page, "bonus-statement");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bonus" }).click();
  await expect(page.getByRole("heading", { name: "The team's bonus statements" })).toBeVisible();
  const cids = page.getByTestId("statement").filter({ hasText: "Cid Assistant" }).first();
  await expect(cids).toContainText("Calculated, waiting for the manager");
  await expectAccessible(page, "the team's bonus statements");
  await cids.getByRole("button", { name: "Approve" }).click();
  await expect(cids).toContainText("Approved by the manager, waiting for hr");
  await expect(cids.getByRole("button", { name: "Approve" })).toHaveCount(0);

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "团队的奖金明细" })).toBeVisible();
  await expect(cids).toContainText("经理已批准，等待人力资源审批");
  await expectAccessible(page, "the team's bonus statements in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
