// The configuration rules every app shares.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigError,
  checkTimeouts,
  host,
  httpUrl,
  parseConfig,
  port,
  postgresUrl,
  serverLifecycle,
} from "../src/config.js";

const schema = z
  .object({
    APP_PORT: port.default(3000),
    APP_HOST: host.default("127.0.0.1"),
    UPSTREAM: httpUrl.default("http://127.0.0.1:3001"),
    DB: postgresUrl.optional(),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts);

function refusal(source: Record<string, string>): string {
  try {
    parseConfig(schema, source, { secrets: ["DB"] });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(source)}`);
}

describe("parseConfig", () => {
  it("fills in defaults, and reads a variable set to the empty string as unset", () => {
    const defaults = parseConfig(schema, {});
    expect(defaults).toMatchObject({ APP_PORT: 3000, HEADERS_TIMEOUT_MS: 10_000, SHUTDOWN_DELAY_MS: 0 });
    expect(parseConfig(schema, { APP_PORT: "", SHUTDOWN_DELAY_MS: "" })).toEqual(defaults);
  });

  it.each(["0", "65536", "0x50", "1e3", "+80", " 80", "80.0", "abc"])("refuses the port %j", (value) => {
    const message = refusal({ APP_PORT: value });
    expect(message).toMatch(/^invalid configuration: APP_PORT: must be /);
    expect(message).toContain(`(got ${JSON.stringify(value)})`);
  });

  it.each([
    ["APP_HOST", "a host"],
    ["UPSTREAM", "127.0.0.1:3001"],
    ["DB", "http://db/x"],
    ["SHUTDOWN_TIMEOUT_MS", "600001"],
  ])("refuses %s=%j", (name, value) => {
    expect(refusal({ [name]: value })).toMatch(new RegExp(`^invalid configuration: ${name}: `));
  });

  it("refuses a headers timeout longer than the request timeout", () => {
    expect(refusal({ HEADERS_TIMEOUT_MS: "5000", REQUEST_TIMEOUT_MS: "1000" })).toContain(
      "HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS",
    );
  });

  it("names every bad variable at once, and never quotes a secret", () => {
    const message = refusal({ APP_PORT: "0x50", DB: "mysql://app:hunter2@db/x", APP_HOST: "0.0.0.0" });
    expect(message).toBe(
      'invalid configuration: APP_PORT: must be plain decimal digits (got "0x50"); DB: must be one postgres://user:password@host[:port]/database URL',
    );
  });
});
