import { expect, test } from "@playwright/test";
import { expectAccessible, signInAs } from "./support";

test("hr adds an assessed course, sets up a programme and assigns it to a team; the assistant passes it in order", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Hana HR");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Training" }).click();
  await expect(page.getByRole("heading", { name: "Training", level: 1 })).toBeVisible();

  const course = page.getByRole("form", { name: "Add or change a course" });
  await course.getByLabel("Course id").fill("launch-quiz");
  // No title yet: the service names what is missing, on its field.
  await course.getByRole("button", { name: "Save course" }).click();
  await expect(course.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
  await course.getByLabel("Title").fill("Launch pricing quiz");
  await course.getByLabel("Category").selectOption({ label: "Product knowledge" });
  await course.getByLabel("Length in minutes").fill("30");
  await course.getByLabel(/Assessment pass mark/).fill("70");
  await course.getByRole("button", { name: "Save course" }).click();
  await expect(course.getByRole("status")).toContainText("Saved: Launch pricing quiz.");
  const row = page.getByTestId("catalogue").getByRole("row", { name: /Launch pricing quiz/ });
  await expect(row).toContainText("70");
  await expect(row).toContainText("30 minutes");

  const setUp = page.getByRole("form", { name: "Set up a programme" });
  await setUp.getByLabel("Programme title").fill("Spring launch");
  await setUp.getByLabel("Add a course").selectOption({ label: "Product knowledge: the catalogue and pricing" });
  await setUp.getByLabel("Add a course").selectOption({ label: "Launch pricing quiz" });
  await expect(setUp.getByTestId("programme-courses").getByRole("listitem")).toHaveText([
    /Product knowledge: the catalogue and pricing/,
    /Launch pricing quiz/,
  ]);
  await setUp.getByRole("button", { name: "Set up programme" }).click();
  await expect(setUp.getByRole("status")).toContainText("Programme set up: Spring launch.");

  const assign = page.getByRole("form", { name: "Assign a programme" });
  await assign.getByLabel("Programme", { exact: true }).selectOption({ label: "Spring launch" });
  await assign.getByLabel("Team id").fill("south");
  await assign.getByLabel("Role").selectOption({ label: "Assistants" });
  await assign.getByRole("button", { name: "Assign programme" }).click();
  await expect(assign.getByRole("status")).toContainText("Enrolled: 1; already enrolled: 0.");

  // Retired, the programme is offered for no new enrolment; restored, it is again.
  const programmes = page.getByRole("region", { name: "Programmes", exact: true });
  const spring = programmes.getByRole("row", { name: /Spring launch/ });
  const offeredProgramme = assign.getByLabel("Programme", { exact: true }).getByRole("option", { name: "Spring launch" });
  await spring.getByRole("button", { name: "Retire Spring launch" }).click();
  await expect(programmes.getByRole("status")).toContainText("Retired: Spring launch.");
  await expect(spring).toContainText("Retired");
  await expect(offeredProgramme).toHaveCount(0);
  await spring.getByRole("button", { name: "Restore Spring launch" }).click();
  await expect(programmes.getByRole("status")).toContainText("Restored: Spring launch.");
  await expect(spring).toContainText("Offered");
  await expect(offeredProgramme).toHaveCount(1);

  // A retired course is offered to no new programme; Dan, enrolled before, still takes it below.
  await row.getByRole("button", { name: "Retire Launch pricing quiz" }).click();
  await expect(page.getByRole("region", { name: "Course catalogue" }).getByRole("status")).toContainText(
    "Retired: Launch pricing quiz.",
  );
  await expect(row).toContainText("Retired");
  await expect(setUp.getByLabel("Add a course").getByRole("option", { name: "Launch pricing quiz" })).toHaveCount(0);
  await expectAccessible(page, "training catalogue and programmes for hr");
  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByTestId("catalogue").getByRole("row", { name: /Launch pricing quiz/ })).toContainText("已停用");
  await expect(page.getByRole("button", { name: "恢复 Launch pricing quiz" })).toBeVisible();
  await expectAccessible(page, "training catalogue with a retired course in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Dan Assistant");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "My training" }).click();
  const mine = page.getByRole("region", { name: "Your programmes" });
  await expect(mine.getByRole("heading", { name: "Spring launch" })).toBeVisible();
  await expect(mine).toContainText("0 of 2 courses completed.");
  await expectAccessible(page, "my programmes");
  await mine.getByRole("button", { name: "Mark Product knowledge: the catalogue and pricing as completed" }).click();
  await expect(mine.getByRole("status")).toContainText("Completed: Product knowledge: the catalogue and pricing.");
  await expect(mine).toContainText("1 of 2 courses completed.");

  await mine.getByLabel("Score (pass mark 70)").fill("55");
  await mine.getByRole("button", { name: "Mark Launch pricing quiz as completed" }).click();
  await expect(mine.getByRole("status")).toContainText("55 is below the pass mark 70: Launch pricing quiz stays open.");
  await expect(mine).toContainText("1 of 2 courses completed.");
  await mine.getByLabel("Score (pass mark 70)").fill("85");
  await mine.getByRole("button", { name: "Mark Launch pricing quiz as completed" }).click();
  await expect(mine.getByRole("status")).toContainText("Completed: Launch pricing quiz.");
  await expect(mine).toContainText("2 of 2 courses completed.");
  await expect(mine.getByTestId("programme-progress")).toContainText("Passed with 85");

  await page.getByLabel("Language").selectOption("zh-CN");
  const zh = page.getByRole("region", { name: "我的培训计划" });
  await expect(zh).toContainText("已完成 2 / 2 门课程");
  await expect(zh).toContainText("以 85 分通过");
  await expectAccessible(page, "my programmes in Chinese");
  await page.getByLabel("语言").selectOption("en");
});
