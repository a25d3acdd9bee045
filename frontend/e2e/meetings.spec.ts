import { expect, test } from "@playwright/test";
import { expectAccessible, illustrate, signInAs } from "./support";

// The harness set Ann's and Bob's "Calls this week" in team north, whose meetings run in Mia's zone, Europe/Berlin:
// a meeting on today's weekday at this hour there has begun, and its minutes can be kept. Both are read in Berlin,
// not in this process's own zone: a series starts on the team's today, so a weekday that is already yesterday
// there (just after midnight) would have no occurrence until next week.
const BERLIN_NOW = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  weekday: "short",
  hour: "numeric",
  hourCycle: "h23",
}).formatToParts(new Date());
const part = (type: Intl.DateTimeFormatPartTypes) => BERLIN_NOW.find((p) => p.type === type)?.value ?? "";

test("a manager schedules the team meeting, reads its agenda, records minutes; the assistant finds her action item", async ({
  page,
}) => {
  const weekday = String(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(part("weekday"))); // from Monday
  const hour = String(Number(part("hour")));
  const tomorrow = new Date(Date.now() + 86_400_000);
  const due = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Meetings" }).click();
  await expect(page.getByRole("heading", { name: "Team meetings" })).toBeVisible();
  const schedule = page.getByRole("form", { name: "Schedule a team meeting" });
  await schedule.getByLabel("Weekday").selectOption(weekday);
  await schedule.getByLabel("Hour (in the team's time zone)").fill(hour);
  await schedule.getByRole("button", { name: "Schedule and invite the team" }).click();

  const meeting = page.getByTestId("meeting").filter({ hasText: "Weekly team meeting" }).first();
  await expect(meeting).toContainText("(Europe/Berlin), 45 minutes");
  await expect(meeting.getByTestId("agenda")).toContainText("Goal 'Calls this week'");
  await expectAccessible(page, "the team's meetings with a schedule form");

  const minutes = meeting.getByRole("form", { name: "Minutes of Weekly team meeting" });
  await minutes.getByLabel("Notes").fill("Reports move to Thursday.");
  await minutes.getByLabel("Decisions (one per line)").fill("Reports on Thursdays");
  await minutes.getByLabel("What is to be done").fill("Send the Q4 price list");
  await minutes.getByLabel("Owner").selectOption({ label: "Ann Assistant" }); // attendees by name, not id
  await minutes.getByLabel("Due on").fill(due);
  await illustrate(page, "meeting-minutes");
  await minutes.getByRole("button", { name: "Record the minutes" }).click();
  await expect(meeting.getByRole("status")).toContainText("Minutes recorded");
  await expect(meeting.getByTestId("agenda")).toContainText("Open action item (Ann Assistant, due ");
  await expect(meeting.getByTestId("agenda")).toContainText("Send the Q4 price list");

  // The page read afresh offers the form again, but an occurrence has one record: the refusal says so in words.
  await page.reload();
  const twice = meeting.getByRole("form", { name: "Minutes of Weekly team meeting" });
  await twice.getByLabel("Notes").fill("The same meeting, recorded twice.");
  await twice.getByRole("button", { name: "Record the minutes" }).click();
  await expect(twice.getByRole("alert")).toHaveText(/^Not done: the minutes of \S+ are already recorded$/);

  await page.getByLabel("Language").selectOption("zh-CN");
  await expect(meeting.getByRole("alert")).toHaveText("未能完成：这次会议的纪要已经记录过了；每次会议只记录一份纪要。");
  await expect(page.getByRole("heading", { name: "团队会议", exact: true })).toBeVisible();
  await expect(meeting).toContainText("每周，");
  // The talking points follow the console's language too.
  await expect(meeting.getByTestId("agenda")).toContainText("目标“Calls this week”");
  await expectAccessible(page, "the team's meetings in Chinese");
  await page.getByLabel("语言").selectOption("en");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Ann Assistant");
  await page.getByRole("navigation", { name: /主导航|Main/ }).getByRole("link", { name: /会议|Meetings/ }).click();
  const hers = page.getByTestId("meeting").first();
  await expect(hers.getByTestId("agenda")).toContainText("Send the Q4 price list");
  await expect(hers.getByRole("form")).toHaveCount(0);
  await page.getByLabel(/语言|Language/).selectOption("en");
  await hers.getByRole("button", { name: "Mark done: Send the Q4 price list" }).click();
  await expect(hers.getByTestId("action-item")).toHaveCount(0);
  await expect(hers.getByTestId("agenda")).not.toContainText("Send the Q4 price list");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signInAs(page, "Sign in as Mia Manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Meetings" }).click();
  const mine = page.getByTestId("meeting").filter({ hasText: "Weekly team meeting" }).first();
  await mine.getByText("Change or cancel Weekly team meeting").click();
  const change = mine.getByRole("form", { name: "Change or cancel Weekly team meeting" });
  await change.getByLabel("Title").fill("Monday kick-off");
  await change.getByLabel("Duration (minutes)").fill("1");
  await change.getByRole("button", { name: "Save and send the new invitation" }).click();
  await expect(change.getByLabel("Duration (minutes)")).toHaveAttribute("aria-invalid", "true");
  await change.getByLabel("Duration (minutes)").fill("30");
  await change.getByRole("button", { name: "Save and send the new invitation" }).click();
  const moved = page.getByTestId("meeting").filter({ hasText: "Monday kick-off" });
  await expect(moved).toContainText("(Europe/Berlin), 30 minutes");
  await expectAccessible(page, "a meeting's change form");
  // A second tab of Mia's, opened before she cancels and not refreshed since (its list's refreshes are held back
  // here, as a tab left in the background would show it): its change comes after the cancelling and is refused.
  const stale = await page.context().newPage();
  await signInAs(stale, "Sign in as Mia Manager");
  await stale.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Meetings" }).click();
  const old = stale.getByTestId("meeting").filter({ hasText: "Monday kick-off" });
  await old.getByText("Change or cancel Monday kick-off").click();
  await stale.route(
    (url) => url.pathname.endsWith("/v1/meetings"),
    (route) => (route.request().method() === "GET" ? route.abort() : route.continue()),
  );
  // The form stays open after the change: the card is the same meeting, retitled.
  await moved.getByLabel("Reason for cancelling (optional)").fill("Replaced by the monthly meeting");
  await moved.getByRole("button", { name: "Cancel the meeting" }).click();
  await expect(page.getByTestId("meeting").filter({ hasText: "Monday kick-off" })).toHaveCount(0);

  const late = old.getByRole("form", { name: "Change or cancel Monday kick-off" });
  await late.getByLabel("Title").fill("Monday stand-up");
  await late.getByRole("button", { name: "Save and send the new invitation" }).click();
  await expect(late.getByRole("alert")).toHaveText(/^Not done: meeting \S+ is cancelled; schedule a new one$/);
  await stale.getByLabel("Language").selectOption("zh-CN");
  await expect(old.getByRole("alert").filter({ hasText: "未能完成" })).toHaveText(
    "未能完成：此会议已取消；如需开会，请重新安排一个。",
  );
  await stale.close();
});
