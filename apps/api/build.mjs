// dist/: index.mjs (the server) and migrate.mjs (a pre-deploy job), each one file with its dependencies inlined, and
// the migrations they read: the image needs no node_modules.
import { cpSync, rmSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts", "src/migrate.ts"],
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node26",
  format: "esm",
  // PGlite (27 MB of WASM) is the development database, imported from node_modules only when DATABASE_URL is unset.
  external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "drizzle-orm/pglite", "drizzle-orm/pglite/*"],
  minify: true,
  keepNames: true, // readable stack traces without a source map
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  legalComments: "linked",
  logLevel: "warning",
});

// Replaced, not merged, so a migration deleted from the source is gone from dist too.
rmSync("dist/migrations", { recursive: true, force: true });
cpSync("../../packages/db/migrations", "dist/migrations", { recursive: true });
