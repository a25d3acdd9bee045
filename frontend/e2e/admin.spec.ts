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
  // The filter lives in the address, so the box shows its new state once the navigation has committed: click and
  // wait for it, rather than check() which looks the moment the click is done.
  const failedOnly = page.getByLabel("Failed ones only");
  await failedOnly.click();
  await expect(failedOnly).toBeChecked();

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

  // A second tab of Ada's on the same failed notification, whose list is not refreshed after (its refreshes are
  // held back here, as a tab left in the background would show it): its retry comes after the first.
  const stale = await page.context().newPage();
  await signInAs(stale, "Sign in as Ada Admin");
  await stale.goto("/deliveries?person=dan&failed=1");
  const staleRetry = stale.getByTestId("deliveries").getByRole("button", { name: /^Retry: Feedback for you by Email/ });
  await expect(staleRetry).toBeVisible();
  await stale.route(
    (url) => url.pathname.endsWith("/v1/deliveries"),
    (route) => (route.request().method() === "GET" ? route.abort() : route.continue()),
  );

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
  await failedOnly.click();
  await expect(failedOnly).not.toBeChecked();
  const delivered = page.getByTestId("deliveries").getByRole("row", { name: /Feedback for you/ });
  await expect(delivered).toContainText("delivered");
  await expect(delivered.getByRole("cell").nth(4)).toHaveText("2");
  await expect(delivered.getByRole("button", { name: /^Retry/ })).toHaveCount(0);
  await expectAccessible(page, "a person's notifications");

  // The second tab's retry is refused, and says why: the notification was delivered meanwhile.
  await staleRetry.click();
  const refusal = stale.getByRole("alert").filter({ hasText: /^Not done/ });
  await expect(refusal).toHaveText("Not done: this notification was already delivered");
  await stale.getByLabel("Language").selectOption("zh-CN");
  await expect(stale.getByRole("alert").filter({ hasText: /^未能完成/ })).toHaveText("未能完成：这条通知已经送达，不再重发。");
  await stale.close();

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

test("hr reads the roster a page at a time, narrows it to a team and opens a person's data", async ({ page }) => {
  await signInAs(page, "Sign in as Hana HR");
  const nav = page.getByRole("navigation", { name: "Main" });
  // hr's many entries come in lists named by the part of the work, which the keyboard walks like any link.
  await expect(nav.getByRole("list", { name: "Pay" }).getByRole("link")).toHaveText(["Bonus plans", "Bonus"]);
  const roster = nav.getByRole("list", { name: "Roster & privacy" });
  await expect(roster.getByRole("link")).toHaveText(["People", "Audit trail", "A person's data"]);
  await expect(nav.getByRole("list", { name: "My work" }).getByRole("link")).toContainText(["My notifications"]);
  await roster.getByRole("link", { name: "People" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "People", exact: true })).toBeVisible();
  const people = page.getByTestId("people");
  await expect(people).toHaveAccessibleName("The people in the roster, by name");
  await expect(people.getByRole("row", { name: /^Ada Admin/ })).toContainText("admin");
  await expectAccessible(page, "the roster");
  await illustrate(page, "people");

  const filters = page.getByRole("group", { name: "Narrow the roster" });
  await filters.getByLabel("Team id").fill("north");
  await filters.getByLabel("Role").selectOption({ label: "assistant" });
  await expect(people.getByRole("row")).toHaveCount(4); // the header and north's three assistants, by name
  const cid = people.getByRole("row", { name: /^Cid Assistant/ });
  await expect(cid.getByRole("cell")).toHaveText(["assistant", "north", "mia", "en", "America/New_York"]);
  await expect(people.getByRole("row", { name: /^Ann Assistant/ })).toContainText("Asia/Shanghai");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "人员名册", exact: true })).toBeVisible();
  const zhNav = page.getByRole("navigation", { name: "主导航" });
  await expect(zhNav.getByRole("list", { name: "名册与隐私" }).getByRole("link")).toHaveCount(3);
  await expect(zhNav.getByRole("list", { name: "薪酬" })).toBeVisible();
  await expectAccessible(page, "the roster in Chinese");
  await page.getByLabel("语言").selectOption("en");

  await cid.getByRole("link", { name: "Cid Assistant: their data" }).click();
  await expect(page.getByRole("heading", { name: "A person's data" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Cid Assistant (cid)" })).toBeVisible();
  const holdings = page.getByTestId("personal-data");
  await expect(holdings.getByRole("row", { name: /^Goals/ })).toContainText(/goals: [1-9]/);
  // The connectors answer for what they hold too: Cid is in no CRM connection here, but they keep him in their roster.
  const connectors = holdings.getByRole("row", { name: /^Connectors/ });
  await expect(connectors).toContainText("people: 1");
  await expect(page.getByRole("button", { name: "Download all seven as one JSON document" })).toBeEnabled();
  await expectAccessible(page, "a person's data with the connectors' part");
});
