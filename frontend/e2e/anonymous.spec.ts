import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, illustrate, releaseAnonymousFeedback, signInAs } from "./support";

// k is 3 (the feedback service's default); releases come at 06:00 UTC, which the harness brings forward.

interface Words {
  form: string;
  team: string;
  kind: string;
  problem: string;
  text: string;
  workload: string;
  send: string;
  sent: string;
  signOut: string;
}

const ENGLISH: Words = {
  form: "Write anonymously",
  team: "My team",
  kind: "Kind",
  problem: "Problem",
  text: "What you want to say",
  workload: "Workload",
  send: "Send anonymously",
  sent: "Sent. Nobody can tell it was you.",
  signOut: "Sign out",
};

async function writeAboutTheTeam(page: Page, who: string, text: string, words: Words = ENGLISH): Promise<void> {
  await signInAs(page, `Sign in as ${who}`);
  await page.goto("/anonymous");
  const form = page.getByRole("form", { name: words.form });
  await form.getByLabel(words.team).check();
  await form.getByLabel(words.kind).selectOption({ label: words.problem });
  await form.getByLabel(words.text).fill(text);
  await form.getByLabel(words.workload).check();
  await form.getByRole("button", { name: words.send }).click();
  await expect(form.getByRole("status")).toContainText(words.sent);
  await page.getByRole("button", { name: words.signOut }).click();
}

test("assistants write about their team anonymously; the manager sees nothing below k and the results once released", async ({
  page,
}) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInAs(page, "Sign in as Bob Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Anonymous feedback" }).click();
  await expect(page.getByRole("heading", { name: "Anonymous feedback" })).toBeVisible();
  const terms = page.getByTestId("anonymous-terms");
  await expect(terms).toContainText("only once at least 3 people have written about them in the same month");
  await expect(terms).toContainText("once a day, at 06:00 (UTC)");
  const form = page.getByRole("form", { name: "Write anonymously" });
  // Sent empty: the service's reason stands on the field.
  await form.getByRole("button", { name: "Send anonymously" }).click();
  await expect(form.getByLabel("What you want to say")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("My team").check();
  await form.getByLabel("Kind").selectOption({ label: "Problem" });
  await form.getByLabel("What you want to say").fill("Friday reports take the whole afternoon.");
  await form.getByLabel("Workload").check();
  await form.getByRole("button", { name: "Send anonymously" }).click();
  await expect(form.getByRole("status")).toContainText("Sent. Nobody can tell it was you.");
  const token = await form.getByTestId("reply-token").inputValue();
  await form.getByRole("button", { name: "Copy the token" }).click();
  await expect(form.getByText("Copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expectAccessible(page, "anonymous feedback with the reply token");
  await illustrate(page, "anonymous-feedback");
  await page.getByRole("button", { name: "Sign out" }).click();

  // One author is below k: even after a release, the manager is shown nothing, not a count.
  await releaseAnonymousFeedback(page);
  await signInAs(page, "Sign in as Mia Manager");
  await page.goto("/anonymous");
  const results = page.getByRole("region", { name: "Released results" });
  await expect(results.getByTestId("anonymous-nothing")).toContainText("at least 3 people");
  await expect(results.getByTestId("anonymous-window")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();

  await writeAboutTheTeam(page, "Cid Assistant", "The CRM is slow every morning.");
  // Ann's console is in Chinese, her roster language.
  await writeAboutTheTeam(page, "Ann Assistant", "Targets rise without more staff.", {
    form: "匿名提交",
    team: "我的团队",
    kind: "类型",
    problem: "问题",
    text: "你想说的内容",
    workload: "工作量",
    send: "匿名发送",
    sent: "已发送，没有人能知道是你。",
    signOut: "退出登录",
  });

  // Three authors: the next release shows the month's results to the manager concerned.
  await releaseAnonymousFeedback(page);
  await signInAs(page, "Sign in as Mia Manager");
  await page.goto("/anonymous");
  // Found by test id: its name changes with the language below.
  const month = page.getByTestId("anonymous-window");
  await expect(month).toContainText(": 3 submissions");
  await expect(month).toContainText("Workload × 3");
  await expect(month).toContainText("Friday reports take the whole afternoon.");
  await expect(month).toContainText("The CRM is slow every morning.");
  await expect(month).toContainText("Targets rise without more staff.");
  const bobs = month.getByRole("listitem").filter({ hasText: "Friday reports" });
  await bobs.getByLabel("Answer", { exact: true }).fill("Reports move to Monday mornings from next week.");
  await bobs.getByRole("button", { name: "Send the answer" }).click();
  await expect(bobs).toContainText("The manager: Reports move to Monday mornings from next week.");
  await expectAccessible(page, "released anonymous results");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(month).toContainText("3 条提交");
  await expectAccessible(page, "released anonymous results in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  // Bob reads the answer with his token: nothing else links him to his text.
  await signInAs(page, "Sign in as Bob Assistant");
  await page.goto("/anonymous");
  const thread = page.getByRole("region", { name: "Read answers with your token" });
  await thread.getByLabel("Your reply token").fill(token);
  await thread.getByRole("button", { name: "Read" }).click();
  const view = thread.getByTestId("anonymous-thread-view");
  await expect(view).toContainText("Friday reports take the whole afternoon.");
  await expect(view).toContainText("The manager: Reports move to Monday mornings from next week.");
  await view.getByLabel("Your reply").fill("Thank you.");
  await view.getByRole("button", { name: "Reply" }).click();
  await expect(view).toContainText("Your reply, shown at the next release: Thank you.");
});
