// After `next build`: make .next/standalone a complete runtime tree. Next leaves out the static assets and
// public/ (it expects a CDN to serve them) and knows nothing of our start entry; copy all three in, so
// `node .next/standalone/apps/web/start.mjs` serves the whole site and the Nix build copies one directory.
import { cpSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";

const app = join(import.meta.dirname, "..");
const target = join(app, ".next/standalone/apps/web");
if (!existsSync(join(target, "server.js"))) {
  console.error(`complete-standalone: ${target}/server.js is missing; is output: "standalone" set?`);
  process.exit(1);
}

const copies = [
  [".next/static", ".next/static"],
  ["public", "public"],
  ["start.mjs", "start.mjs"],
];
for (const [from, to] of copies) {
  const source = join(app, from);
  if (!existsSync(source)) continue;
  rmSync(join(target, to), { recursive: true, force: true });
  cpSync(source, join(target, to), { recursive: true });
}
// .next/cache is the only place the server writes; the image makes it writable, so ship it empty.
rmSync(join(target, ".next/cache"), { recursive: true, force: true });
