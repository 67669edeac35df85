// parseWebEnv(): the web's schema on the shared rules (@repo/server/config tests the rules themselves).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWebEnv } from "@/env";

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
  it("fills in the defaults, which .env.example documents", () => {
    expect(parseWebEnv({})).toEqual(defaults);
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const assigned = Object.fromEntries(
      [...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map(([, name = "", value = ""]) => [name, value] as const),
    );
    expect(parseWebEnv(assigned)).toEqual(defaults);
    expect(Object.keys(assigned).sort()).toEqual(Object.keys(defaults).sort());
  });

  it("treats every variable set but empty as unset", () => {
    expect(parseWebEnv(Object.fromEntries(Object.keys(defaults).map((k) => [k, ""])))).toEqual(defaults);
  });

  it("listens where WEB_PORT says, ignoring PORT and HOSTNAME", () => {
    const env = parseWebEnv({
      API_URL: "http://api.internal:8080",
      WEB_PORT: "8000",
      PORT: "1",
      HOSTNAME: "x",
    });
    expect(env).toMatchObject({ API_URL: "http://api.internal:8080", WEB_PORT: 8000, WEB_HOST: "0.0.0.0" });
  });

  it.each([
    ["WEB_PORT", "0x50"],
    ["WEB_HOST", "a b"],
    ["API_URL", "ftp://api.internal"],
    ["API_TIMEOUT_MS", "5s"],
    ["SHUTDOWN_TIMEOUT_MS", "1e4"],
  ])("rejects %s=%j, naming it", (name, value) => {
    expect(() => parseWebEnv({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}: `));
  });

  it("names every bad variable at once", () => {
    expect(() => parseWebEnv({ WEB_PORT: "x", API_URL: "nope" })).toThrow(/WEB_PORT: .*; API_URL: /);
  });
});
