import { expect, test } from "@playwright/test";
import { expectAccessible, signInAs } from "./support";

// Runs after manager.spec.ts (files run in name order), which expects the drafts it found to be all there were.

/** A date `days` from today, as a date field takes it. */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test("an assistant proposes a goal for herself, in Chinese, and her manager activates the draft", async ({ page }) => {
  await signInAs(page, "Sign in as Ann Assistant");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "提议目标" }).click();
  await expect(page.getByRole("heading", { name: "提议目标" })).toBeVisible();
  await expect(page.getByLabel("销售助理")).toHaveCount(0); // her own goal: no one to choose
  await page.getByLabel("标题").fill("Visits next week");
  await page.getByLabel("计入的活动").fill("visit");
  await page.getByLabel("目标值").fill("6");
  await page.getByLabel("单位").fill("visits");
  await page.getByLabel("开始").fill(dayFromToday(1));
  await page.getByLabel("结束（含当天）").fill(dayFromToday(7));
  const smart = page.getByTestId("smart-check");
  await expect(smart.getByTestId("smart-summary")).toContainText("目标符合 SMART");
  await expect(smart.getByTestId("smart-specific")).toContainText("具体：通过");
  await expectAccessible(page, "propose a goal in Chinese");
  await page.getByRole("button", { name: "设定目标" }).click();
  await expect(page.getByRole("status")).toContainText("已保存为草稿：Visits next week 等待您的经理启用。");
  await page.getByRole("button", { name: "退出登录" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team goals" }).click();
  const draft = page.getByTestId("drafts").getByRole("listitem", { name: "Ann Assistant: Visits next week" });
  await expect(draft).toContainText("6 visits");
  await draft.getByRole("button", { name: "Activate" }).click();
  await expect(page.getByRole("region", { name: "Drafts waiting for activation" }).getByRole("status")).toContainText(
    "Activated: Visits next week for Ann Assistant.",
  );
});
