// What the bench measures ours against, in the same run: a bare one-page Next app of our catalog's versions
// (built like apps/web for page weight and payload; `next dev` for the dev loop), a bare Express app bundled like
// the API (payload), and bare servers answering the API's JSON (throughput, in reference-server.mjs). The
// like-for-like API reference, bare Express + pg on the same database, is ../bare-api.mjs.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./measure.mjs";

export const referenceServer = join(import.meta.dirname, "reference-server.mjs");

// The bare page: dynamic like ours; with LIST_URL set (the ssr section: the API's declared read), it fetches that
// JSON per request and renders the first array in it, one <li> per item; without it (dev loop, page weight),
// just the heading. Generic on purpose: it knows no app's routes or fields.
const BARE_PAGE = `export const dynamic = "force-dynamic";
export default async function Page() {
  const url = process.env.LIST_URL;
  const body = url ? await (await fetch(url, { cache: "no-store" })).json() : {};
  const items = Object.values(body).find(Array.isArray) ?? [];
  return (
    <main>
      <h1>bare</h1>
      <ul>{items.map((item, i) => <li key={i}>{JSON.stringify(item)}</li>)}</ul>
    </main>
  );
}
`;

// The same list with two forms written the plainest way (Server Actions on plain forms in the page, no client
// component, no proxy): add an item (FIELD, posted as JSON to WRITE_URL) and delete one (its id, from the
// pressed button). Beside ours, it separates what our features cost from what our code costs.
const FORMS_PAGE = `import { revalidatePath } from "next/cache";
export const dynamic = "force-dynamic";
const { LIST_URL, WRITE_URL, FIELD = "text" } = process.env;

async function add(form) {
  "use server";
  const body = JSON.stringify({ [FIELD]: form.get(FIELD) });
  await fetch(WRITE_URL, { method: "POST", headers: { "content-type": "application/json" }, body });
  revalidatePath("/forms");
}
async function remove(form) {
  "use server";
  await fetch(\`\${WRITE_URL}/\${encodeURIComponent(form.get("id"))}\`, { method: "DELETE" });
  revalidatePath("/forms");
}

export default async function Page() {
  const body = await (await fetch(LIST_URL, { cache: "no-store" })).json();
  const items = Object.values(body).find(Array.isArray) ?? [];
  return (
    <main>
      <h1>bare</h1>
      <form action={remove}>
        <ul>{items.map((item, i) => <li key={i}>{JSON.stringify(item)} <button name="id" value={item.id}>Delete</button></li>)}</ul>
      </form>
      <form action={add}><input name={FIELD} /><button>Add</button></form>
    </main>
  );
}
`;

/** A one-page Next app (a dynamic page, like ours; /forms for the ssr section) in a temp dir; not installed yet. */
export function createBareNext(versions) {
  const dir = mkdtempSync(join(tmpdir(), "nix-sample-bare-next-"));
  const { next, react } = versions;
  const files = {
    "package.json": JSON.stringify({
      name: "bare-next",
      private: true,
      dependencies: { next, react, "react-dom": versions["react-dom"] },
    }),
    "pnpm-workspace.yaml": "ignoredOptionalDependencies:\n  - sharp\n", // our install policy: no sharp
    "next.config.mjs": 'export default { output: "standalone", images: { unoptimized: true } };\n',
    "app/layout.jsx":
      'export default function Layout({ children }) {\n  return <html lang="en"><body>{children}</body></html>;\n}\n',
    "app/page.jsx": BARE_PAGE,
    "app/forms/page.jsx": FORMS_PAGE,
  };
  mkdirSync(join(dir, "app/forms"), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `next build` of the bare app, completed as apps/web's build does: static assets beside server.js. */
export async function buildBareNext(dir) {
  const { ms } = await run("pnpm", ["exec", "next", "build"], { cwd: dir });
  cpSync(join(dir, ".next/static"), join(dir, ".next/standalone/.next/static"), { recursive: true });
  return ms;
}

/**
 * Bytes of a bare Express app (`express().listen()`) bundled with the options of apps/api/build.mjs, using the
 * API's own esbuild and express: what the framework alone adds to the API's bundle.
 */
export async function bareExpressBundleBytes(apiDir) {
  const { build } = createRequire(join(apiDir, "package.json"))("esbuild");
  const result = await build({
    stdin: { contents: 'import express from "express";\nexpress().listen(3001);\n', resolveDir: apiDir },
    bundle: true,
    platform: "node",
    target: "node26",
    format: "esm",
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles.reduce((sum, f) => sum + f.contents.length, 0);
}
