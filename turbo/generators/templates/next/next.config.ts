import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { NextConfig } from "next";

const appDir = import.meta.dirname;
const repoRoot = join(appDir, "../..");

/**
 * The build ID is a hash of the sources the build reads (the app's and @repo/server's), not
 * Next's random default: the same sources give the same image.
 */
function sourceHash(): string {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  const files = [
    ...walk(join(appDir, "src")),
    ...walk(join(repoRoot, "packages/server/src")),
    join(appDir, "package.json"),
    join(appDir, "start.mjs"),
    join(repoRoot, "pnpm-lock.yaml"),
  ].sort();
  const hash = createHash("sha256");
  for (const file of files)
    hash.update(relative(repoRoot, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 20);
}

const config: NextConfig = {
  // A self-contained server (server.js + the node_modules it traces) that the image runs with plain node.
  output: "standalone",
  // Trace from the repo root so workspace packages and pnpm's store layout are included.
  outputFileTracingRoot: repoRoot,
  // @repo/server ships TypeScript source; Next compiles it like the app's own.
  transpilePackages: ["@repo/server"],
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // `pnpm typecheck` owns type errors; the build doesn't run it a second time.
  typescript: { ignoreBuildErrors: true },
  generateBuildId: () => sourceHash(),
};

export default config;
