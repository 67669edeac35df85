// Every app under apps/ describes itself with a valid `runtime` field, and the schema refuses what would break
// the images, the shells or CI.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appManifestSchema, appName } from "../src/runtime.js";

const appsDir = join(import.meta.dirname, "../../../apps");
const apps = readdirSync(appsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const manifestOf = (app: string): unknown =>
  JSON.parse(readFileSync(join(appsDir, app, "package.json"), "utf8"));

const valid = {
  name: "shop",
  version: "0.1.0",
  private: true,
  scripts: { dev: "d", build: "b", test: "t", lint: "l", typecheck: "c" },
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
const issues = (value: unknown) => {
  const result = appManifestSchema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the apps under apps/", () => {
  it("are there", () => {
    expect(apps).toContain("web");
    expect(apps).toContain("api");
  });

  it.each(apps)("apps/%s/package.json has a valid runtime field named after its directory", (app) => {
    const manifest = appManifestSchema.parse(manifestOf(app));
    expect(manifest.name).toBe(app);
    for (const need of manifest.runtime.needs) expect(apps).toContain(need);
  });

  it("use distinct ports", () => {
    const ports = apps.map((app) => appManifestSchema.parse(manifestOf(app)).runtime.port);
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe("appManifestSchema", () => {
  it("accepts a well-formed app", () => {
    expect(issues(valid)).toEqual([]);
  });

  it("accepts declared requests for the bench", () => {
    const requests = [
      { name: "list", method: "GET", path: "/items" },
      { name: "add", method: "POST", path: "/items", json: { text: "x", tags: ["a"] } },
    ];
    expect(issues(withRuntime({ requests }))).toEqual([]);
  });

  it.each([
    ["an unknown kind", withRuntime({ kind: "deno" }), "runtime.kind"],
    ["a privileged port", withRuntime({ port: 80 }), "runtime.port"],
    ["a port as a string", withRuntime({ port: "3002" }), "runtime.port"],
    ["a relative ready path", withRuntime({ ready: "ready" }), "runtime.ready"],
    ["an entry outside the tree", withRuntime({ entry: "../index.mjs" }), "runtime.entry"],
    ["an absolute entry", withRuntime({ entry: "/index.mjs" }), "runtime.entry"],
    ["a relative writable dir", withRuntime({ writableDirs: ["tmp"] }), "runtime.writableDirs.0"],
    ["a writable dir climbing out", withRuntime({ writableDirs: ["/tmp/../etc"] }), "runtime.writableDirs.0"],
    ["nothing writable", withRuntime({ writableDirs: [] }), "runtime.writableDirs"],
    ["a lowercase variable", withRuntime({ env: { SHOP_PORT: "3002", shop: "x" } }), "runtime.env.shop"],
    ["a non-string value", withRuntime({ env: { SHOP_PORT: 3002 } }), "runtime.env.SHOP_PORT"],
    ["no <NAME>_PORT for the port", withRuntime({ env: { SHOP_PORT: "3003" } }), "runtime.env"],
    ["needing itself", withRuntime({ needs: ["shop"] }), "runtime.needs"],
    ["needing a bad name", withRuntime({ needs: ["Api"] }), "runtime.needs.0"],
    ["a misspelt field", withRuntime({ writeableDirs: ["/tmp"] }), "runtime"],
    [
      "a request with a PUT",
      withRuntime({ requests: [{ name: "x", method: "PUT", path: "/" }] }),
      "runtime.requests.0.method",
    ],
    [
      "a request to a full URL",
      withRuntime({ requests: [{ name: "x", method: "GET", path: "http://a/" }] }),
      "runtime.requests.0.path",
    ],
    [
      "a request without a name",
      withRuntime({ requests: [{ method: "GET", path: "/" }] }),
      "runtime.requests.0.name",
    ],
    ["a next entry outside apps/<name>/", withRuntime({ kind: "next", entry: "start.mjs" }), "runtime.entry"],
    ["no runtime at all", { ...valid, runtime: undefined }, "runtime"],
    ["an uppercase name", { ...valid, name: "Shop" }, "name"],
  ])("rejects %s", (_what, value, path) => {
    const found = issues(value);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((issue) => issue.startsWith(`${path}:`))).toBe(true);
  });

  it.each(["default", "pnpm-deps", "image-shop", "9lives", "my--app", "a".repeat(41)])(
    "refuses the app name %s",
    (name) => {
      expect(appName.safeParse(name).success).toBe(false);
    },
  );
});
