// The production build in a real browser: the page shows what the API holds, a page at a time, and the forms
// round-trip browser → web server (a Server Action) → API → page re-rendered from the API, all under the page's
// Content-Security-Policy (a script without the nonce would not run). The same forms and the "More" link work
// with JavaScript off, as a browser sees the page before its scripts load.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, paths, requireFile, startApi, startWeb, type RunningServer } from "@repo/test-support";
import { launchBrowser } from "./browser";

const enabled = requireFile(chromiumPath, "Chromium (CHROMIUM_PATH)");

describe.runIf(enabled)("home page in Chromium against the production build", () => {
  let api: RunningServer;
  let web: RunningServer;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb({ apiUrl: api.url });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
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
    // The count matches the API's first page.
    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: { text: string }[] };
    expect(await page.locator("[data-note-id]").count()).toBe(notes.length);
    expect(await page.locator("footer").textContent()).toBe(
      `${notes.length} note${notes.length === 1 ? "" : "s"}`,
    );
  });

  it("sends a Content-Security-Policy with a fresh nonce per page, on every script, and no inline scripts", async () => {
    const [first, second] = await Promise.all([fetch(web.url), fetch(web.url)]);
    const policy = first.headers.get("content-security-policy") ?? "";
    const scriptSrc = /script-src ([^;]*)/.exec(policy)?.[1] ?? "";
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);

    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("adds a note through the form and shows it from the API, with no CSP violation", async () => {
    const text = `typed in the browser ${Date.now()}`;
    await page.goto(web.url);
    await page.getByRole("textbox", { name: "Note text" }).fill(text);
    await page.getByRole("button", { name: "Add note" }).click();
    await page.getByText(text).waitFor();
    const { notes } = (await (await fetch(`${api.url}/notes?limit=100`)).json()) as {
      notes: { text: string }[];
    };
    expect(notes.map((n) => n.text)).toContain(text);
    expect(await page.getByRole("textbox", { name: "Note text" }).inputValue()).toBe("");
    expect(cspViolations).toEqual([]);

    mkdirSync(join(paths.repoRoot, "apps/web/.reports"), { recursive: true });
    await page.screenshot({ path: join(paths.repoRoot, "apps/web/.reports/home.png"), fullPage: true });
  });

  it("deletes a note with its Delete button: gone from the page and from the API", async () => {
    const text = `to be deleted ${Date.now()}`;
    const created = await fetch(`${api.url}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    const { note } = (await created.json()) as { note: { id: string } };
    await page.goto(web.url);
    const item = page.locator(`[data-note-id="${note.id}"]`);
    await item.waitFor();
    await page.getByRole("button", { name: `Delete note: ${text}` }).click();
    await item.waitFor({ state: "detached" });
    expect((await fetch(`${api.url}/notes/${note.id}`)).status).toBe(404);
    const { notes } = (await (await fetch(`${api.url}/notes`)).json()) as { notes: unknown[] };
    expect(await page.locator("[data-note-id]").count()).toBe(notes.length);
    expect(cspViolations).toEqual([]);
  });

  it("shows the validation message and keeps what was typed", async () => {
    await page.goto(web.url);
    const long = "x".repeat(281);
    await page.getByRole("textbox", { name: "Note text" }).fill(long);
    await page.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => page.getByTestId("form-error").textContent()).toContain("at most 280 characters");
    expect(await page.getByRole("textbox", { name: "Note text" }).inputValue()).toBe(long);
  });

  describe("with JavaScript off", () => {
    let context: BrowserContext;
    let plain: Page;
    beforeAll(async () => {
      context = await browser.newContext({ javaScriptEnabled: false });
      plain = await context.newPage();
    });
    afterAll(() => context?.close());

    it("adds a note: the browser posts the form and is sent back to the page, which shows it", async () => {
      const text = `posted without JavaScript ${Date.now()}`;
      await plain.goto(web.url);
      await plain.getByRole("textbox", { name: "Note text" }).fill(text);
      await Promise.all([
        plain.waitForURL(web.url + "/"),
        plain.getByRole("button", { name: "Add note" }).click(),
      ]);
      await plain.getByText(text).waitFor();
      const { notes } = (await (await fetch(`${api.url}/notes?limit=100`)).json()) as {
        notes: { text: string }[];
      };
      expect(notes.map((n) => n.text)).toContain(text);
    });

    it("shows the validation message inline and keeps what was typed", async () => {
      await plain.goto(web.url);
      await plain.getByRole("textbox", { name: "Note text" }).fill("   ");
      await plain.getByRole("button", { name: "Add note" }).click();
      await plain.getByTestId("form-error").waitFor();
      expect(await plain.getByTestId("form-error").textContent()).toBe("text must not be empty");
      const long = "y".repeat(281);
      await plain.getByRole("textbox", { name: "Note text" }).fill(long);
      await plain.getByRole("button", { name: "Add note" }).click();
      await expect
        .poll(() => plain.getByTestId("form-error").textContent())
        .toContain("at most 280 characters");
      expect(await plain.getByRole("textbox", { name: "Note text" }).inputValue()).toBe(long);
    });

    it("deletes a note with its Delete button", async () => {
      const text = `deleted without JavaScript ${Date.now()}`;
      const created = await fetch(`${api.url}/notes`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text }),
      });
      const { note } = (await created.json()) as { note: { id: string } };
      await plain.goto(web.url);
      await plain.getByRole("button", { name: `Delete note: ${text}` }).click();
      await plain.locator(`[data-note-id="${note.id}"]`).waitFor({ state: "detached" });
      expect((await fetch(`${api.url}/notes/${note.id}`)).status).toBe(404);
    });

    it("pages through every note with the More link, each note once", async () => {
      for (let i = 0; i < 45; i++) {
        const res = await fetch(`${api.url}/notes`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: `paged note ${i}` }),
        });
        expect(res.status).toBe(201);
      }
      const expected: string[] = [];
      for (let after: string | null = null, first = true; first || after !== null; first = false) {
        const query: string = after === null ? "" : `&after=${after}`;
        const page = (await (await fetch(`${api.url}/notes?limit=100${query}`)).json()) as {
          notes: { text: string }[];
          nextCursor: string | null;
        };
        expected.push(...page.notes.map((n) => n.text));
        after = page.nextCursor;
      }

      await plain.goto(web.url);
      const shown: string[] = [];
      for (let pages = 0; pages < 20; pages++) {
        const items = plain.locator("[data-note-id] > span");
        const texts = await items.allTextContents();
        expect(texts.length).toBeGreaterThan(0);
        expect(texts.length).toBeLessThanOrEqual(20);
        shown.push(...texts);
        const more = plain.getByRole("link", { name: "More" });
        if ((await more.count()) === 0) break;
        await Promise.all([plain.waitForURL(/\?after=/), more.click()]);
      }
      expect(shown).toEqual(expected);
    });
  });

  it("serves public/ and the static assets the standalone output must carry", async () => {
    const robots = await fetch(`${web.url}/robots.txt`);
    expect(robots.status).toBe(200);
    const html = await (await fetch(web.url)).text();
    const scripts = [...html.matchAll(/src="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect((await fetch(`${web.url}${src}`)).status, src).toBe(200);
  });

  it("shows a generic error panel, with status 200 and no internal address, when the API is down", async () => {
    await api.stop();
    const response = await page.goto(web.url);
    expect(response?.status()).toBe(200);
    await expect
      .poll(() => page.getByTestId("api-error").textContent())
      .toBe("Could not load notes: the notes service is unavailable right now; try again in a moment");
    expect(await page.content()).not.toContain(new URL(api.url).host);
    expect(web.output()).toContain("web: API /notes: "); // the cause is in the log instead
  });
});
