import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, illustrate, recordActivities, signInAs } from "./support";

// September 2026 and August 2025 are no other journey's: what the analyses show is exactly this. Ann is in Shanghai
// (UTC+8), Bob in Berlin (UTC+2 in September); working hours are 09:00-18:00, Monday to Friday, in their own zones.
const SENT = [
  { assistantId: "ann", kind: "call", count: 3, occurredAt: "2026-09-08T02:00:00Z" }, // Tue 10:00 in Shanghai
  { assistantId: "ann", kind: "quote_sent", count: 1, occurredAt: "2026-09-08T11:00:00Z" }, // Tue 19:00: after hours
  { assistantId: "ann", kind: "call", count: 1, occurredAt: "2026-09-12T03:00:00Z" }, // Saturday: a day off
  { assistantId: "bob", kind: "order_processed", count: 3, occurredAt: "2026-09-09T07:30:00Z" }, // Wed 09:30
  { assistantId: "ann", kind: "call", count: 1, occurredAt: "2025-08-05T03:00:00Z" }, // the same quarter a year before
];
const DAY = 86_400_000;

async function showSeptember(page: Page, from: string, to: string): Promise<void> {
  await page.getByLabel(from, { exact: true }).fill("2026-09-07");
  await page.getByLabel(to, { exact: true }).fill("2026-09-20");
}

test("a manager reads her team's funnel, outcomes, movers, warnings and quarter; workload stays with the person and her manager", async ({
  page,
}) => {
  for (const activity of SENT) await recordActivities(page, activity);
  // Cid closed sixteen deals three weeks ago and none since: his last seven days fell below half his usual week.
  await recordActivities(page, {
    assistantId: "cid",
    kind: "deal_closed",
    count: 16,
    occurredAt: new Date(Date.now() - 20 * DAY).toISOString(),
  });

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Trends" }).click();
  await expect(page.getByRole("heading", { name: "Trends of team north" })).toBeVisible();

  // The early warning, with the usual week it fell from.
  const warnings = page.getByTestId("warnings-table");
  // Raised by the service's daily check once the deals arrived: allowed longer than a page's answer.
  await expect(warnings.getByRole("row", { name: /^Cid Assistant/ }).getByRole("cell")).toHaveText(
    ["Deals closed", /\d/, "0", "4"],
    { timeout: 120_000 },
  );

  await showSeptember(page, "From", "To");
  const funnel = page.getByTestId("funnel-table");
  await expect(funnel.getByRole("row", { name: /^Calls/ }).getByRole("cell")).toHaveText(["4", "—", "100%"]);
  await expect(funnel.getByRole("row", { name: /^Quotes sent/ }).getByRole("cell")).toHaveText(["1", "25%", "25%"]);
  await expect(funnel.getByRole("row", { name: /^Orders processed/ }).getByRole("cell")).toHaveText([
    "3",
    "300%",
    "75%",
  ]);
  await expect(funnel.getByRole("row", { name: /^Deals closed/ }).getByRole("cell")).toHaveText(["0", "0%", "0%"]);
  await expect(page.getByTestId("funnel-chart")).toHaveAttribute("aria-label", /Calls: 4, Quotes sent: 1/);

  await page.getByLabel("Quarter", { exact: true }).fill("2026-Q3");
  const quarter = page.getByTestId("quarter-table");
  await expect(quarter.getByRole("columnheader")).toHaveText([
    "Kind",
    "2026-Q3",
    "2025-Q3 (a year earlier)",
    "Change",
    "Change %",
  ]);
  await expect(quarter.getByRole("row", { name: /^Calls/ }).getByRole("cell")).toHaveText(["4", "1", "+3", "300%"]);
  await expect(quarter.getByRole("row", { name: /^Orders processed/ }).getByRole("cell")).toHaveText([
    "3",
    "0",
    "+3",
    "from none",
  ]);

  await page.getByLabel("Month", { exact: true }).fill("2026-09");
  const movers = page.getByTestId("movers-table");
  await expect(movers.getByRole("row")).toHaveCount(2); // the header, then Ann alone: nobody else's calls moved
  await expect(movers.getByRole("row", { name: /^Ann Assistant/ }).getByRole("cell")).toHaveText([
    "rose",
    "0",
    "4",
    "+4",
  ]);

  await expect(page.getByRole("heading", { name: "Goal outcomes" })).toBeVisible();
  await expect(page.getByTestId("outcomes")).toBeVisible();
  // A team's page ranks nobody's workload.
  await expect(page.getByRole("heading", { name: "Workload" })).toHaveCount(0);
  await expectAccessible(page, "team trends with funnel, outcomes, movers and warnings");
  await illustrate(page, "trends-team-insights");

  // Her report Ann's workload: the week of 7 September against the team's median (Ann 5, Bob 3, Cid 0).
  await page.getByRole("link", { name: "Trends of Ann Assistant" }).click();
  await expect(page.getByRole("heading", { name: "Trends of Ann Assistant" })).toBeVisible();
  await showSeptember(page, "From", "To");
  const load = page.getByTestId("workload-table");
  await expect(load.getByRole("row", { name: /^Sep 7, 2026/ }).getByRole("cell")).toHaveText([
    "5",
    "2",
    "1",
    "3",
    "167%",
  ]);
  await expect(load.getByRole("row", { name: /^Sep 14, 2026/ }).getByRole("cell")).toHaveText(["0", "0", "0", "0", "—"]);
  await expect(page.getByRole("heading", { name: "Top movers" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Early warnings" })).toHaveCount(0);
  // Her own goal outcomes: none of her goals ended in those two weeks of September.
  await expect(page.getByRole("heading", { name: "Goal outcomes" })).toBeVisible();
  await expect(page.getByTestId("outcomes").getByRole("definition").first()).toHaveText("0");
  await page.getByRole("button", { name: "Sign out" }).click();

  // Ann reads her own workload in Chinese; Bob, her team mate, is refused it.
  await signInAs(page, "Sign in as Ann Assistant");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "趋势" }).click();
  await expect(page.getByRole("heading", { name: "Ann Assistant 的趋势" })).toBeVisible();
  await showSeptember(page, "开始日期", "结束日期");
  await expect(page.getByRole("heading", { name: "工作负荷" })).toBeVisible();
  await expect(page.getByTestId("workload-table").getByRole("row").nth(1).getByRole("cell")).toHaveText([
    "5",
    "2",
    "1",
    "3",
    "167%",
  ]);
  await page.getByLabel("季度", { exact: true }).fill("2026-Q3");
  await expect(page.getByTestId("quarter-table").getByRole("row", { name: /^电话/ }).getByRole("cell")).toHaveText([
    "4",
    "1",
    "+3",
    "300%",
  ]);
  await expect(page.getByRole("heading", { name: "变化最大的成员" })).toHaveCount(0);
  await expectAccessible(page, "an assistant's own workload in Chinese");
  await illustrate(page, "trends-workload-zh-CN");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Bob Assistant");
  await page.goto("/trends/assistant/ann");
  await expect(page.getByRole("alert").first()).toBeVisible();
  await expect(page.getByTestId("workload-table")).toHaveCount(0);
});
