import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { NextConfig } from "next";
import { FORM_BODY_LIMIT_BYTES } from "./src/proxy";

const appDir = import.meta.dirname;
const repoRoot = join(appDir, "../..");

/**
 * The build ID is a hash of what the build reads, not Next's random default: two builds of the same sources
 * give the same ID, which reproducible images need, and any source change still gives a new one.
 */
function sourceHash(): string {
  const hash = createHash("sha256");
  const roots = [
    "apps/web/src",
    "apps/web/public",
    "packages/ui/src",
    "packages/server/src",
    "packages/db/src",
  ];
  const files = [
    "apps/web/next.config.ts",
    "apps/web/postcss.config.mjs",
    "apps/web/package.json",
    "packages/ui/package.json",
    "packages/server/package.json",
    "packages/db/package.json",
    "apps/web/start.mjs",
    "pnpm-lock.yaml",
  ];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  const all = [...roots.flatMap((r) => walk(join(repoRoot, r))), ...files.map((f) => join(repoRoot, f))]
    .map((f) => relative(repoRoot, f))
    .sort();
  for (const file of all)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(repoRoot, file)))
      .update("\0");
  return hash.digest("hex").slice(0, 20);
}

const config: NextConfig = {
  // A self-contained server (server.js + the node_modules it traces) that the image runs with plain node.
  output: "standalone",
  // Trace from the repo root so workspace packages (@repo/ui) and pnpm's store layout are included.
  outputFileTracingRoot: repoRoot,
  // The workspace packages ship TypeScript source; Next compiles them like the app's own.
  transpilePackages: ["@repo/ui", "@repo/server", "@repo/db"],
  // No sharp in the image (it is 18 MB): serve images as they are.
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // `pnpm typecheck` (tsc over src, tests and scripts) owns type errors; the build doesn't run it a second time.
  typescript: { ignoreBuildErrors: true },
  generateBuildId: () => sourceHash(),
  // The forms' writes are Server Actions (src/app/actions.ts). A form post is a few hundred bytes: anything over
  // 16 KiB is refused with 413 before the action runs. Next refuses an action whose Origin isn't this server's
  // host (cross-site forms); behind a proxy that rewrites Host, list the public host here, e.g.
  // allowedOrigins: ["app.example.com"] (https://nextjs.org/docs/app/api-reference/config/next-config-js/serverActions).
  experimental: {
    serverActions: { bodySizeLimit: FORM_BODY_LIMIT_BYTES },
    // The proxy (src/proxy.ts) runs on page requests, form posts included, and Next buffers the body for it:
    // keep that buffer as small as the actions' limit, not the 10 MB default, so a huge upload costs little memory.
    proxyClientMaxBodySize: FORM_BODY_LIMIT_BYTES,
  },
  // For every response, API routes and static files included (pages also get a CSP from src/proxy.ts).
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
