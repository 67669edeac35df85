// The production builds in Chromium (playwright.config.ts starts them): the page shows what the API holds, a page
// at a time, and the forms round-trip browser → Server Action → API → page with JavaScript on and off, under a
// Content-Security-Policy that allows no inline script without its nonce and no inline style at all.
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { NotePage } from "@repo/db/schema";

const API = "http://127.0.0.1:3101"; // where playwright.config.ts starts it

async function apiNotes(request: APIRequestContext) {
  return ((await (await request.get(`${API}/notes?limit=100`)).json()) as NotePage).notes;
}
const apiTexts = async (request: APIRequestContext) => (await apiNotes(request)).map((note) => note.text);

let cspViolations: string[];

test.beforeEach(async ({ page, request }) => {
  // Each test starts from an empty list.
  for (let notes = await apiNotes(request); notes.length > 0; notes = await apiNotes(request))
    for (const { id } of notes) await request.delete(`${API}/notes/${id}`);
  cspViolations = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});

test.afterEach(() => expect(cspViolations).toEqual([]));

for (const javaScriptEnabled of [true, false]) {
  test.describe(`with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("adds and deletes a note, keeping what was typed on an error", async ({ page, request }) => {
      const text = `typed in the browser, JavaScript ${javaScriptEnabled ? "on" : "off"}`;
      const box = page.getByRole("textbox", { name: "Note text" });
      await page.goto("/");
      await box.fill("x".repeat(281));
      await page.getByRole("button", { name: "Add note" }).click();
      await expect(page.getByTestId("form-error")).toHaveText("text must be at most 280 characters");
      await expect(box).toHaveValue("x".repeat(281));

      await box.fill(text);
      await page.getByRole("button", { name: "Add note" }).click();
      await expect(page.locator("[data-note-id] > span")).toHaveText([text]);
      await expect(box).toHaveValue("");
      expect(await apiTexts(request)).toEqual([text]);

      await page.getByRole("button", { name: `Delete note: ${text}` }).click();
      await expect(page.getByText("No notes yet.")).toBeVisible();
      expect(await apiTexts(request)).toEqual([]);
    });
  });
}

test("pages through every note with the More link, each once", async ({ page, request }) => {
  const texts = Array.from({ length: 45 }, (_, i) => `paged ${String(i).padStart(2, "0")}`);
  for (const text of texts) await request.post(`${API}/notes`, { data: { text } });
  await page.goto("/");
  await expect(page.getByRole("region", { name: "Notes from the API" }).locator("footer")).toHaveText(
    "20 notes · More",
  );
  const shown: string[] = [];
  for (;;) {
    shown.push(...(await page.locator("[data-note-id] > span").allTextContents()));
    const more = page.getByRole("link", { name: "More" });
    if ((await more.count()) === 0) break;
    const href = (await more.getAttribute("href")) ?? "";
    await more.click();
    await expect(page).toHaveURL(href);
  }
  expect(shown).toEqual(texts);
});

test("refuses a form post from another site", async ({ request }) => {
  const res = await request.post("/", {
    headers: { "sec-fetch-site": "cross-site", origin: "http://evil.example" },
    multipart: { text: "posted from another site" },
  });
  expect(res.status()).toBe(403);
  expect(await apiTexts(request)).toEqual([]);
});

test("sends a CSP with a fresh script nonce and no inline styles, and the page is styled", async ({
  page,
}) => {
  const first = (await page.goto("/"))?.headers()["content-security-policy"] ?? "";
  const second = (await page.reload())?.headers()["content-security-policy"] ?? "";
  const nonce = /script-src [^;]*'nonce-([^']+)'/.exec(first)?.[1];
  expect(nonce).toBeTruthy();
  expect(second).not.toContain(nonce);
  expect(/style-src ([^;]*)/.exec(first)?.[1]).toBe("'self'");
  // Tailwind's stylesheet applied (`rounded-lg`), with no violation reported (afterEach).
  await expect(page.getByRole("button", { name: "Add note" })).toHaveCSS("border-radius", "8px");
});
