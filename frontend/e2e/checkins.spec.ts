import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness brought Ann's and Bob's weekly check-ins forward to now; Bob's is past its reminder, unanswered.

test("an assistant answers the weekly check-in and the manager reads it and sees who is missing", async ({ page }) => {
  await signInAs(page, "Sign in as Ann Assistant"); // Ann reads the console in Chinese
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "每周回顾" }).click();
  const form = page.getByRole("form", { name: "本周回顾" });
  await form.getByLabel("Calls this week 的进展").fill("打了 6 个电话，约好两次拜访");
  await form.getByLabel("困难").fill("周二 CRM 宕机");
  await form.getByLabel("需要的帮助").fill("新产品的价目表");

  // Without a confidence the goals API refuses the answer, and says so on the field.
  await form.getByRole("button", { name: "提交回顾" }).click();
  await expect(form.getByRole("group", { name: "你对达成目标有多大信心？" })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "the check-in form");
  await illustrate(page, "check-in");

  await form.getByRole("radio", { name: "4", exact: true }).check();
  await form.getByRole("button", { name: "提交回顾" }).click();
  await expect(page.getByRole("status")).toContainText("回顾已提交，主管可以看到。");
  await expect(form).toHaveCount(0);
  await expect(page.getByRole("article", { name: "Ann Assistant 的回顾" })).toContainText("约好两次拜访");
  await page.getByRole("button", { name: "退出登录" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  const missing = page.getByTestId("missing-checkins");
  await expect(missing).toContainText("Bob Assistant: due");
  await expect(missing).not.toContainText("Ann Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Check-ins" }).click();
  const anns = page.getByRole("article", { name: "Check-in of Ann Assistant" });
  await expect(anns).toContainText("confidence 4 of 5");
  await expect(anns).toContainText("Calls this week: 打了 6 个电话，约好两次拜访");
  await expect(anns).toContainText("Help needed: 新产品的价目表");
  await expect(page.getByTestId("checkins-waiting")).toContainText("Bob Assistant: due");
  await expect(page.getByTestId("checkins-waiting")).toContainText("reminded and still missing");
  const ask = page.getByRole("form", { name: "Ask for a check-in now" });
  await ask.getByLabel("Whom").selectOption({ label: "Ann Assistant" });
  await ask.getByRole("button", { name: "Ask now" }).click();
  await expect(ask.getByRole("status")).toContainText("Ann Assistant is asked for a check-in");
  await expect(page.getByTestId("checkins-waiting")).toContainText("Ann Assistant: due");
  await expectAccessible(page, "the manager's check-ins");
});
