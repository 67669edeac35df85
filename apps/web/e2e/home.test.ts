// The production build in a real browser: the page shows what the API holds, and the form round-trips
// browser → web server (/api/notes) → API → page re-rendered from the API.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { harness, repoRoot, requireFile, startApi, startWeb, type Running } from "./support";

const enabled = requireFile(harness.chromiumPath, "Chromium (CHROMIUM_PATH)");

describe.runIf(enabled)("home page in Chromium against the production build", () => {
  let api: Running;
  let web: Running;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb(api.url);
    browser = await chromium.launch({
      executablePath: harness.chromiumPath,
      headless: true,
      // Root in CI containers, and a closed network: no sandbox, and no background traffic.
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
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await api?.stop();
  });

  it("renders notes the API holds, on the server, per request", async () => {
    const text = `seeded through the API ${Date.now()}`;
    const res = await fetch(`${api.url}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(201);

    const response = await page.goto(web.url);
    expect(response?.status()).toBe(200);
    await expect
      .poll(() => page.getByRole("region", { name: "Notes from the API" }).textContent())
      .toContain(text);
    // The seed note the API starts with is there too, and the count matches what the API says.
    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: { text: string }[] };
    expect(await page.locator("[data-note-id]").count()).toBe(notes.length);
    expect(await page.locator("footer").textContent()).toBe(`${notes.length} notes`);
  });

  it("adds a note through the form and shows it from the API", async () => {
    const text = `typed in the browser ${Date.now()}`;
    await page.goto(web.url);
    await page.getByRole("textbox", { name: "Note text" }).fill(text);
    await page.getByRole("button", { name: "Add note" }).click();
    await page.getByText(text).waitFor();
    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: { text: string }[] };
    expect(notes.map((n) => n.text)).toContain(text);
    expect(await page.getByRole("textbox", { name: "Note text" }).inputValue()).toBe("");

    mkdirSync(join(repoRoot, "apps/web/.reports"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "apps/web/.reports/home.png"), fullPage: true });
  });

  it("shows the API's validation message and keeps what was typed", async () => {
    await page.goto(web.url);
    const long = "x".repeat(281);
    await page.getByRole("textbox", { name: "Note text" }).fill(long);
    await page.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => page.getByTestId("form-error").textContent()).toContain("at most 280 characters");
    expect(await page.getByRole("textbox", { name: "Note text" }).inputValue()).toBe(long);
  });

  it("serves public/ and the static assets the standalone output must carry", async () => {
    const robots = await fetch(`${web.url}/robots.txt`);
    expect(robots.status).toBe(200);
    const html = await (await fetch(web.url)).text();
    const scripts = [...html.matchAll(/src="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect((await fetch(`${web.url}${src}`)).status, src).toBe(200);
  });

  it("says so on the page, with status 200, when the API is down", async () => {
    await api.stop();
    const response = await page.goto(web.url);
    expect(response?.status()).toBe(200);
    await expect
      .poll(() => page.getByTestId("api-error").textContent())
      .toMatch(/Could not load notes: .*unreachable/);
  });
});
