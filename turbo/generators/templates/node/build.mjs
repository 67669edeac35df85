// Bundles the app into dist/index.mjs: one file with its dependencies inlined, so the runtime tree (and the OCI
// image) needs no node_modules.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.mjs",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  keepNames: true,
  legalComments: "linked",
  logLevel: "warning",
});
