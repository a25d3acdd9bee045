import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

test("assistants give praise to a peer and improvement upward, a manager gives feedback, each reads their inbox", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Bob Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Feedback", exact: true }).click();
  await expect(page.getByRole("heading", { name: "My feedback" })).toBeVisible();
  const give = page.getByRole("form", { name: "Give feedback" });
  await expect(page.getByTestId("inbox")).toBeAttached();
  await expect(page.getByText("No feedback yet.")).toBeVisible();

  // Sent empty: the feedback API's reasons stand on the fields.
  await give.getByRole("button", { name: "Send" }).click();
  await expect(give.getByLabel("To", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(give.getByLabel("What you want to say")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "my feedback with the service's reasons");

  // Praise to a peer, chosen among the people Bob works with.
  await give.getByLabel("To", { exact: true }).selectOption({ label: "Ann Assistant (a peer)" });
  await give.getByLabel("What you want to say").fill("Thanks for covering my calls on Friday.");
  await give.getByRole("button", { name: "Send" }).click();
  await expect(give.getByRole("status")).toContainText("Praise sent to Ann Assistant.");
  await expect(give.getByLabel("What you want to say")).toHaveValue("");

  // Improvement, upward to his manager: keyboard only.
  await give.getByLabel("To", { exact: true }).selectOption({ label: "Mia Manager (your manager: upward feedback)" });
  await give.getByLabel("Improvement").focus();
  await page.keyboard.press("Space");
  await expect(give.getByLabel("Improvement")).toBeChecked();
  await page.keyboard.press("Tab");
  await page.keyboard.type("Our weekly 1:1s get cancelled too often.");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(give.getByRole("button", { name: "Send" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(give.getByRole("status")).toContainText("Improvement sent to Mia Manager.");
  await page.getByRole("button", { name: "Sign out" }).click();

  // Mia reads Bob's upward feedback and praises Cid.
  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Feedback", exact: true }).click();
  const mias = page.getByTestId("inbox").getByRole("listitem", { name: "From Bob Assistant" });
  await expect(mias).toContainText("Improvement");
  await expect(mias).toContainText("upward, from your team");
  await expect(mias).toContainText("Our weekly 1:1s get cancelled too often.");
  // Her inbox is read a page at a time from the API: Cid's oldest note is on the next page.
  const inbox = page.getByRole("region", { name: "Inbox" });
  await expect(inbox.getByText("Earlier note 0")).toHaveCount(0);
  const nextPage = page.waitForRequest((r) => r.url().includes("/v1/feedback/inbox") && r.url().includes("cursor="));
  await inbox.getByRole("button", { name: "Next" }).click();
  await nextPage;
  await expect(inbox.getByText("Earlier note 0")).toBeVisible();
  await expect(inbox.getByText("Our weekly 1:1s get cancelled too often.")).toHaveCount(0);
  await inbox.getByRole("button", { name: "Previous" }).click();
  await expect(mias).toContainText("Our weekly 1:1s get cancelled too often.");
  const mine = page.getByRole("form", { name: "Give feedback" });
  await mine.getByLabel("To", { exact: true }).selectOption({ label: "Cid Assistant (your report)" });
  await mine.getByLabel("What you want to say").fill("Great follow-up with Acme.");
  await mine.getByLabel("Share with the team as recognition").check();
  await mine.getByRole("button", { name: "Send" }).click();
  await expect(mine.getByRole("status")).toContainText("Praise sent to Cid Assistant.");
  await expectAccessible(page, "my feedback (manager)");
  await page.getByRole("button", { name: "Sign out" }).click();

  // Ann reads Bob's praise, in Chinese.
  await signInAs(page, "Sign in as Ann Assistant");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "反馈", exact: true }).click();
  await expect(page.getByRole("heading", { name: "我的反馈" })).toBeVisible();
  const anns = page.getByTestId("inbox").getByRole("listitem", { name: "来自 Bob Assistant" });
  await expect(anns).toContainText("表扬");
  await expect(anns).toContainText("来自同事");
  await expect(anns).toContainText("Thanks for covering my calls on Friday.");
  await expectAccessible(page, "my feedback in Chinese");
  await illustrate(page, "my-feedback-zh-CN");
});
