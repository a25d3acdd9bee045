import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// Runs after journey.spec.ts (files run in name order): the goals set here would change what that suite counts.
// The harness left Mia a draft Bob set himself ("Demos this week") and Ann's adjustment of her calls to 6.

/** A date `days` from today, as a date field takes it. */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test("a manager sets a goal with the SMART check letter by letter, activates a draft and decides adjustments", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Set a goal" }).click();
  await expect(page.getByRole("heading", { name: "Set a goal" })).toBeVisible();
  const smart = page.getByTestId("smart-check");
  await expect(smart.getByTestId("smart-summary")).toContainText("Choose an assistant");

  // Submitted half-filled: the goals API's reasons land on the fields.
  await page.getByLabel("Assistant", { exact: true }).selectOption({ label: "Cid Assistant" });
  await page.getByLabel("Title").fill("Orders this month");
  await page.getByRole("button", { name: "Set the goal" }).click();
  await expect(page.getByLabel("Target")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("alert").first()).toContainText("Please correct the fields marked below.");
  await expect(page.getByLabel("Target")).toHaveAccessibleDescription(/valid decimal/);
  // Refused in Chinese, the goals API's reason reads in Chinese on the same field.
  await page.getByLabel("Language").selectOption("zh-CN");
  await page.getByRole("button", { name: "设定目标" }).click();
  await expect(page.getByLabel("目标值")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("目标值")).toHaveAccessibleDescription("请填写数字。");
  await expect(page.getByRole("alert").first()).toContainText("请更正下方标出的字段。");
  await expectAccessible(page, "a refused goal form in Chinese");
  await page.getByLabel("语言").selectOption("en");

  // Filled in with a period already over: the time-bound letter fails, with the service's reason.
  await page.getByLabel("Activities that count").fill("order_processed");
  await page.getByLabel("Target").fill("12");
  await page.getByLabel("Unit").fill("orders");
  await page.getByLabel("Start").fill(dayFromToday(-10));
  await page.getByLabel("End (inclusive)").fill(dayFromToday(-2));
  await expect(smart.getByTestId("smart-time_bound")).toHaveAttribute("data-state", "failed");
  await expect(smart.getByTestId("smart-time_bound")).toContainText("Time-bound: fails — the period has already ended");
  await expect(smart.getByTestId("smart-specific")).toHaveAttribute("data-state", "passed");
  await expect(smart.getByTestId("smart-specific")).toContainText("counts order_processed for a known owner");
  await expect(smart.getByTestId("smart-measurable")).toContainText("12 orders, count");
  await expect(smart.getByTestId("smart-achievable")).toHaveAttribute("data-state", "warning");
  await expect(smart.getByTestId("smart-summary")).toContainText("not SMART yet");

  // The period moves to now: the letter turns as it is typed, and the goal can be set.
  await page.getByLabel("Start").fill(dayFromToday(0));
  await page.getByLabel("End (inclusive)").fill(dayFromToday(20));
  await expect(smart.getByTestId("smart-time_bound")).toHaveAttribute("data-state", "passed");
  await expect(smart.getByTestId("smart-summary")).toContainText("The goal is SMART");
  await expectAccessible(page, "set a goal");
  await illustrate(page, "set-goal");
  await page.getByRole("button", { name: "Set the goal" }).click();
  await expect(page.getByRole("status")).toContainText("Goal set: Orders this month for Cid Assistant.");
  await expect(page.getByLabel("Title")).toHaveValue("");

  // Team goals: Bob's draft is activated, Ann's adjustment refused.
  await page.getByRole("link", { name: "See the team's goals" }).click();
  await expect(page.getByRole("heading", { name: "Team north: goals to decide" })).toBeVisible();
  const draft = page.getByTestId("drafts").getByRole("listitem", { name: "Bob Assistant: Demos this week" });
  await expect(draft).toContainText("4 demos");
  const asked = page.getByTestId("adjustments").getByRole("listitem", { name: "Ann Assistant: Calls this week" });
  await expect(asked).toContainText("asks for a target of 6 instead of 10 calls (Two sick days)");
  await expectAccessible(page, "team goals");
  await illustrate(page, "team-goals");

  await draft.getByRole("button", { name: "Activate" }).click();
  await expect(page.getByRole("region", { name: "Drafts waiting for activation" }).getByRole("status")).toContainText("Activated: Demos this week for Bob Assistant.");
  await expect(page.getByTestId("drafts").getByRole("listitem")).toHaveCount(0);
  await expect(page.getByText("No drafts are waiting.")).toBeVisible();
  await asked.getByRole("button", { name: "Refuse" }).click();
  const decisions = page.getByRole("region", { name: "Adjustments waiting for your decision" });
  await expect(decisions.getByRole("status")).toContainText("Refused: Calls this week for Ann Assistant keeps its target of 10.");
  await expect(asked).toHaveCount(0);

  // The activated draft is on the dashboard now, with Bob's calls.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team dashboard" }).click();
  await expect(page.getByTestId("team-table").getByRole("row", { name: /Bob Assistant.*Demos this week.*0 of 4 demos/ })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  // Cid asks to lower the new goal; Mia approves it, in Chinese.
  await signInAs(page, "Sign in as Cid Assistant");
  const orders = page.getByRole("article", { name: "Orders this month" });
  await orders.getByRole("button", { name: "Ask for an adjustment" }).click();
  await orders.getByLabel("New target").fill("10");
  await orders.getByLabel("Reason").fill("Two weeks of holiday");
  await orders.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(orders.getByRole("status")).toContainText("waiting for approval");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByLabel("Language").selectOption("zh-CN");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "团队目标" }).click();
  await expect(page.getByRole("heading", { name: "团队 north：待决定的目标" })).toBeVisible();
  const lower = page.getByTestId("adjustments").getByRole("listitem", { name: "Cid Assistant: Orders this month" });
  await expect(lower).toContainText("申请将目标从 12 orders 调整为 10（Two weeks of holiday）");
  await expectAccessible(page, "team goals in Chinese");
  await lower.getByRole("button", { name: "批准" }).click();
  await expect(page.getByRole("region", { name: "等待您决定的调整" }).getByRole("status")).toContainText("已批准：Cid Assistant 的 Orders this month 目标现为 10。");
  await page.getByLabel("语言").selectOption("en");
});
