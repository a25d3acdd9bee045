import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** No serious or critical accessibility violation on the page as it is now. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `accessibility of ${where}`).toEqual([]);
}

/** A picture for the README, when the run was asked for them (PACER_CONSOLE_SCREENSHOTS=1). */
export async function illustrate(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS_DIR;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

export async function signInAs(page: Page, name: string | RegExp): Promise<void> {
  await page.goto("/sign-in");
  await page.getByRole("button", { name }).click();
  // Signed in once the shell shows whom: the sign-in page has a language switcher of its own, and a language
  // chosen there before the shell came would be undone by the person's own.
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

/** Sales activities published to `sales.activity`, as a CRM would, by the test harness around this run. */
export async function recordCalls(page: Page, assistantId: string, count: number): Promise<void> {
  const response = await page.request.post("/__test__/sales", { data: { assistant_id: assistantId, count } });
  expect(response.ok()).toBe(true);
}

/** `count` activities of a kind, each of `quantity`, that happened at `occurredAt` (ISO), published as a CRM would. */
export async function recordActivities(
  page: Page,
  activity: { assistantId: string; kind: string; count: number; quantity?: number; occurredAt: string },
): Promise<void> {
  const data = {
    assistant_id: activity.assistantId,
    kind: activity.kind,
    count: activity.count,
    quantity: activity.quantity ?? 1,
    occurred_at: activity.occurredAt,
  };
  const response = await page.request.post("/__test__/sales", { data });
  expect(response.ok()).toBe(true);
}

/** The feedback service's next daily release of anonymous results, brought forward by the test harness. */
export async function releaseAnonymousFeedback(page: Page): Promise<void> {
  const response = await page.request.post("/__test__/anonymous-release");
  expect(response.ok()).toBe(true);
}
