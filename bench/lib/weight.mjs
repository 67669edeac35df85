// What the browser loads for a page, and what each image carries besides Node.
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { treeBytes } from "./proc.mjs";

/**
 * The JavaScript a page makes the browser load: every /_next/static/...js the HTML references as a <script src>
 * or a <link rel="preload" as="script">, fetched from the running server and gzipped (level 6, what Next's own
 * compression sends). noModule scripts (legacy polyfills) are listed apart: modern browsers skip them.
 */
export async function pageWeight(baseUrl, path = "/") {
  const html = await (await fetch(new URL(path, baseUrl))).text();
  const srcs = new Map();
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    const src = /\bsrc="([^"]+)"/.exec(tag)?.[1];
    if (src) srcs.set(src, /\bnoModule\b/i.test(tag));
  }
  for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\bas="script"/.test(tag) && !srcs.has(href)) srcs.set(href, false);
  }
  const chunks = [];
  for (const [src, noModule] of srcs) {
    if (!src.startsWith("/_next/static/") || !src.endsWith(".js")) continue;
    const res = await fetch(new URL(src, baseUrl));
    if (!res.ok) throw new Error(`${src}: ${res.status}`);
    const raw = Buffer.from(await res.arrayBuffer());
    chunks.push({ src, noModule, bytes: raw.length, gzip: gzipSync(raw).length });
  }
  const modern = chunks.filter((c) => !c.noModule);
  return {
    chunks,
    count: modern.length,
    gzip: modern.reduce((a, c) => a + c.gzip, 0),
    raw: modern.reduce((a, c) => a + c.bytes, 0),
    noModuleGzip: chunks.filter((c) => c.noModule).reduce((a, c) => a + c.gzip, 0),
    htmlGzip: gzipSync(Buffer.from(html)).length,
  };
}

/**
 * Bytes of apps/web/.next/standalone, the tree the web image copies (nix/web.nix: cp -R standalone; .next/cache
 * is replaced by a link), split into Next's own runtime, React, other traced packages, and the app itself.
 * Symlinks count 0 (pnpm's layout is full of them; they are links in the image too).
 */
export function webPayload(standalone) {
  const parts = { next: 0, react: 0, otherDeps: 0, app: 0, rest: 0 };
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      const rel = relative(standalone, full).split(sep).join("/");
      if (e.isDirectory()) {
        if (rel === "apps/web/.next/cache") continue;
        walk(full);
      } else if (e.isFile()) {
        const size = statSync(full).size;
        let part = "rest";
        const pkg = /node_modules\/\.pnpm\/([^/]+)\//.exec(rel)?.[1];
        if (pkg) {
          if (/^(next@|@next\+)/.test(pkg)) part = "next";
          else if (/^(react@|react-dom@|scheduler@)/.test(pkg)) part = "react";
          else part = "otherDeps";
        } else if (rel.startsWith("node_modules/")) part = "otherDeps";
        else if (rel.startsWith("apps/web/")) part = "app";
        parts[part] += size;
      }
    }
  };
  walk(standalone);
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return { total, parts, sharp: /sharp|@img\+/.test(listPnpm(standalone)) };
}

function listPnpm(standalone) {
  try {
    return readdirSync(join(standalone, "node_modules/.pnpm")).join(" ");
  } catch {
    return "";
  }
}

/**
 * apps/api/dist, the tree the API image copies whole (nix/api.nix: cp -R dist): the bundle (runtime dependencies
 * inlined, so no node_modules), its source map and the licence file esbuild writes beside it.
 */
export function apiPayload(dist) {
  const files = {};
  for (const e of readdirSync(dist, { withFileTypes: true }))
    if (e.isFile()) files[e.name] = statSync(join(dist, e.name)).size;
  const total = treeBytes(dist);
  const maps = Object.entries(files)
    .filter(([n]) => n.endsWith(".map"))
    .reduce((a, [, s]) => a + s, 0);
  return { total, withoutMaps: total - maps, maps, files };
}
