// parseWebEnv(): the web's schema on the shared rules (@repo/contracts/config tests the rules themselves).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ConfigError, parseWebEnv, webEnvSchema } from "@/env";

const defaults = {
  WEB_PORT: 3000,
  WEB_HOST: "0.0.0.0",
  API_URL: "http://127.0.0.1:3001",
  API_TIMEOUT_MS: 5_000,
  HEADERS_TIMEOUT_MS: 10_000,
  REQUEST_TIMEOUT_MS: 30_000,
  KEEP_ALIVE_TIMEOUT_MS: 65_000,
  SHUTDOWN_DELAY_MS: 0,
  SHUTDOWN_TIMEOUT_MS: 10_000,
};

describe("parseWebEnv", () => {
  it("fills in the documented defaults", () => {
    expect(parseWebEnv({})).toEqual(defaults);
  });

  it("treats every variable set but empty as unset", () => {
    expect(parseWebEnv(Object.fromEntries(Object.keys(defaults).map((k) => [k, ""])))).toEqual(defaults);
  });

  it("takes API_URL and WEB_PORT from the environment, ignoring PORT and HOSTNAME", () => {
    const env = parseWebEnv({
      API_URL: "http://api.internal:8080",
      WEB_PORT: "8000",
      PORT: "1",
      HOSTNAME: "x",
    });
    expect(env.API_URL).toBe("http://api.internal:8080");
    expect(env.WEB_PORT).toBe(8000);
    expect(env.WEB_HOST).toBe("0.0.0.0");
  });

  it.each([
    ["WEB_PORT", "http"],
    ["WEB_PORT", "0x50"],
    ["WEB_PORT", "0"],
    ["WEB_PORT", "3000.0"],
    ["WEB_HOST", "a b"],
    ["API_URL", "not a url"],
    ["API_URL", "ftp://api.internal"],
    ["API_TIMEOUT_MS", "5s"],
    ["HEADERS_TIMEOUT_MS", "-1"],
    ["KEEP_ALIVE_TIMEOUT_MS", "x"],
    ["SHUTDOWN_TIMEOUT_MS", "1e4"],
  ])("rejects %s=%j, naming it", (name, value) => {
    expect(() => parseWebEnv({ [name]: value })).toThrow(ConfigError);
    expect(() => parseWebEnv({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}: `));
  });
});

describe("each variable declared once: the schema is the source", () => {
  const names = Object.keys(webEnvSchema.shape).sort();
  const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), "utf8");

  it("turbo.json passes exactly the schema's variables to dev and start", () => {
    const turbo = JSON.parse(read("turbo.json")) as { tasks: Record<string, { passThroughEnv?: string[] }> };
    for (const task of ["dev", "start"])
      expect([...(turbo.tasks[task]?.passThroughEnv ?? [])].sort(), task).toEqual(names);
  });

  it(".env.example names every variable once, and what it sets are the defaults", () => {
    const lines = read(".env.example").split("\n");
    const declared = lines.flatMap((line) => /^(?:# )?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? []);
    expect([...declared].sort()).toEqual(names);
    const assigned = Object.fromEntries(
      lines.flatMap((line) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        return match ? [[match[1]!, match[2]!]] : [];
      }),
    );
    expect(parseWebEnv(assigned)).toEqual(parseWebEnv({}));
  });
});
