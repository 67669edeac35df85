// Bundles the API into dist/index.mjs: one file with its dependencies inlined, so the runtime tree (and the
// OCI image) needs no node_modules and nothing is installed when the container starts.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.mjs",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
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
