#!/usr/bin/env node
// `complete-standalone`, run in a Next app's directory after `next build` (its build script: `next build &&
// complete-standalone`): make .next/standalone a complete runtime tree. Next leaves out the static assets and
// public/ (it expects a CDN to serve them) and knows nothing of the app's start.mjs: copy the first two in and
// bundle start.mjs (with @repo/server and the app's env.ts) beside server.js, so
// `node .next/standalone/apps/<name>/start.mjs` serves the whole site and the Nix build copies one directory.
import { cpSync, existsSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const app = process.cwd();
// Next mirrors the workspace under .next/standalone (outputFileTracingRoot is the repository root).
const target = join(app, ".next/standalone", relative(join(app, "../.."), app));
if (!existsSync(join(app, "start.mjs"))) {
  console.error(`complete-standalone: no start.mjs in ${app}; run it in a Next app's directory`);
  process.exit(1);
}
if (!existsSync(join(target, "server.js"))) {
  console.error(`complete-standalone: ${target}/server.js is missing; is output: "standalone" set?`);
  process.exit(1);
}

for (const dir of [".next/static", "public"]) {
  if (!existsSync(join(app, dir))) continue;
  rmSync(join(target, dir), { recursive: true, force: true });
  cpSync(join(app, dir), join(target, dir), { recursive: true });
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
