// Every app under apps/ describes itself with a `runtime` field in its package.json (nix/apps.nix, the CI
// scripts and the dev shells read it). This checks each against the rules the images and shells rely on, and
// that the rules refuse what would break them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

type Manifest = Record<string, unknown> & { name?: unknown; runtime?: Record<string, unknown> };

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ABSOLUTE_DIR = /^(\/[A-Za-z0-9._-]+)+$/;
const RELATIVE_FILE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const URL_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const VARIABLE = /^[A-Z][A-Z0-9_]*$/;
const FIELDS = ["kind", "port", "ready", "entry", "writableDirs", "env", "needs"];
const noDots = (path: string) => !path.split("/").some((part) => part === "." || part === "..");

/** An app name: a directory, a package, an image suffix; not the name of another flake package. */
const isAppName = (name: unknown): name is string =>
  typeof name === "string" &&
  NAME.test(name) &&
  name.length <= 40 &&
  name !== "default" &&
  name !== "pnpm-deps" &&
  !name.startsWith("image-");

/** What is wrong with an app's package.json, as `<path>: <why>` lines; [] when nothing is. */
export function runtimeIssues(manifest: Manifest): string[] {
  const issues: string[] = [];
  const fail = (path: string, why: string) => issues.push(`${path}: ${why}`);
  if (!isAppName(manifest.name)) fail("name", "must be lowercase words joined by single hyphens");
  const r = manifest.runtime;
  if (typeof r !== "object" || r === null) return [...issues, "runtime: missing"];
  for (const key of Object.keys(r)) if (!FIELDS.includes(key)) fail(`runtime.${key}`, "unknown field");
  if (r.kind !== "next" && r.kind !== "node") fail("runtime.kind", "must be next or node");
  if (!Number.isInteger(r.port) || (r.port as number) < 1024 || (r.port as number) > 65535)
    fail("runtime.port", "must be an unprivileged port number");
  if (typeof r.ready !== "string" || !URL_PATH.test(r.ready)) fail("runtime.ready", "must be a URL path");
  if (typeof r.entry !== "string" || !RELATIVE_FILE.test(r.entry) || !noDots(r.entry))
    fail("runtime.entry", "must be a relative path inside the runtime tree");
  else if (r.kind === "next" && !r.entry.startsWith(`apps/${String(manifest.name)}/`))
    fail("runtime.entry", `a next app's standalone tree keeps it under apps/${String(manifest.name)}/`);
  const dirs = Array.isArray(r.writableDirs) ? (r.writableDirs as unknown[]) : [];
  if (dirs.length === 0) fail("runtime.writableDirs", "must list at least /tmp");
  dirs.forEach((dir, i) => {
    if (typeof dir !== "string" || !ABSOLUTE_DIR.test(dir) || !noDots(dir))
      fail(`runtime.writableDirs.${i}`, "must be an absolute directory path");
  });
  const env = typeof r.env === "object" && r.env !== null ? (r.env as Record<string, unknown>) : undefined;
  if (!env) fail("runtime.env", "must be an object");
  for (const [key, value] of Object.entries(env ?? {})) {
    if (!VARIABLE.test(key)) fail(`runtime.env.${key}`, "must be an UPPER_CASE variable name");
    if (typeof value !== "string") fail(`runtime.env.${key}`, "must be a string");
  }
  const portVars = Object.entries(env ?? {}).filter(([k, v]) => k.endsWith("_PORT") && v === String(r.port));
  if (env && portVars.length !== 1)
    fail("runtime.env", `must set exactly one <NAME>_PORT to ${String(r.port)}`);
  const needs = Array.isArray(r.needs) ? (r.needs as unknown[]) : undefined;
  if (!needs) fail("runtime.needs", "must be a list of app names");
  needs?.forEach((need, i) => {
    if (!isAppName(need)) fail(`runtime.needs.${i}`, "must be an app name");
    else if (need === manifest.name) fail("runtime.needs", "an app cannot need itself");
  });
  return issues;
}

const appsDir = join(import.meta.dirname, "../../../apps");
const apps = readdirSync(appsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const manifestOf = (app: string): Manifest =>
  JSON.parse(readFileSync(join(appsDir, app, "package.json"), "utf8")) as Manifest;

describe("the apps under apps/", () => {
  it("are there", () => {
    expect(apps).toEqual(expect.arrayContaining(["api", "web"]));
  });

  it.each(apps)("apps/%s/package.json has a valid runtime field, named after its directory", (app) => {
    const manifest = manifestOf(app);
    expect(runtimeIssues(manifest)).toEqual([]);
    expect(manifest.name).toBe(app);
    for (const need of manifest.runtime?.needs as string[]) expect(apps).toContain(need);
  });

  it("use distinct ports", () => {
    const ports = apps.map((app) => manifestOf(app).runtime?.port);
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe("runtimeIssues", () => {
  const valid = {
    name: "shop",
    runtime: {
      kind: "node",
      port: 3002,
      ready: "/ready",
      entry: "index.mjs",
      writableDirs: ["/tmp"],
      env: { SHOP_PORT: "3002", SHOP_HOST: "0.0.0.0" },
      needs: ["api"],
    },
  };
  const withRuntime = (patch: Record<string, unknown>) => ({
    ...valid,
    runtime: { ...valid.runtime, ...patch },
  });

  it("accepts a well-formed app", () => {
    expect(runtimeIssues(valid)).toEqual([]);
  });

  it.each([
    ["an unknown kind", withRuntime({ kind: "deno" }), "runtime.kind"],
    ["a privileged port", withRuntime({ port: 80 }), "runtime.port"],
    ["a port as a string", withRuntime({ port: "3002" }), "runtime.port"],
    ["a relative ready path", withRuntime({ ready: "ready" }), "runtime.ready"],
    ["an entry outside the tree", withRuntime({ entry: "../index.mjs" }), "runtime.entry"],
    ["an absolute entry", withRuntime({ entry: "/index.mjs" }), "runtime.entry"],
    ["a next entry outside apps/<name>/", withRuntime({ kind: "next", entry: "start.mjs" }), "runtime.entry"],
    ["a relative writable dir", withRuntime({ writableDirs: ["tmp"] }), "runtime.writableDirs.0"],
    ["a writable dir climbing out", withRuntime({ writableDirs: ["/tmp/../etc"] }), "runtime.writableDirs.0"],
    ["nothing writable", withRuntime({ writableDirs: [] }), "runtime.writableDirs"],
    ["a lowercase variable", withRuntime({ env: { SHOP_PORT: "3002", shop: "x" } }), "runtime.env.shop"],
    ["a non-string value", withRuntime({ env: { SHOP_PORT: 3002 } }), "runtime.env.SHOP_PORT"],
    ["no <NAME>_PORT for the port", withRuntime({ env: { SHOP_PORT: "3003" } }), "runtime.env"],
    ["needing itself", withRuntime({ needs: ["shop"] }), "runtime.needs"],
    ["needing a bad name", withRuntime({ needs: ["Api"] }), "runtime.needs.0"],
    ["a misspelt field", withRuntime({ writeableDirs: ["/tmp"] }), "runtime.writeableDirs"],
    ["no runtime at all", { name: "shop" }, "runtime"],
    ["an uppercase name", { ...valid, name: "Shop" }, "name"],
    ["the name of another flake package", { ...valid, name: "pnpm-deps" }, "name"],
    ["an image-* name", { ...valid, name: "image-shop" }, "name"],
  ])("refuses %s", (_what, manifest, path) => {
    expect(runtimeIssues(manifest).some((issue) => issue.startsWith(`${path}:`))).toBe(true);
  });
});
