// The configuration rules every app shares, and configOrExit, which applies them before anything listens.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { checkTimeouts, host, parseConfig, port, postgresUrl, serverLifecycle } from "../src/config.ts";
import { configOrExit } from "../src/guard.ts";

const schema = z
  .object({
    APP_PORT: port.default(3000),
    APP_HOST: host.optional(),
    DB: postgresUrl.optional(),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts);
const parse = (source: Record<string, string>) => parseConfig(schema, source, { secrets: ["DB"] });

describe("parseConfig", () => {
  it("fills in defaults, and reads a variable set to the empty string as unset", () => {
    expect(parse({ APP_PORT: "", SHUTDOWN_DELAY_MS: "" })).toEqual(parse({}));
    expect(parse({})).toMatchObject({ APP_PORT: 3000, HEADERS_TIMEOUT_MS: 10_000 });
  });

  it.each(["0", "65536", "0x50", "1e3", " 80", "80.0"])("refuses the port %j", (value) => {
    expect(() => parse({ APP_PORT: value })).toThrow(`(got ${JSON.stringify(value)})`);
  });

  it("names every bad variable at once, and never quotes a secret", () => {
    expect(() => parse({ APP_PORT: "0x50", DB: "mysql://app:hunter2@db/x", APP_HOST: "a b" })).toThrow(
      'invalid configuration: APP_PORT: must be plain decimal digits (got "0x50"); APP_HOST: must be a host name or address, no spaces or slashes (got "a b"); DB: must be one postgres://user:password@host[:port]/database URL',
    );
  });

  it("refuses a headers timeout longer than the request timeout", () => {
    expect(() => parse({ HEADERS_TIMEOUT_MS: "5000", REQUEST_TIMEOUT_MS: "1000" })).toThrow(
      "HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS",
    );
  });
});

describe("configOrExit", () => {
  it("prints one line naming the bad variable and exits 1", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(() => configOrExit("app", () => parse({ APP_PORT: "x" }))).toThrow("exit 1");
    expect(stderr).toHaveBeenCalledExactlyOnceWith(
      'app: invalid configuration: APP_PORT: must be plain decimal digits (got "x")\n',
    );
    exit.mockRestore();
    stderr.mockRestore();
  });
});
