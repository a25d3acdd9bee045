import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, illustrate, recordActivities, signInAs } from "./support";

// Quotes and orders no other journey sends, on days of October and November 2026: what the pages must show is
// exactly this. Mia leads north (Ann in Shanghai, Bob in Berlin, Cid); Dan is in team south; Ann reads Chinese.
const SENT = [
  { assistantId: "ann", kind: "quote_sent", count: 2, occurredAt: "2026-10-14T10:00:00Z" },
  { assistantId: "ann", kind: "quote_sent", count: 3, quantity: 2, occurredAt: "2026-11-10T10:00:00Z" },
  { assistantId: "bob", kind: "quote_sent", count: 1, occurredAt: "2026-11-12T10:00:00Z" },
  { assistantId: "bob", kind: "order_processed", count: 2, occurredAt: "2026-11-20T10:00:00Z" },
  { assistantId: "dan", kind: "quote_sent", count: 5, occurredAt: "2026-11-12T10:00:00Z" },
];

/** Only the kinds this journey sent, month by month over October and November 2026. */
interface Labels {
  calls: string;
  deals: string;
  per: string;
  from: string;
  to: string;
  month: string;
}
const ENGLISH: Labels = { calls: "Calls", deals: "Deals closed", per: "Per", from: "From", to: "To", month: "Month" };
const CHINESE: Labels = { calls: "电话", deals: "已成交", per: "统计周期", from: "开始日期", to: "结束日期", month: "月份" };

async function showOctoberAndNovember(page: Page, texts: Labels): Promise<void> {
  await page.getByRole("checkbox", { name: texts.calls }).uncheck();
  await page.getByRole("checkbox", { name: texts.deals }).uncheck();
  await page.getByLabel(texts.per, { exact: true }).selectOption("month");
  await page.getByLabel(texts.from, { exact: true }).fill("2026-10-01");
  await page.getByLabel(texts.to, { exact: true }).fill("2026-11-30");
  await page.getByLabel(texts.month, { exact: true }).fill("2026-11");
}

test("a manager reads her team's trends and downloads its report, an assistant reads her own in Chinese", async ({
  page,
}) => {
  for (const activity of SENT) await recordActivities(page, activity);

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Trends" }).click();
  await expect(page).toHaveURL(/\/trends\/team\/north$/);
  await expect(page.getByRole("heading", { name: "Trends of team north" })).toBeVisible();
  await showOctoberAndNovember(page, ENGLISH);

  const series = page.getByTestId("trend-table");
  await expect(series.getByRole("columnheader")).toHaveText(["Month", "Quotes sent", "Orders processed"]);
  // Ann's 2 and 3, Bob's 1; Dan's 5 are south's.
  await expect(series.getByRole("row", { name: /^Oct 2026/ }).getByRole("cell")).toHaveText(["2", "0"]);
  await expect(series.getByRole("row", { name: /^Nov 2026/ }).getByRole("cell")).toHaveText(["4", "2"]);
  await expect(page.getByTestId("trend-chart")).toHaveAttribute("aria-label", /Quotes sent: 6, Orders processed: 2/);
  const change = page.getByTestId("change-table");
  await expect(change.getByRole("row", { name: /^Quotes sent/ }).getByRole("cell")).toHaveText(["4", "2", "+2", "100%"]);
  await expect(change.getByRole("row", { name: /^Orders processed/ }).getByRole("cell")).toHaveText([
    "2",
    "0",
    "+2",
    "from none",
  ]);
  await expectAccessible(page, "team trends");

  // The report, fetched with the session's token: November against October, per assistant and kind.
  await page.getByLabel("Period", { exact: true }).fill("2026-11");
  const csv = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download 2026-11 as CSV" }).click();
  const saved = await csv;
  expect(saved.suggestedFilename()).toBe("pacer-north-2026-11.csv");
  const [header = "", ...lines] = (await readFile(await saved.path(), "utf8")).trim().split(/\r?\n/);
  const columns = header.split(",");
  const rows = lines.map(
    (line): Record<string, string> => Object.fromEntries(line.split(",").map((value, i) => [columns[i] ?? "", value])),
  );
  const row = (scope: string, who: string, kind: string) =>
    rows.find((r) => r.scope === scope && r.assistant_id === who && r.kind === kind);
  expect(row("assistant", "ann", "quote_sent")).toMatchObject({
    assistant: "Ann Assistant",
    count: "3",
    quantity: "6",
    previous_count: "2",
    count_change: "1",
  });
  expect(row("assistant", "bob", "order_processed")).toMatchObject({ count: "2", previous_count: "0", count_change_ratio: "" });
  expect(row("assistant", "cid", "quote_sent")).toMatchObject({ count: "0", previous_count: "0" });
  expect(row("team", "", "quote_sent")).toMatchObject({ assistant: "north", count: "4", previous_count: "2" });
  expect(rows.some((r) => r.assistant_id === "dan")).toBe(false);
  const xlsx = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download 2026-11 as XLSX" }).click();
  const workbook = await xlsx;
  expect(workbook.suggestedFilename()).toBe("pacer-north-2026-11.xlsx");
  expect((await readFile(await workbook.path())).subarray(0, 2).toString()).toBe("PK"); // an Office Open XML zip
  await illustrate(page, "trends-team");

  // A period that is neither a month nor a quarter cannot be asked for.
  await page.getByLabel("Period", { exact: true }).fill("2026-13");
  await expect(page.getByRole("button", { name: "Download 2026-13 as CSV" })).toBeDisabled();

  // From the team to one of its assistants.
  await page.getByRole("link", { name: "Trends of Bob Assistant" }).click();
  await expect(page.getByRole("heading", { name: "Trends of Bob Assistant" })).toBeVisible();
  await showOctoberAndNovember(page, ENGLISH);
  await expect(page.getByTestId("trend-table").getByRole("row", { name: /^Nov 2026/ }).getByRole("cell")).toHaveText([
    "1",
    "2",
  ]);
  await expect(page.getByRole("heading", { name: "Reports" })).toHaveCount(0);

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "Bob Assistant 的趋势" })).toBeVisible();
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  // Ann, in Chinese: her own trends only.
  await signInAs(page, "Sign in as Ann Assistant");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "趋势" }).click();
  await expect(page).toHaveURL(/\/trends\/assistant\/ann$/);
  await expect(page.getByRole("heading", { name: "Ann Assistant 的趋势" })).toBeVisible();
  await showOctoberAndNovember(page, CHINESE);
  const mine = page.getByTestId("trend-table");
  await expect(mine.getByRole("row", { name: /^2026年10月/ }).getByRole("cell")).toHaveText(["2", "0"]);
  await expect(mine.getByRole("row", { name: /^2026年11月/ }).getByRole("cell")).toHaveText(["3", "0"]);
  await expect(page.getByTestId("change-table").getByRole("row", { name: /^已发报价/ }).getByRole("cell")).toHaveText([
    "3",
    "2",
    "+1",
    "50%",
  ]);
  await expect(page.getByRole("heading", { name: "报表" })).toHaveCount(0);
  await expectAccessible(page, "an assistant's own trends in Chinese");
  await illustrate(page, "trends-assistant-zh-CN");

  // Someone else's trends are refused, with the reason.
  await page.goto("/trends/assistant/bob");
  await expect(page.getByRole("alert").first()).toContainText("销售助理");
});
