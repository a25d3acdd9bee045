import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

test("a manager gives an award to a report, first told on its field what is missing, and the team's feed shows it", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Max Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recognition" }).click();
  const form = page.getByRole("form", { name: "Give an award" });
  // Only her reports to choose from.
  await expect(form.getByLabel("To", { exact: true }).getByRole("option")).toHaveText(["Choose whom", "Dan Assistant"]);
  await form.getByLabel("To", { exact: true }).selectOption({ label: "Dan Assistant" });
  await form.getByLabel("Why they earned it").fill("Rebuilt the south team's customer records in a week.");
  await form.getByRole("button", { name: "Give the award" }).click();
  await expect(form.getByLabel("Award", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#award-name-error")).toBeVisible();
  await expectAccessible(page, "an award refused");

  await form.getByLabel("Award", { exact: true }).fill("Records hero");
  await form.getByRole("button", { name: "Give the award" }).click();
  await expect(form.getByRole("status")).toContainText("Award given to Dan Assistant.");
  await expect(form.getByLabel("Award", { exact: true })).toHaveValue("");
  const award = page.getByTestId("recognitions").getByRole("listitem").filter({ hasText: "Records hero" });
  await expect(award).toContainText("For Dan Assistant");
  await expect(award).toContainText("from Max Manager");
  await expect(award).toContainText("Rebuilt the south team's customer records in a week.");
  await expectAccessible(page, "recognition for a manager");
  await illustrate(page, "give-award");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "颁发奖项", level: 2 })).toBeVisible();
  await expectAccessible(page, "recognition for a manager in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
