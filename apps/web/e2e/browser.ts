// Chromium for the e2e tests: root in CI containers and a closed network, so no sandbox and no background traffic.
import { chromium, type Browser } from "playwright-core";
import { chromiumPath } from "@repo/test-support";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}
