import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, recordCalls, signInAs } from "./support";

// The harness set each north assistant a goal of 10 calls with four fifths of its period gone: Bob has made 9,
// Ann none, so Ann's goal has been warned at risk. Mia manages them; Ann reads the console in Chinese.

test("a manager sees her team, an assistant watches her goal move as sales arrive, in English and Chinese", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in as Ann Assistant" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  await illustrate(page, "sign-in");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "登录" })).toBeVisible();
  await expect(page.getByRole("button", { name: "以Mia Manager的身份登录" })).toBeVisible();
  await expectAccessible(page, "sign-in in Chinese");
  await page.getByLabel("语言").selectOption("en");

  // The manager: the team dashboard, with who is at risk and why.
  await page.getByRole("button", { name: "Sign in as Mia Manager" }).click();
  await expect(page).toHaveURL(/\/team\/north$/);
  await expect(page.getByRole("heading", { name: "Team north" })).toBeVisible();
  const table = page.getByTestId("team-table");
  await expect(table.getByRole("row", { name: /Ann Assistant.*Calls this week.*0 of 10 calls.*0%.*At risk/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Bob Assistant.*9 of 10 calls.*90%/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Cid Assistant.*No open goals/ })).toBeVisible();
  const atRisk = page.getByTestId("at-risk-list");
  await expect(atRisk).toContainText("Ann Assistant");
  await expect(atRisk).toContainText("warned below 80%");
  await expect(atRisk).not.toContainText("Bob Assistant");
  await expect(page.getByTestId("attainment-chart")).toHaveAttribute("aria-label", /0–25%: 1.*75–100%: 1/);
  await expectAccessible(page, "team dashboard");
  await illustrate(page, "team-dashboard");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "团队 north" })).toBeVisible();
  await expect(page.getByTestId("at-risk-list")).toContainText("低于预警线 80%");
  await expectAccessible(page, "team dashboard in Chinese");
  await page.getByRole("button", { name: "退出登录" }).click();

  // The assistant: her roster locale is zh-CN, so the console speaks Chinese to her.
  await signInAs(page, "Sign in as Ann Assistant");
  await expect(page).toHaveURL(/\/my-week$/);
  await expect(page.getByRole("heading", { name: "我的一周" })).toBeVisible();
  const goal = page.getByRole("article", { name: "Calls this week" });
  await expect(goal.getByText("有风险", { exact: true })).toBeVisible();
  await expect(goal.getByTestId("at-risk-reason")).toContainText("低于预警线 80%");
  await expect(goal.getByTestId("goal-progress")).toContainText("0 / 10 calls");
  await expect(goal.getByTestId("progress-chart").locator("svg")).toBeVisible();
  await expectAccessible(page, "my week in Chinese");
  await illustrate(page, "my-week-zh-CN");

  // Sales arrive on sales.activity: the page follows by itself.
  await recordCalls(page, "ann", 9);
  await expect(goal.getByTestId("goal-progress")).toContainText("9 / 10 calls");
  await expect(goal.getByText("进展正常", { exact: true })).toBeVisible();
  await expect(goal.getByTestId("at-risk-reason")).toHaveCount(0);

  await page.getByLabel("语言").selectOption("en");
  await expect(page.getByRole("heading", { name: "My week" })).toBeVisible();
  await expect(goal.getByText("On track", { exact: true })).toBeVisible();
  await expectAccessible(page, "my week");
  await illustrate(page, "my-week");
});

test("a form shows the service's reasons on its fields and keeps what was typed across an ended session", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Bob Assistant");
  const goal = page.getByRole("article", { name: "Calls this week" });
  await expect(goal.getByTestId("goal-progress")).toContainText("9 of 10 calls");

  // Keyboard only: open the form, type, submit. A one-letter reason is refused by the goals API (422).
  await goal.getByRole("button", { name: "Ask for an adjustment" }).focus();
  await page.keyboard.press("Enter");
  await expect(goal.getByLabel("New target")).toBeFocused();
  await page.keyboard.type("8");
  await page.keyboard.press("Tab");
  await page.keyboard.type("x");
  await page.keyboard.press("Tab");
  await expect(goal.getByRole("button", { name: "Ask", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  const reason = goal.getByLabel("Reason");
  await expect(reason).toHaveAttribute("aria-invalid", "true");
  await expect(reason).toHaveAccessibleDescription(/at least 3 characters/);
  await expect(goal.getByRole("alert").first()).toContainText("Please correct the fields marked below.");
  await expectAccessible(page, "a form with the service's reasons");

  // The session ends (a token the services no longer accept): sign in again, back to the form as it was typed.
  await page.evaluate(() => {
    const session = JSON.parse(sessionStorage.getItem("pacer.session") ?? "{}") as { token: string };
    session.token = `${session.token.slice(0, -4)}AAAA`;
    sessionStorage.setItem("pacer.session", JSON.stringify(session));
  });
  await page.goto("/my-week");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("status")).toContainText("Your session has ended");
  await page.getByRole("button", { name: "Sign in as Bob Assistant" }).click();
  await expect(page).toHaveURL(/\/my-week$/);
  await expect(goal.getByLabel("New target")).toHaveValue("8");
  await expect(goal.getByLabel("Reason")).toHaveValue("x");

  await goal.getByLabel("Reason").fill("Two days at the trade fair");
  await goal.getByRole("button", { name: "Ask", exact: true }).click();
  await expect(goal.getByRole("status")).toContainText("Adjustment asked: target 8 (Two days at the trade fair), waiting for approval.");
  await illustrate(page, "adjustment-asked");
});

test("a 403 says what the role may not do", async ({ page }) => {
  await signInAs(page, "Sign in as Cid Assistant");
  await expect(page.getByRole("heading", { name: "My week" })).toBeVisible();
  await expect(page.getByText("You have no open goals.")).toBeVisible();

  await page.goto("/team/north");
  const refusal = page.getByRole("alert");
  await expect(refusal).toContainText("As assistant, you may not see this.");
  await expect(refusal).toContainText("the dashboard is for the team's lead, the managers of its members, hr and admins");
  await expectAccessible(page, "a refusal");
});
