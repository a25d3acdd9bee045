// Times a page in Chromium until its team table shows every row: `node scripts/measure-dashboard.mjs URL ROWS
// RUNS [SESSION_JSON]`. Prints {"ms": [...]}: each run's milliseconds from the navigation's start, in the page's
// own clock, with a fresh browser context (nothing cached) each time. Used by bench/scenarios/console.py.
/* global document -- the functions handed to the page run in the browser */
import { chromium } from "@playwright/test";

const [url, rows, runs, session] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.PACER_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const times = [];
try {
  for (let run = 0; run < Number(runs); run += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (session) {
      await context.addInitScript((value) => sessionStorage.setItem("pacer.session", value), session);
    }
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "commit" });
    const shown = await page.waitForFunction(
      (wanted) => {
        const found = document.querySelectorAll('[data-testid="team-table"] tbody tr').length;
        return found >= wanted ? performance.now() : false;
      },
      Number(rows),
      { polling: "raf", timeout: 60_000 },
    );
    times.push(await shown.jsonValue());
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ ms: times }) + "\n");
