import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// Dan is reached on every chat robot the platform configures, then email; GoalMissed, ReviewOverdue and
// BonusApproved are mandatory (the notifications service's defaults).

test("an assistant orders his channels by keyboard, turns one notification off, sets quiet hours and a digest, and finds them kept", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Dan Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My notifications" }).click();
  await expect(page.getByRole("heading", { name: "My notifications", level: 1 })).toBeVisible();
  const order = page.getByTestId("channel-order").getByRole("listitem");
  await expect(order.last()).toContainText("Email");

  // Email to the top with the keyboard alone: each press moves it one place and keeps the focus on it.
  const up = page.getByRole("button", { name: "Move Email up" });
  await up.focus();
  const places = await order.count();
  for (let i = 1; i < places; i += 1) {
    await expect(order.first()).not.toContainText("Email");
    await page.keyboard.press("Enter");
  }
  await expect(order.first()).toContainText("Email");
  await page.getByRole("checkbox", { name: "Slack", exact: true }).press("Space");
  await expect(page.getByRole("checkbox", { name: "Slack", exact: true })).not.toBeChecked();

  const optOuts = page.getByTestId("opt-outs");
  await optOuts.getByRole("checkbox", { name: "A goal is achieved by Email" }).uncheck();
  const missed = optOuts.getByRole("row", { name: /A goal is missed/ });
  await expect(missed).toContainText("Always sent: cannot be turned off");
  await expect(missed.getByRole("checkbox")).toHaveCount(0);

  await page.getByLabel("Hold messages during quiet hours").check();
  await page.getByLabel("From").fill("");
  await page.getByLabel("Until").fill("07:00");
  await page.getByLabel("Gather low-priority messages into one digest").check();
  await page.getByLabel("How often").selectOption("weekly");
  await page.getByLabel("At", { exact: true }).selectOption("09:00");
  await page.getByLabel("On", { exact: true }).selectOption({ label: "Monday" });
  await page.getByRole("button", { name: "Save preferences" }).click();
  // The service's own reason, on the field it names.
  await expect(page.getByLabel("From")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#quiet-start-error")).toBeVisible();
  await expectAccessible(page, "notification preferences refused");

  await page.getByLabel("From").fill("21:30");
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status")).toContainText("Your preferences are saved.");
  await illustrate(page, "notification-preferences");

  // What the service stored, read again from scratch: without the form's draft kept in the tab.
  await page.evaluate(() => { sessionStorage.removeItem("pacer.draft.preferences.dan"); });
  await page.reload();
  await expect(order.first()).toContainText("Email");
  await expect(page.getByRole("checkbox", { name: "Slack", exact: true })).not.toBeChecked();
  await expect(optOuts.getByRole("checkbox", { name: "A goal is achieved by Email" })).not.toBeChecked();
  await expect(optOuts.getByRole("checkbox", { name: "A goal is achieved by Feishu" })).toBeChecked();
  await expect(page.getByLabel("From")).toHaveValue("21:30");
  await expect(page.getByLabel("Until")).toHaveValue("07:00");
  await expect(page.getByLabel("On", { exact: true })).toHaveValue("0");
  await expectAccessible(page, "notification preferences");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "我的通知", level: 1 })).toBeVisible();
  await expect(optOuts.getByRole("row", { name: /目标未达成/ })).toContainText("始终发送：无法关闭");
  await expect(optOuts.getByRole("checkbox", { name: "通过邮件接收“目标已达成”" })).not.toBeChecked();
  await expectAccessible(page, "notification preferences in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
