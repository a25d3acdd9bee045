import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness had Max praise Dan while Dan's mail server refused his mailbox for good (a 550 on his one channel,
// email): that notification failed. The mailbox takes mail again before this journey starts.

test("admin finds Dan's failed notification and sends it again; hr cannot", async ({ page }) => {
  await signInAs(page, "Sign in as Ada Admin");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Deliveries" }).click();
  await expect(page.getByRole("heading", { name: "Deliveries" })).toBeVisible();
  const roster = page.getByRole("group", { name: "Whose notifications, from the roster" });
  await roster.getByLabel("Team id").fill("south");
  await roster.getByLabel("Person", { exact: true }).selectOption({ label: "Dan Assistant (assistant, south)" });
  await page.getByLabel("Failed ones only").check();

  const history = page.getByTestId("deliveries");
  await expect(history).toHaveAccessibleName("The person's failed notifications, newest first");
  const praise = history.getByRole("row", { name: /Feedback for you/ });
  await expect(praise).toHaveCount(1);
  await expect(praise).toContainText("Email");
  await expect(praise).toContainText("failed on every channel");
  await expect(praise).toContainText("550");
  await expect(praise.getByRole("cell").nth(4)).toHaveText("1");
  await expectAccessible(page, "a person's failed notifications");
  await illustrate(page, "deliveries");

  // Retried from the keyboard: the button names the notification it sends again.
  const retry = praise.getByRole("button", { name: /^Retry: Feedback for you by Email/ });
  await retry.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText(
    "Sent again: its new attempt and how it ended appear in the history.",
  );
  // Delivered now, so it leaves the failed ones; the whole history shows how it ended.
  await expect(history.getByRole("row", { name: /Feedback for you/ })).toHaveCount(0);
  await expect(page.getByText("No notification to this person failed.")).toBeVisible();
  await page.getByLabel("Failed ones only").uncheck();
  const delivered = page.getByTestId("deliveries").getByRole("row", { name: /Feedback for you/ });
  await expect(delivered).toContainText("delivered");
  await expect(delivered.getByRole("cell").nth(4)).toHaveText("2");
  await expect(delivered.getByRole("button", { name: /^Retry/ })).toHaveCount(0);
  await expectAccessible(page, "a person's notifications");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "通知投递" })).toBeVisible();
  await expect(page.getByTestId("deliveries").getByRole("row", { name: /有给您的反馈/ })).toContainText("已送达");
  await expectAccessible(page, "a person's notifications in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Hana HR");
  await expect(nav.getByRole("link", { name: "Deliveries" })).toHaveCount(0);
  await page.goto("/deliveries");
  await expect(page.getByRole("alert")).toContainText("As hr, you may not see this.");
});
