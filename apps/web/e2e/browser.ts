// Chromium for the e2e tests: root in CI containers and a closed network, so no sandbox and no background traffic.
import { chromium, type Browser } from "playwright-core";
import { chromiumPath, track } from "@repo/test-support";

/**
 * Chromium, closed at the test file's end like everything else the tests start (@repo/test-support's registry). If
 * the test process dies first, Chromium exits by itself: Playwright drives it over a pipe it inherits.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const tracked = track({
    name: "chromium",
    stop: () => browser.close(),
    stopNow: () => {}, // at exit: the pipe closes with this process, and Chromium with it
  });
  browser.on("disconnected", () => tracked.release());
  return browser;
}
