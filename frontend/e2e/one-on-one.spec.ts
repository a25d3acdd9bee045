import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness opened, as hr, Ann's and Bob's weekly check-ins of this week. Bob has made nine of his ten calls, ahead
// of pace; Ann's "Calls this week" runs in the same week.
test("a manager reads her weekly 1:1 agenda with each report, in both languages", async ({ page }) => {
  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "1:1 agenda" }).click();
  await expect(page.getByRole("heading", { name: "1:1 agenda", level: 1 })).toBeVisible();
  const checkIn = page.getByLabel("Check-in");
  // Her reports' weekly check-ins only: Cid's custom review of the days around today is not one.
  await expect(checkIn.getByRole("option")).toHaveCount(2);
  const bobs = await checkIn.getByRole("option", { name: /^Bob Assistant, week of [A-Z][a-z]{2} \d{1,2}, \d{4}$/ }).textContent();
  const anns = await checkIn.getByRole("option", { name: /^Ann Assistant, week of/ }).textContent();
  await checkIn.selectOption({ label: bobs ?? "" });
  const agenda = page.getByTestId("agenda");
  await expect(agenda.getByRole("heading", { name: "Agenda with Bob Assistant" })).toBeVisible();
  const calls = agenda.getByTestId("agenda-goals").getByRole("listitem").filter({ hasText: "Calls this week" });
  await expect(calls).toContainText("On track");
  await expect(calls).toContainText("9 of 10 calls");
  await expect(agenda.getByTestId("agenda-feedback")).toContainText(/\d+ praise, \d+ to improve/);
  await expectAccessible(page, "the 1:1 agenda");

  // The other report's, on the same page.
  await checkIn.selectOption({ label: anns ?? "" });
  await expect(agenda.getByRole("heading", { name: "Agenda with Ann Assistant" })).toBeVisible();
  await expect(agenda.getByTestId("agenda-goals").getByRole("listitem").filter({ hasText: "Calls this week" })).toContainText(
    "of 10 calls",
  );
  await illustrate(page, "one-on-one");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "一对一议程", level: 1 })).toBeVisible();
  const inChinese = page.getByLabel("面谈");
  const bobsInChinese = await inChinese.getByRole("option", { name: /^Bob Assistant，\d{4}年\d{1,2}月\d{1,2}日 这一周$/ }).textContent();
  await inChinese.selectOption({ label: bobsInChinese ?? "" });
  await expect(agenda.getByRole("heading", { name: "与 Bob Assistant 的议程" })).toBeVisible();
  await expect(agenda.getByTestId("agenda-goals").getByRole("listitem").filter({ hasText: "Calls this week" })).toContainText(
    "正常",
  );
  await expectAccessible(page, "the 1:1 agenda in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
