import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness closed a short period of the south team's bonus plan in which Dan reached his goal (1,000 EUR at full
// attainment), and Max approved Dan's statement: it waits for hr's second approval.

/** A datetime-local value (UTC wall time, with or without seconds) as milliseconds, and back. */
const millis = (value: string) => Date.parse(`${value}Z`);
const wallTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);

test("hr simulates a plan's next version against the one in force before adopting it, and approves a statement second", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Hana HR");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Bonus plans", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Bonus plans", exact: true })).toBeVisible();
  const south = page.getByTestId("plans").getByRole("row").filter({ hasText: "South sprint bonus" });
  await south.getByRole("button", { name: "Versions of South sprint bonus" }).click();
  const versions = page.getByTestId("plan-versions");
  await expect(versions.getByRole("row")).toHaveCount(2); // the header and version 1
  await expect(versions).toContainText("by Hana HR");

  await south.getByRole("button", { name: "Write the next version of South sprint bonus" }).click();
  const form = page.getByRole("form", { name: "Next version of South sprint bonus" });
  const from = await form.getByLabel("In force from", { exact: true }).inputValue();
  const until = await form.getByLabel("In force until", { exact: true }).inputValue();
  await expect(form.getByLabel("Base amount", { exact: true })).toHaveValue("1000");

  // What the service refuses is said on the field it names.
  const currency = form.getByLabel("Currency", { exact: true });
  await currency.fill("EURO");
  await form.getByRole("button", { name: "Simulate", exact: true }).click();
  await expect(currency).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#plan-currency-error")).not.toBeEmpty();
  await currency.fill("EUR");
  await expect(currency).not.toHaveAttribute("aria-invalid");

  // A percentage of each person's salary figure instead: Dan's, picked by name, is what his line is simulated on,
  // on version 1's period, where he reached his goal.
  const simulate = form.getByRole("button", { name: "Simulate", exact: true });
  const simulation = page.getByTestId("simulation");
  const dan = simulation.getByRole("row", { name: /Dan Assistant/ });
  await form.getByLabel("Simulate the period holding", { exact: true }).fill(wallTime(millis(from)));
  await form.getByLabel("Base kind", { exact: true }).selectOption("salary_percent");
  await form.getByLabel("Percent of salary", { exact: true }).fill("10");
  const salaries = form.getByRole("group", { name: "Salary figures" });
  await salaries.getByRole("button", { name: "Add a person's salary" }).click();
  await salaries.getByLabel("Salary 1: person").selectOption({ label: "Dan Assistant (south)" });
  const salary = salaries.getByLabel("Salary 1: amount");
  await salary.fill("-20000");
  await simulate.click();
  await expect(salary).toHaveAttribute("aria-invalid", "true");
  await expect(salaries.locator("#plan-salary-0-error")).toContainText("greater than or equal to 0");
  await salary.fill("20000");
  await simulate.click();
  await expect(dan).toContainText("€2,000.00");
  await salary.fill("30000");
  await simulate.click();
  await expect(dan).toContainText("€3,000.00");
  await expectAccessible(page, "a plan's salary figures with their simulation");
  await form.getByLabel("Base kind", { exact: true }).selectOption("fixed");

  // Version 2 pays half as much again, for one period starting where version 1 ends; simulated on version 1's period.
  await form.getByLabel("Base amount", { exact: true }).fill("1500");
  await form.getByLabel("In force from", { exact: true }).fill(wallTime(millis(until)));
  await form.getByLabel("In force until", { exact: true }).fill(wallTime(2 * millis(until) - millis(from)));
  await form.getByLabel("Simulate the period holding", { exact: true }).fill(wallTime(millis(from)));
  await expect(form.getByRole("button", { name: "Adopt this version" })).toBeDisabled();
  await simulate.focus();
  await page.keyboard.press("Enter"); // the form works from the keyboard
  await expect(simulation.getByTestId("simulation-total")).toHaveText(
    "Total €1,500.00; In force (version 1): €1,000.00",
  );
  await expect(dan).toContainText("€1,500.00");
  await expect(dan).toContainText("€1,000.00");
  await expect(page.getByTestId("simulation-chart").locator("svg")).toBeVisible();
  await expect(page.getByTestId("simulation-chart")).toHaveAttribute("aria-label", /€1,500\.00/);
  await expectAccessible(page, "a bonus plan's next version with its simulation");
  await illustrate(page, "bonus-plan-simulation");

  await form.getByRole("button", { name: "Adopt this version" }).click();
  await expect(page.getByRole("status")).toHaveText("South sprint bonus: version 2 adopted.");
  await expect(versions.getByRole("row")).toHaveCount(3);
  await expect(south.getByRole("cell").first()).toHaveText("2");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "奖金方案", exact: true })).toBeVisible();
  await expect(page.getByRole("form", { name: "新方案" })).toBeVisible();
  await expectAccessible(page, "bonus plans in Chinese");
  await page.getByLabel("语言").selectOption("en");

  // The statement Max approved waits for hr, each line with its formula.
  await nav.getByRole("link", { name: "Bonus", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Bonus statements: hr's approval" })).toBeVisible();
  const dans = page.getByTestId("statement").filter({ hasText: "Dan Assistant" });
  await expect(dans).toHaveCount(1);
  await expect(dans).toContainText("Approved by the manager, waiting for hr");
  await expect(dans).toContainText("Approved by Max Manager (manager)");
  await expect(dans.getByRole("row", { name: /attainment/i }).first()).toBeVisible();
  await expect(dans.locator("code").first()).not.toBeEmpty();
  await expect(dans.getByTestId("statement-total")).toHaveText("€1,000.00");
  await expectAccessible(page, "statements waiting for hr");
  // Version 2's own period has ended too, so Dan also has its statement among every statement: this one, by its id.
  const approved = page.locator(`article[aria-labelledby="${String(await dans.getAttribute("aria-labelledby"))}"]`);
  await dans.getByRole("button", { name: "Approve as hr" }).click();
  await expect(page.getByRole("status")).toHaveText("Dan Assistant's statement is approved and frozen.");
  await expect(dans).toHaveCount(0);
  await page.getByLabel("Show", { exact: true }).selectOption("all");
  await expect(approved).toContainText("Approved by Hana HR (hr)");
  await expect(approved.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();

  // Max may not read the roster, yet sees who in hr approved his report's statement by name, as the incentives
  // service answers it from its own roster.
  await signInAs(page, "Sign in as Max Manager");
  await nav.getByRole("link", { name: "Bonus", exact: true }).click();
  await expect(page.getByRole("heading", { name: "The team's bonus statements" })).toBeVisible();
  await expect(approved.getByTestId("statement-approvals")).toContainText("Approved by Hana HR (hr)");
  await expect(approved.getByTestId("statement-approvals")).not.toContainText("hana");

  // A manager approves first, but writes no plan: the editor says so instead of showing a form the service refuses.
  await expect(nav.getByRole("link", { name: "Bonus plans" })).toHaveCount(0);
  await page.goto("/bonus-plans");
  await expect(page.getByRole("alert")).toHaveText("As manager, you may not see this.");
  await expect(page.getByRole("form")).toHaveCount(0);
  await expectAccessible(page, "the plan editor refused to a manager");
});
