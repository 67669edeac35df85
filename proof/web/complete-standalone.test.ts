// @repo/server's complete-standalone bin refuses, by name, to run where there is nothing to complete.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../../packages/server/src/complete-standalone.mjs");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** apps/<name> inside a temp workspace, with `files` written in it. */
function appDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "complete-standalone-"));
  dirs.push(root);
  const app = join(root, "apps/demo");
  mkdirSync(join(app, "src"), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(app, name), text);
  return app;
}

const run = (cwd: string) => spawnSync(process.execPath, [bin], { cwd, encoding: "utf8" });

describe("complete-standalone", () => {
  it("outside a Next app (no src/start.mjs): exit 1, says so", () => {
    const result = run(appDir({}));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("apps/demo/src/start.mjs is missing");
  });

  it("before `next build` (no standalone server.js): exit 1, names the missing file", () => {
    const result = run(appDir({ "src/start.mjs": 'await import("./server.js");\n' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(".next/standalone/apps/demo/server.js is missing");
  });
});
