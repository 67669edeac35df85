import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { NextConfig } from "next";

const repoRoot = join(import.meta.dirname, "../..");

// The build ID hashes the sources and the lockfile, not Next's random default: the same sources, the same image.
function sourceHash(): string {
  const hash = createHash("sha256");
  const sources = readdirSync(join(import.meta.dirname, "src"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  for (const file of [...sources.sort(), join(repoRoot, "pnpm-lock.yaml")])
    hash.update(relative(repoRoot, file)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 20);
}

const config: NextConfig = {
  // server.js and the node_modules it traces from the repository root: what the image runs with plain node.
  output: "standalone",
  outputFileTracingRoot: repoRoot,
  transpilePackages: ["@repo/server"],
  poweredByHeader: false,
  generateBuildId: sourceHash,
};

export default config;
