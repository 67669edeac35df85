#!/usr/bin/env node
// `complete-standalone`, a Next app's build step after `next build`: makes .next/standalone a complete runtime tree.
// Next leaves out .next/static and public/ (it expects a CDN) and knows nothing of the app's src/start.mjs: copy
// the first two in and bundle start.mjs beside server.js, so `node .next/standalone/apps/<name>/start.mjs` serves
// the whole site and the image copies one directory.
import { cpSync, existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const app = process.cwd();
const entry = join(app, "src/start.mjs");
// Next mirrors the workspace under .next/standalone (outputFileTracingRoot is the repository root).
const target = join(app, ".next/standalone", relative(join(app, "../.."), app));
for (const [file, problem] of [
  [entry, "run it in a Next app's directory"],
  [join(target, "server.js"), 'is output: "standalone" set?'],
]) {
  if (existsSync(file)) continue;
  console.error(`complete-standalone: ${file} is missing; ${problem}`);
  process.exit(1);
}

for (const dir of [".next/static", "public"]) {
  rmSync(join(target, dir), { recursive: true, force: true });
  if (existsSync(join(app, dir))) cpSync(join(app, dir), join(target, dir), { recursive: true });
}

await build({
  entryPoints: [entry],
  outfile: join(target, "start.mjs"),
  bundle: true,
  platform: "node",
  target: "node26",
  format: "esm",
  // Next's server stays Next's: loaded at run time from the standalone tree.
  external: ["./server.js"],
  legalComments: "none",
  logLevel: "warning",
});

// .next/cache is the only place the server writes; the image makes it writable, so ship it empty.
rmSync(join(target, ".next/cache"), { recursive: true, force: true });
