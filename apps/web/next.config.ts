import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { NextConfig } from "next";
import { FORM_BODY_LIMIT_BYTES } from "./src/request-guard";

const repoRoot = join(import.meta.dirname, "../..");
const inputs = [
  "pnpm-lock.yaml",
  ...["apps/web", "packages/db", "packages/server", "packages/ui"].flatMap((dir) => [
    `${dir}/src`,
    `${dir}/package.json`,
  ]),
  "apps/web/public",
  "apps/web/next.config.ts",
  "apps/web/postcss.config.mjs",
];

/** Next's build ID is random; a hash of the build's inputs gives reproducible images and a new ID per change. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const files = inputs.flatMap((input) => {
    const path = join(repoRoot, input);
    if (!statSync(path).isDirectory()) return [path];
    const entries = readdirSync(path, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  });
  for (const file of files.map((f) => relative(repoRoot, f)).sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(repoRoot, file)))
      .update("\0");
  return hash.digest("hex").slice(0, 20);
}

const config: NextConfig = {
  // server.js plus the node_modules it traces, from the repository root so the workspace packages are included.
  output: "standalone",
  outputFileTracingRoot: repoRoot,
  // The workspace packages ship TypeScript source.
  transpilePackages: ["@repo/ui", "@repo/server", "@repo/db"],
  // No sharp in the image (18 MB): images are served as they are.
  images: { unoptimized: true },
  poweredByHeader: false,
  // `pnpm typecheck` owns type errors; the build doesn't check them a second time.
  typescript: { ignoreBuildErrors: true },
  generateBuildId: sourceHash,
  // Form posts (Server Actions) are a few hundred bytes: refuse more than 16 KiB, and buffer no more for the proxy.
  // Next refuses an action whose Origin isn't this host; behind a proxy that rewrites Host, list the public host
  // in serverActions.allowedOrigins.
  experimental: {
    serverActions: { bodySizeLimit: FORM_BODY_LIMIT_BYTES },
    proxyClientMaxBodySize: FORM_BODY_LIMIT_BYTES,
  },
  // Every response, API routes and static files included (pages also get a CSP from src/proxy.ts).
  headers: () =>
    Promise.resolve([
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ]),
};

export default config;
