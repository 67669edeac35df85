// dist/: index.mjs (the server) and migrate.mjs (a pre-deploy job) with their dependencies inlined, what both use in
// one shared chunk beside them, and the migrations they read: the image needs no node_modules.
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

// Emptied first, so a chunk or a migration gone from the source is gone from dist too. dist/ itself stays: a
// sandboxed build may be allowed to write there and nowhere else.
if (existsSync("dist")) for (const entry of readdirSync("dist")) rmSync(`dist/${entry}`, { recursive: true });
await build({
  entryPoints: ["src/index.ts", "src/migrate.ts"],
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node26",
  format: "esm",
  // PGlite (27 MB of WASM) is the development database, imported from node_modules only when DATABASE_URL is unset.
  external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "drizzle-orm/pglite", "drizzle-orm/pglite/*"],
  // Names stay as written, so stack traces read without a source map. esbuild's keepNames would keep them in a fully
  // minified bundle, but with a call for every function created: a sixth of the CPU an API read takes.
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  legalComments: "linked",
  logLevel: "warning",
});

cpSync("../../packages/db/migrations", "dist/migrations", { recursive: true });
