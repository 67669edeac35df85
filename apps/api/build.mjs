// Bundles the API into dist/: index.mjs (the server) and migrate.mjs (applies the migrations and exits, for a
// pre-deploy job), each one file with its dependencies inlined, plus the SQL migrations they read. The runtime tree
// (and the OCI image) needs no node_modules and nothing is installed when the container starts.
import { cpSync, rmSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts", "src/migrate.ts"],
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  // PGlite is the development database (27 MB of WASM): loaded by dynamic import only when DATABASE_URL is unset
  // outside production, from node_modules. Left out here, so the production tree and image carry none of it.
  external: ["@electric-sql/pglite", "@electric-sql/pglite/*", "drizzle-orm/pglite", "drizzle-orm/pglite/*"],
  // Minified but with function names kept, so production stack traces stay readable without a 3.5 MB source
  // map in the image.
  minify: true,
  keepNames: true,
  // Some bundled CommonJS dependencies call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  legalComments: "linked",
  logLevel: "warning",
});

// drizzle's migrator reads the folder at run time (SQL files and meta/_journal.json). Replaced, not merged, so a
// migration deleted from the source is gone from dist too (dist itself stays: a sandboxed build may only write in it).
rmSync("dist/migrations", { recursive: true, force: true });
cpSync("migrations", "dist/migrations", { recursive: true });
