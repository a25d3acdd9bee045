// Browser tests against the real platform: tests/console/test_console.py starts Kafka, SecantusDB, the six
// services and this console, then runs `playwright test` with CONSOLE_URL set. Playwright drives the system's
// Chromium (Debian's package): its own browser download is not used.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: process.env.PLAYWRIGHT_OUTPUT_DIR ?? "test-results",
  use: {
    baseURL: process.env.CONSOLE_URL ?? "http://127.0.0.1:8600",
    locale: "en-US",
    timezoneId: "Europe/Berlin",
    viewport: { width: 1280, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.PACER_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox"],
    },
  },
});
