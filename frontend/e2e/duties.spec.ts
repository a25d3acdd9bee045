import { expect, test } from "@playwright/test";
import { recentQuarters } from "../src/charts/duties";
import { expectAccessible, illustrate, signInAs } from "./support";

test("hr adds a duty to the sales-assistant profile, a manager scores a quarter and the assistant sees her trend", async ({
  page,
}) => {
  test.slow(); // three people sign in one after another, each waiting on the services' answers
  const quarter = recentQuarters(new Date())[1] ?? "";
  await signInAs(page, "Sign in as Hana HR");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Duties" }).click();
  await expect(page.getByRole("heading", { name: "Duties", level: 1 })).toBeVisible();
  const profile = page.getByTestId("profile-sales-assistant");
  await expect(profile.getByRole("row", { name: /^Order processing/ })).toContainText("Orders are entered in the CRM");
  await expect(profile.getByRole("row", { name: /^Reporting/ })).toContainText("spreadsheets");
  const form = page.getByRole("form", { name: "Add a duty to Sales assistant" });
  // Nothing filled in: the service refuses the duty and the form says so.
  await form.getByRole("button", { name: "Save as the next version" }).click();
  await expect(form.getByRole("alert")).toBeVisible();
  await form.getByLabel("Key").fill("product_knowledge");
  await form.getByLabel("Name").fill("Product knowledge");
  await form.getByLabel("Expectations, one per line").fill("Answers customers' product questions without asking a rep");
  await form.getByLabel("Skills, separated by commas").fill("product catalogue, demos");
  await form.getByRole("button", { name: "Save as the next version" }).click();
  await expect(page.getByRole("heading", { name: "Sales assistant (version 2, role: assistant)" })).toBeVisible();
  await expect(profile.getByRole("row", { name: /^Product knowledge/ })).toContainText("product catalogue, demos");
  await expectAccessible(page, "role profiles for hr");
  await illustrate(page, "duties-profiles");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Duties" }).click();
  await page.getByLabel("Report", { exact: true }).selectOption({ label: "Ann Assistant" });
  const scoring = page.getByRole("form", { name: "Score the duties of a quarter" });
  await scoring.getByLabel("Quarter").selectOption(quarter);
  const scores: [string, string][] = [
    ["Order processing", "4 — above expectations"],
    ["Customer communication", "5 — well above expectations"],
    ["Sales support", "3 — meets expectations"],
    ["Reporting", "4 — above expectations"],
  ];
  for (const [duty, score] of scores) await scoring.getByLabel(duty, { exact: true }).selectOption({ label: score });
  // One duty left unscored: the service names it.
  await scoring.getByRole("button", { name: "Save scores" }).click();
  await expect(scoring.getByRole("alert")).toContainText("missing product_knowledge");
  await scoring.getByLabel("Product knowledge", { exact: true }).selectOption({ label: "3 — meets expectations" });
  await scoring.getByLabel("Comment").fill("Customers praise her follow-up.");
  await scoring.getByRole("button", { name: "Save scores" }).click();
  await expect(scoring.getByRole("status")).toHaveText(`Saved ${quarter}: average 3.80.`);
  const table = page.getByTestId("duty-trend");
  await expect(table.getByRole("row", { name: /^Customer communication/ })).toContainText("5");
  await expect(table.getByRole("row", { name: /^Average/ })).toContainText("3.80");
  await expect(page.getByTestId("duty-chart")).toHaveAttribute("aria-label", new RegExp(`${quarter} average 3.80`));
  await expectAccessible(page, "scoring duties");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Ann Assistant"); // Ann reads the console in Chinese
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "岗位职责" }).click();
  await expect(page.getByRole("heading", { name: "岗位职责", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "你各季度的职责表现" })).toBeVisible();
  const mine = page.getByTestId("duty-trend");
  await expect(mine.getByRole("columnheader", { name: quarter })).toBeVisible();
  await expect(mine.getByRole("row", { name: /^平均/ })).toContainText("3.80");
  await expect(page.getByTestId("duty-chart")).toHaveAttribute("aria-label", new RegExp(`${quarter} 平均 3.80`));
  await expect(page.getByRole("form")).toHaveCount(0);
  await expectAccessible(page, "my duty trend in Chinese");

  await page.getByLabel("语言").selectOption("en");
  await expect(page.getByRole("heading", { name: "Your duties across quarters" })).toBeVisible();
  await expect(mine.getByRole("row", { name: /^Product knowledge/ })).toContainText("3");
  await expect(mine.getByRole("row", { name: /^Customer communication/ })).toContainText("5");
  await expectAccessible(page, "my duty trend");
  await illustrate(page, "duties-trend");
  await page.getByLabel("Language").selectOption("zh-CN");
});
