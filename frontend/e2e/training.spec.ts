import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

test("hr assigns a course from the catalogue to an assistant picked by name, who completes it by keyboard", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Hana HR");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Training" }).click();
  await expect(page.getByRole("heading", { name: "Training", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "Assign a course" });
  // No due date yet: the service names what is missing, on its field.
  const picker = form.getByRole("group", { name: "Whom to train" });
  await picker.getByLabel("Team id").fill("south");
  await picker.getByLabel("Person", { exact: true }).selectOption({ label: "Dan Assistant (assistant, south)" });
  await form.getByRole("button", { name: "Assign" }).click();
  await expect(form.getByLabel("Due")).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#training-due-error")).toBeVisible();
  await expectAccessible(page, "training, a refused assignment");

  await form.getByLabel("Course").selectOption({ label: "Company policy: discounts, approvals and data protection — Company policy" });
  await form.getByLabel("Due").fill("2031-01-15");
  await form.getByRole("button", { name: "Assign" }).click();
  await expect(form.getByRole("status")).toContainText("Assigned: Company policy: discounts, approvals and data protection.");
  const theirs = page.getByTestId("training");
  const course = theirs.getByRole("row", { name: /Company policy: discounts/ });
  await expect(course).toContainText("Open");
  await expect(course).toContainText("2031");
  await expectAccessible(page, "training for hr");
  await illustrate(page, "training-assign");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Dan Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My training" }).click();
  await expect(page.getByRole("heading", { name: "My training", level: 1 })).toBeVisible();
  const mine = page.getByTestId("training").getByRole("row", { name: /Company policy: discounts/ });
  await expect(mine).toContainText("Company policy");
  await expectAccessible(page, "my training");
  const done = page.getByRole("button", { name: "Mark Company policy: discounts, approvals and data protection as completed" });
  await done.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Completed: Company policy: discounts, approvals and data protection.");
  await expect(mine).toContainText("Completed");
  await expect(done).toHaveCount(0);

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "我的培训", level: 1 })).toBeVisible();
  await expect(mine).toContainText("完成于");
  await expect(mine).toContainText("公司制度");
  await expectAccessible(page, "my training in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
