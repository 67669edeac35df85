// parseWebEnv(): the web's schema on the shared rules (@repo/server/config tests the rules themselves).
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { describeEnvDeclaredOnce } from "@repo/test-support/env-declared-once";
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

describeEnvDeclaredOnce({
  appDir: fileURLToPath(new URL("..", import.meta.url)),
  names: Object.keys(webEnvSchema.shape),
  parse: parseWebEnv,
});
