import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness set Cid a goal, "Visits before noon", which he missed: every service knows him, goals holds his goal.

const SERVICES = ["goals", "reviews", "feedback", "incentives", "notifications", "analytics", "connectors"];

test("hr exports a person's data from all seven services and reads the export in each service's audit trail", async ({
  page,
}) => {
  await signInAs(page, "Sign in as Hana HR");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "A person's data" }).click();
  await expect(page.getByRole("heading", { name: "A person's data" })).toBeVisible();
  // No erasure button: the page says who erases, and how.
  await expect(page.getByTestId("erasure-note")).toContainText("pacer people erase");
  // Chosen from the roster by name, narrowed to the north team's assistants: no id to know.
  const roster = page.getByRole("group", { name: "Choose from the roster" });
  await roster.getByLabel("Role").selectOption({ label: "assistant" });
  await roster.getByLabel("Team id").fill("north");
  const people = roster.getByLabel("Person", { exact: true });
  await expect(people.getByRole("option")).toHaveText([
    "Choose among 3",
    "Ann Assistant (assistant, north)",
    "Bob Assistant (assistant, north)",
    "Cid Assistant (assistant, north)",
  ]);
  await expectAccessible(page, "a person's data, choosing from the roster");
  await people.selectOption({ label: "Cid Assistant (assistant, north)" });
  await expect(page.getByLabel("Person id")).toHaveValue("cid");
  await expect(page.getByRole("heading", { name: "Cid Assistant (cid)" })).toBeVisible();
  const holdings = page.getByTestId("personal-data");
  for (const service of ["Goals", "Reviews", "Feedback", "Incentives", "Notifications", "Analytics", "Connectors"]) {
    await expect(holdings.getByRole("row", { name: new RegExp(`^${service}`) })).not.toContainText("Loading");
  }
  await expect(holdings.getByRole("row", { name: /^Goals/ })).toContainText(/goals: [1-9]/);
  await expect(holdings.getByRole("row", { name: /^Incentives/ })).toContainText(/people: 1/);
  await expect(page.getByRole("button", { name: "Erase" })).toHaveCount(0);
  await expectAccessible(page, "a person's data");
  await illustrate(page, "personal-data");

  const saving = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download all seven as one JSON document" }).click();
  const saved = await saving;
  const exported = JSON.parse(await readFile(await saved.path(), "utf8")) as {
    person_id: string;
    exported_at: string;
    services: Record<string, Record<string, { title?: string }[]>>;
  };
  expect(exported.person_id).toBe("cid");
  expect(Object.keys(exported.services).sort()).toEqual([...SERVICES].sort());
  expect(exported.services.goals?.goals?.map((goal) => goal.title)).toContain("Visits before noon");

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "个人数据" })).toBeVisible();
  await expect(page.getByTestId("erasure-note")).toContainText("由运维人员执行");
  await expectAccessible(page, "a person's data in Chinese");
  await page.getByLabel("语言").selectOption("en");

  await nav.getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail" })).toBeVisible();
  const filters = page.getByRole("form", { name: "Filter the audit trail" });
  await filters.getByLabel("Service").selectOption({ label: "Incentives" });
  await filters.getByLabel("Action").fill("personal_data.exported");
  await filters.getByLabel("Resource").fill("person/cid");
  await filters.getByRole("button", { name: "Show" }).click();
  const records = page.getByTestId("audit-records");
  await expect(records).toHaveAccessibleName("The Incentives service's audit trail, newest first");
  await expect(records.getByRole("row").nth(1)).toContainText("Hana HR");
  await expect(records.getByRole("row").nth(1)).toContainText("hana");
  await expect(records.getByRole("row").nth(1)).toContainText("personal_data.exported");
  await expect(records.getByRole("row").nth(1)).toContainText("person/cid");
  await expectAccessible(page, "the audit trail");
  await illustrate(page, "audit-trail");
  // The CSV holds what the filters show, with the session's token (a plain link would carry none).
  const csv = page.waitForEvent("download");
  await filters.getByRole("button", { name: "Download the Incentives trail as CSV" }).click();
  const lines = (await readFile(await (await csv).path(), "utf8")).trim().split(/\r?\n/);
  expect(lines[0]).toBe("at,actor,roles,action,resource,client,record_id");
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((line) => line.includes(",hana,hr,personal_data.exported,person/cid,"))).toBe(true);
  // What hr did not do is not there: another actor's exports filter to nothing.
  await filters.getByRole("group", { name: "Who, from the roster" }).getByLabel("Person", { exact: true }).selectOption({
    label: "Mia Manager (manager, north)",
  });
  await expect(filters.getByLabel("Who (person id)")).toHaveValue("mia");
  await filters.getByRole("button", { name: "Show" }).click();
  await expect(page.getByText("No record matches.")).toBeVisible();


  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "审计记录" })).toBeVisible();
  await expectAccessible(page, "the audit trail in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await expect(nav.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "A person's data" })).toHaveCount(0);
  for (const path of ["/audit", "/personal-data"]) {
    await page.goto(path);
    await expect(page.getByRole("alert")).toContainText("As manager, you may not see this.");
    await expect(page.getByRole("heading", { level: 1 })).toHaveCount(0);
  }
});
