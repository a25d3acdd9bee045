import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness had Mia give Cid a private award ("Quiet hero"): only Cid, Mia and hr may see it. Then ten public
// ones ("Trade fair helper 1" to 10), so the team's feed (ten to a page, newest first) has a second page.

test("an assistant gives kudos within his budget and the team sees it ranked; a private award stays with whom it concerns", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Bob Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recognition" }).click();
  await expect(page.getByRole("heading", { name: "Recognition", level: 1 })).toBeVisible();
  const budget = page.getByTestId("kudos-budget");
  await expect(budget).toContainText("You can still give 5 of your 5 kudos this month.");
  const give = page.getByRole("form", { name: "Give kudos" });
  await give.getByLabel("To", { exact: true }).selectOption({ label: "Ann Assistant" });
  await give.getByLabel("What you thank them for").fill("For the demo script you shared.");
  await give.getByLabel("For living our value").selectOption({ label: "Teamwork" });
  await give.getByRole("button", { name: "Send kudos" }).click();
  await expect(give.getByRole("status")).toContainText("Kudos sent to Ann Assistant.");
  await expect(budget).toContainText("You can still give 4 of your 5 kudos this month.");
  const feed = page.getByTestId("recognitions");
  const kudos = feed.getByRole("listitem").filter({ hasText: "For the demo script you shared." });
  await expect(kudos).toContainText("For Ann Assistant");
  await expect(kudos).toContainText("from Bob Assistant");
  await expect(kudos).toContainText("lived our value Teamwork");
  await expect(page.getByTestId("leaderboard").getByRole("row", { name: /Ann Assistant/ })).toContainText("5");
  await expect(feed).not.toContainText("Trade fair helper 1:");
  await page.getByRole("button", { name: "More recognitions" }).click();
  await expect(feed.getByRole("listitem").filter({ hasText: "Trade fair helper 1:" })).toContainText("Staffed the stand on day 1.");
  await expect(feed.getByRole("listitem").filter({ hasText: "Trade fair helper 10:" })).toHaveCount(1);
  await expect(feed).not.toContainText("Quiet hero");
  await expectAccessible(page, "recognition");
  await illustrate(page, "recognition");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Cid Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Recognition" }).click();
  const award = page.getByTestId("recognitions").getByRole("listitem").filter({ hasText: "Quiet hero" });
  await expect(page.getByTestId("recognitions")).toContainText("Trade fair helper 10");
  await expect(award).toHaveCount(0);
  await page.getByRole("button", { name: "More recognitions" }).click();
  await expect(award).toContainText("Covered the phones all week.");
  await expect(award).toContainText("from Mia Manager");
  await expect(award).toContainText("private: only you, your manager and hr see it");
  await expect(page.getByTestId("recognitions")).toContainText("For the demo script you shared.");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "认可", level: 1 })).toBeVisible();
  await expect(award).toContainText("私密");
  await expect(
    page.getByTestId("recognitions").getByRole("listitem").filter({ hasText: "For the demo script you shared." }),
  ).toContainText("践行价值观：团队合作");
  await expectAccessible(page, "recognition in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
