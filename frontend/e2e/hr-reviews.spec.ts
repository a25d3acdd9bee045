import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness saved the "Quarterly evaluation" template (records 40, teamwork 30, goals 20, customer rating 10) and
// reviewed Dan Outstanding in each of the last three quarters through it, which makes incentives recommend him.

test("hr opens a review cycle, saves a new version of a template and reads a promotion's evidence; a manager may not", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Hana HR");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Review cycles" }).click();
  await expect(page.getByRole("heading", { name: "Review cycles" })).toBeVisible();
  const form = page.getByRole("form", { name: "Open a review cycle" });
  await form.getByLabel("Cycle name").fill("South Dan weekly");
  await form.getByLabel("Cadence").selectOption({ label: "Weekly" });
  await form.getByLabel("Template").selectOption("quarterly-evaluation");
  await form.getByLabel("Period starts on").fill(new Date().toISOString().slice(0, 10));
  await form.getByRole("radio", { name: "People I choose" }).check();
  const picker = form.getByRole("group", { name: "Add a person" });
  await picker.getByLabel("Person", { exact: true }).selectOption({ label: "Dan Assistant (assistant, south)" });
  await form.getByRole("button", { name: "Add to the cycle" }).click();
  await expect(form.getByRole("list", { name: "People in the cycle" })).toContainText("dan");
  // A name with capitals and spaces: the reviews service's reason is shown on the name.
  await form.getByRole("button", { name: "Open the cycle" }).click();
  await expect(form.getByLabel("Cycle name")).toHaveAttribute("aria-invalid", "true");
  await expect(form.locator("#cycle-name-error")).toContainText("should match pattern");
  await expectAccessible(page, "open a review cycle, its name refused");
  const name = `south-dan-${Date.now().toString(36)}`;
  await form.getByLabel("Cycle name").fill(name);
  await form.getByRole("button", { name: "Open the cycle" }).click();
  await expect(form.getByRole("status")).toContainText(`Cycle ${name} is open`);
  const opened = page.getByTestId("cycles").getByRole("row").filter({ hasText: name });
  await expect(opened).toContainText("0 of 1 completed");
  await expect(opened).toContainText("Weekly · quarterly-evaluation:v1");
  await illustrate(page, "review-cycle-open");

  await nav.getByRole("link", { name: "Review templates" }).click();
  await expect(page.getByRole("heading", { name: "Review templates", level: 1 })).toBeVisible();
  const row = page.getByTestId("templates").getByRole("row").filter({ hasText: "Quarterly evaluation" });
  await expect(row).toContainText("Version 1");
  await row.getByRole("button", { name: "Versions of Quarterly evaluation" }).click();
  const versions = page.getByRole("region", { name: "Every version of quarterly-evaluation" });
  const first = versions.getByRole("article", { name: "Version 1: Quarterly evaluation" });
  await expect(first.getByRole("row", { name: /Customer rating/ })).toContainText("10");
  await expect(first.getByRole("row", { name: /Customer-record quality/ })).toContainText("40");
  // Keyboard only: to the first criterion's weight, 40 made 50, and saved with Enter.
  const save = versions.getByRole("form", { name: "Save a new version" });
  await save.getByLabel("Weight of criterion 1").focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("50");
  await page.keyboard.press("Enter");
  const weights = save.getByRole("group", { name: "Goal and customer weights" });
  await expect(weights.locator("#template-weights-error")).toContainText("must sum to 100, they sum to 110");
  await expectAccessible(page, "a template version refused for its weights");
  await save.getByLabel("Goal attainment").fill("10");
  await save.getByRole("button", { name: "Save the new version" }).click();
  await expect(save.getByRole("status")).toContainText("Version 2 saved.");
  const second = versions.getByRole("article", { name: "Version 2: Quarterly evaluation" });
  await expect(second.getByRole("row", { name: /Customer-record quality/ })).toContainText("50");
  await expect(second.getByRole("row", { name: /Goal attainment/ })).toContainText("10");
  await expect(first.getByRole("row", { name: /Goal attainment/ })).toContainText("20");
  await expect(row).toContainText("Version 2");
  await expectAccessible(page, "every version of a template");
  await illustrate(page, "review-templates");

  await nav.getByRole("link", { name: "Promotions" }).click();
  await expect(page.getByRole("heading", { name: "Promotion recommendations" })).toBeVisible();
  const dan = page.getByRole("article", { name: "Dan Assistant" });
  await expect(dan).toContainText("ready-for-promotion");
  const evidence = dan.getByTestId("promotion-evidence").getByRole("listitem");
  await expect(evidence.filter({ hasText: "rated 5 (Outstanding)" })).toHaveCount(3);
  await expect(evidence.filter({ hasText: "no training assigned" })).toHaveCount(1);
  await expectAccessible(page, "promotion recommendations");
  await illustrate(page, "promotions");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "晋升推荐" })).toBeVisible();
  await expect(dan).toContainText("由规则 ready-for-promotion");
  await expect(dan.getByRole("heading", { name: "依据" })).toBeVisible();
  await expectAccessible(page, "promotion recommendations in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Promotions" })).toHaveCount(0);
  await page.goto("/promotions");
  await expect(page.getByRole("alert")).toContainText("As manager, you may not see this.");
  await page.goto("/review-templates");
  await expect(page.getByRole("alert")).toContainText("As manager, you may not see this.");
});
