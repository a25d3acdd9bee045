// One load of a page in Chromium, printed as a waterfall: each request's start and end (ms from navigation start),
// the main thread's long tasks, what the page showed when (a loading text, the page's title, the table's rows: a
// loading fallback costs React's 300 ms hold-back before the page replaces it), and when the team table showed ROWS
// rows. `node scripts/dashboard-waterfall.mjs URL
// ROWS [SESSION_JSON]`. For finding where the dashboard's time goes; the bench's figure is measure-dashboard.mjs's.
/* global document, window, MutationObserver */
import { chromium } from "@playwright/test";

const [url, rows, session] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.PACER_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  for (let run = 0; run < 3; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      window.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]);
      }).observe({ type: "longtask", buffered: true });
    });
    await context.addInitScript(() => {
      window.__shown = [];
      const showing = () => {
        if (document.querySelector('[data-testid="team-table"] tbody tr')) return "rows";
        if (document.querySelector("#page-title")) return "title";
        const text = document.querySelector("#root p");
        if (text) return `text: ${text.textContent.slice(0, 20)}`;
        return document.querySelector("#root > *") ? "shell" : "nothing";
      };
      new MutationObserver(() => {
        const now = showing();
        if (window.__shown.at(-1)?.[1] !== now) window.__shown.push([Math.round(performance.now()), now]);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    if (session) await context.addInitScript((value) => sessionStorage.setItem("pacer.session", value), session);
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
    const ready = await shown.jsonValue();
    await page.waitForTimeout(1500);
    const report = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const res = performance.getEntriesByType("resource").map((r) => ({
        name: r.name.replace(/^https?:\/\/[^/]+/, "").slice(0, 90),
        start: Math.round(r.startTime),
        fetch: Math.round(r.fetchStart),
        reqStart: Math.round(r.requestStart),
        respStart: Math.round(r.responseStart),
        end: Math.round(r.responseEnd),
        kb: Math.round(r.encodedBodySize / 1024),
      }));
      const paints = performance.getEntriesByType("paint").map((p) => [p.name, Math.round(p.startTime)]);
      return {
        nav: { respStart: Math.round(nav.responseStart), end: Math.round(nav.responseEnd), dcl: Math.round(nav.domContentLoadedEventEnd) },
        res,
        paints,
        long: window.__long,
        shown: window.__shown,
      };
    });
    console.log(`--- run ${run}: ready ${Math.round(ready)} ms; html resp ${report.nav.respStart}-${report.nav.end}, DCL ${report.nav.dcl}; paints ${JSON.stringify(report.paints)}`);
    for (const r of report.res) console.log(`  ${String(r.start).padStart(5)} → ${String(r.end).padStart(5)} (req ${r.reqStart}, ttfb ${r.respStart})  ${r.kb} KB  ${r.name}`);
    console.log(`  long tasks [start, ms]: ${JSON.stringify(report.long)}`);
    console.log(`  shown [at, what]: ${JSON.stringify(report.shown)}`);
    await context.close();
  }
} finally {
  await browser.close();
}
