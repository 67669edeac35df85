// The configuration rules both apps share.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigError,
  checkTimeouts,
  host,
  httpOrigin,
  httpUrl,
  parseConfig,
  port,
  postgresUrl,
  serverLifecycle,
} from "../src/config.js";

const schema = z
  .object({
    PORT_A: port.default(3000),
    HOST_A: host.default("127.0.0.1"),
    ORIGIN_A: httpOrigin.default("http://localhost:3000"),
    URL_A: httpUrl.default("http://127.0.0.1:3001"),
    ...serverLifecycle,
  })
  .superRefine(checkTimeouts);

function refusal(source: Record<string, string>): string {
  try {
    parseConfig(schema, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(source)}`);
}

describe("parseConfig", () => {
  it("fills in defaults, including the server timeouts", () => {
    expect(parseConfig(schema, {})).toEqual({
      PORT_A: 3000,
      HOST_A: "127.0.0.1",
      ORIGIN_A: "http://localhost:3000",
      URL_A: "http://127.0.0.1:3001",
      HEADERS_TIMEOUT_MS: 10_000,
      REQUEST_TIMEOUT_MS: 30_000,
      KEEP_ALIVE_TIMEOUT_MS: 65_000,
      SHUTDOWN_DELAY_MS: 0,
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it("treats every variable set to the empty string as unset", () => {
    const empty = Object.fromEntries(Object.keys(parseConfig(schema, {})).map((k) => [k, ""]));
    expect(parseConfig(schema, empty)).toEqual(parseConfig(schema, {}));
  });

  it.each(["1", "80", "3000", "65535"])("accepts the port %j", (value) => {
    expect(parseConfig(schema, { PORT_A: value }).PORT_A).toBe(Number(value));
  });

  it.each([
    "0",
    "65536",
    "0x50",
    "0o120",
    "0b1010000",
    "1e3",
    "+80",
    "-1",
    " 80",
    "80 ",
    "80.0",
    "80.5",
    "８０",
    "abc",
  ])("refuses the port %j, naming the variable and the value", (value) => {
    const message = refusal({ PORT_A: value });
    expect(message).toMatch(/^invalid configuration: PORT_A: /);
    expect(message).toContain(JSON.stringify(value));
  });

  it("normalises an origin to scheme://host[:port]", () => {
    expect(parseConfig(schema, { ORIGIN_A: "https://App.Example.com/" }).ORIGIN_A).toBe(
      "https://app.example.com",
    );
    expect(parseConfig(schema, { ORIGIN_A: "http://localhost:8080" }).ORIGIN_A).toBe("http://localhost:8080");
  });

  it.each([
    ["a comma-separated list", "http://a.example,http://b.example"],
    ["a space-separated list", "http://a.example http://b.example"],
    ["a path", "https://app.example.com/app"],
    ["a query", "https://app.example.com/?x=1"],
    ["credentials", "https://user:pw@app.example.com"],
    ["no scheme", "app.example.com"],
    ["ftp", "ftp://files.example.com"],
    ["a wildcard", "*"],
  ])("refuses an origin with %s", (_name, value) => {
    expect(refusal({ ORIGIN_A: value })).toMatch(/ORIGIN_A: /);
  });

  it.each(["not a url", "ftp://x.example", "/relative", "127.0.0.1:3001"])("refuses the URL %j", (value) => {
    expect(refusal({ URL_A: value })).toMatch(/URL_A: /);
  });

  it.each(["a b", "host/path"])("refuses the host %j", (value) => {
    expect(refusal({ HOST_A: value })).toMatch(/HOST_A: /);
  });

  it.each([
    "HEADERS_TIMEOUT_MS",
    "REQUEST_TIMEOUT_MS",
    "KEEP_ALIVE_TIMEOUT_MS",
    "SHUTDOWN_DELAY_MS",
    "SHUTDOWN_TIMEOUT_MS",
  ])("refuses %s that isn't plain milliseconds up to 10 minutes", (name) => {
    for (const value of ["soon", "-5", "1.5", "600001"])
      expect(refusal({ [name]: value })).toContain(`${name}: `);
  });

  it("refuses a headers timeout longer than the request timeout", () => {
    expect(refusal({ HEADERS_TIMEOUT_MS: "5000", REQUEST_TIMEOUT_MS: "1000" })).toMatch(
      /HEADERS_TIMEOUT_MS: must not be longer than REQUEST_TIMEOUT_MS/,
    );
  });

  it("names every bad variable at once, and only those", () => {
    const message = refusal({
      PORT_A: "0x50",
      ORIGIN_A: "http://a,http://b",
      URL_A: "nope",
      HOST_A: "0.0.0.0",
    });
    expect(message).toContain("PORT_A: ");
    expect(message).toContain("ORIGIN_A: ");
    expect(message).toContain("URL_A: ");
    expect(message).not.toContain("HOST_A");
    expect(message.split("; ")).toHaveLength(3);
  });

  it("accepts a postgres:// or postgresql:// URL and refuses anything else", () => {
    const db = z.object({ DB: postgresUrl });
    for (const value of ["postgres://app:pw@db.internal:5432/notes", "postgresql://127.0.0.1/x"])
      expect(parseConfig(db, { DB: value }).DB).toBe(value);
    for (const value of ["http://db/x", "host=db user=app", "postgres:///x", "db.internal:5432"])
      expect(() => parseConfig(db, { DB: value })).toThrow(/DB: must be one postgres:/);
  });

  it("never quotes a secret's value in the error", () => {
    const db = z.object({ DB: postgresUrl, PORT_A: port });
    const bad = { DB: "mysql://app:hunter2@db/x", PORT_A: "nope" };
    let message = "";
    try {
      parseConfig(db, bad, { secrets: ["DB"] });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("DB: must be one postgres://");
    expect(message).not.toContain("hunter2");
    expect(message).toContain('PORT_A: must be plain decimal digits (got "nope")');
  });
});
