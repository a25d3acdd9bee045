import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness opened, as hr, a review of Cid for the days around today: his "Visits before noon" (none of 5) was
// missed in it, so the review pulls in one missed goal and an attainment of 0.

test("an assistant writes his self-assessment, his manager completes the review from its inputs, hr follows the cycle", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Cid Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
  await expect(page.getByRole("heading", { name: "My reviews" })).toBeVisible();
  const own = page.getByTestId("review").first();
  await expect(own).toContainText("Open: self-assessment");
  await expect(own).toContainText("Your self-assessment is due");
  const self = own.getByRole("form", { name: "Your self-assessment" });
  await self.getByLabel("Customer-record quality (weight 30)").selectOption("4");
  await self.getByLabel("Teamwork (weight 30)").selectOption({ label: "5 — Outstanding" });
  await self.getByLabel("Strengths").fill("Clean CRM notes after every visit.");
  await expectAccessible(page, "my reviews with the self-assessment");
  await self.getByRole("button", { name: "Submit my self-assessment" }).click();
  await expect(own).toContainText("Self-assessment in: the manager's turn");
  await expect(own).toContainText("Your self-assessment is in.");
  await expect(own.getByRole("form")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
  await expect(page.getByRole("heading", { name: "Reviews to write" })).toBeVisible();
  const cids = page.getByTestId("review").filter({ hasText: "Cid Assistant" }).first();
  const inputs = cids.getByTestId("review-inputs");
  await expect(inputs).toContainText("0 achieved, 1 missed");
  await expect(inputs).toContainText("Visits before noon: Missed, 0 of 5");
  await expect(inputs).toContainText("0%");
  await expect(cids).toContainText("Cid Assistant's self-assessment");
  await expect(cids).toContainText("Strengths: Clean CRM notes after every visit.");
  const review = cids.getByRole("form", { name: "Your review of Cid Assistant" });
  // Sent unrated: the reviews service's reason is shown.
  await review.getByRole("button", { name: "Complete the review" }).click();
  await expect(review.getByRole("alert")).toContainText("the manager rates every criterion");
  await expectAccessible(page, "reviews to write with the service's reason");
  await review.getByLabel("Customer-record quality (weight 30)").selectOption("3");
  await review.getByLabel("Teamwork (weight 30)").selectOption("4");
  await review.getByLabel("To improve").fill("Book the visits before noon.");
  await illustrate(page, "review-to-write");
  await review.getByRole("button", { name: "Complete the review" }).click();
  // 30 × 3 + 30 × 4 + 40 × 1 (no attainment: the bottom of the scale), over 100.
  await expect(cids.getByTestId("review-score")).toContainText("Score 2.5: Solid");
  await expect(cids.getByRole("row", { name: /Goal attainment/ })).toContainText("40");
  await expect(cids.getByRole("form")).toHaveCount(0);
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "待完成的评估" })).toBeVisible();
  await expect(cids).toContainText("已完成");
  await expect(cids.getByTestId("review-inputs")).toContainText("达成 0 个，未达成 1 个");
  await expectAccessible(page, "reviews to write in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Cid Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reviews" }).click();
  const completed = page.getByTestId("review").first();
  await expect(completed.getByTestId("review-score")).toContainText("Score 2.5: Solid");
  await completed.getByLabel("Your comment (optional)").fill("Agreed: mornings first.");
  await completed.getByRole("button", { name: "Acknowledge the review" }).click();
  await expect(completed).toContainText("Acknowledged");
  await expect(completed).toContainText("“Agreed: mornings first.”");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Hana HR");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Review cycles" }).click();
  await expect(page.getByRole("heading", { name: "Review cycles" })).toBeVisible();
  const cycle = page.getByTestId("cycles").getByRole("row").filter({ hasText: /cid-/ });
  await expect(cycle).toContainText("1 of 1 completed");
  await expect(cycle).toContainText("1 acknowledged");
  await expect(cycle).toContainText("Custom");
  await expectAccessible(page, "review cycles");
  await illustrate(page, "review-cycles");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "评估周期" })).toBeVisible();
  await expect(cycle).toContainText("已完成 1 / 1");
  await page.getByLabel("语言").selectOption("en");
});
