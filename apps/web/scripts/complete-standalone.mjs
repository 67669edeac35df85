// After `next build`: make .next/standalone a complete runtime tree. Next leaves out the static assets and
// public/ (it expects a CDN to serve them) and knows nothing of our start entry; copy the first two in and bundle
// start.mjs (with the configuration rules and server behaviour it shares with the API) beside server.js, so
// `node .next/standalone/apps/web/start.mjs` serves the whole site and the Nix build copies one directory.
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const app = join(import.meta.dirname, "..");
const target = join(app, ".next/standalone/apps/web");
if (!existsSync(join(target, "server.js"))) {
  console.error(`complete-standalone: ${target}/server.js is missing; is output: "standalone" set?`);
  process.exit(1);
}

const copies = [
  [".next/static", ".next/static"],
  ["public", "public"],
];
for (const [from, to] of copies) {
  const source = join(app, from);
  if (!existsSync(source)) continue;
  rmSync(join(target, to), { recursive: true, force: true });
  cpSync(source, join(target, to), { recursive: true });
}

await build({
  entryPoints: [join(app, "start.mjs")],
  outfile: join(target, "start.mjs"),
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  // Next's server stays Next's: loaded at run time from the standalone tree.
  external: ["./server.js"],
  legalComments: "none",
  logLevel: "warning",
});

// .next/cache is the only place the server writes; the image makes it writable, so ship it empty.
rmSync(join(target, ".next/cache"), { recursive: true, force: true });
