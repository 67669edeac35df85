// parseEnv(): defaults, coercion, and errors that name the variable at fault.
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../src/env.js";

/** The EnvError parseEnv throws for `source` (fails the test when it does not throw). */
function envError(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return err as EnvError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

describe("parseEnv", () => {
  it("fills in the documented defaults for an empty environment", () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: "development",
      API_PORT: 3001,
      API_HOST: "127.0.0.1",
      WEB_ORIGIN: "http://localhost:3000",
      LOG_LEVEL: "info",
      NOTES_LIMIT: 1000,
      SHUTDOWN_DELAY_MS: 0,
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it("coerces numeric strings and keeps the given values", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      API_PORT: "8080",
      API_HOST: "0.0.0.0",
      WEB_ORIGIN: "https://example.com",
      LOG_LEVEL: "warn",
      NOTES_LIMIT: "5",
      SHUTDOWN_DELAY_MS: "250",
      SHUTDOWN_TIMEOUT_MS: "3000",
    });
    expect(env).toEqual({
      NODE_ENV: "production",
      API_PORT: 8080,
      API_HOST: "0.0.0.0",
      WEB_ORIGIN: "https://example.com",
      LOG_LEVEL: "warn",
      NOTES_LIMIT: 5,
      SHUTDOWN_DELAY_MS: 250,
      SHUTDOWN_TIMEOUT_MS: 3000,
    });
  });

  it("treats a set-but-empty number variable as unset, not as 0", () => {
    const env = parseEnv({ API_PORT: "", NOTES_LIMIT: "", SHUTDOWN_TIMEOUT_MS: "" });
    expect(env.API_PORT).toBe(3001);
    expect(env.NOTES_LIMIT).toBe(1000);
    expect(env.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
  });

  it("normalises WEB_ORIGIN to the origin browsers send, and refuses non-http ones", () => {
    expect(parseEnv({ WEB_ORIGIN: "https://app.example.com/" }).WEB_ORIGIN).toBe("https://app.example.com");
    expect(() => parseEnv({ WEB_ORIGIN: "localhost:3000" })).toThrow(/WEB_ORIGIN/);
    expect(() => parseEnv({ WEB_ORIGIN: "ftp://files.example.com" })).toThrow(/WEB_ORIGIN/);
  });

  it("accepts API_PORT=0 (the OS picks a free port)", () => {
    expect(parseEnv({ API_PORT: "0" }).API_PORT).toBe(0);
  });

  it("ignores a globally exported PORT and HOSTNAME", () => {
    const env = parseEnv({ PORT: "4000", HOSTNAME: "10.1.2.3" });
    expect(env.API_PORT).toBe(3001);
    expect(env.API_HOST).toBe("127.0.0.1");
    expect(parseEnv({ PORT: "4000", API_PORT: "5000" }).API_PORT).toBe(5000);
  });

  it.each([
    ["API_PORT", "abc"],
    ["API_PORT", "70000"],
    ["API_PORT", "-1"],
    ["API_PORT", "80.5"],
    ["WEB_ORIGIN", "not a url"],
    ["LOG_LEVEL", "verbose"],
    ["LOG_LEVEL", "INFO"],
    ["NODE_ENV", "staging"],
    ["NOTES_LIMIT", "0"],
    ["SHUTDOWN_DELAY_MS", "-5"],
    ["SHUTDOWN_TIMEOUT_MS", "soon"],
  ])("rejects %s=%j with an error naming it", (name, value) => {
    const err = envError({ [name]: value });
    expect(err.message).toMatch(/^invalid configuration: /);
    expect(err.message).toContain(`${name}: `);
  });

  it("names every bad variable at once, and only those", () => {
    const err = envError({ API_PORT: "abc", WEB_ORIGIN: "nope", LOG_LEVEL: "loud", API_HOST: "0.0.0.0" });
    expect(err.message).toContain("API_PORT: ");
    expect(err.message).toContain("WEB_ORIGIN: ");
    expect(err.message).toContain("LOG_LEVEL: ");
    expect(err.message).not.toContain("API_HOST");
    expect(err.message.split("; ")).toHaveLength(3);
  });

  it("rejects an empty API_HOST", () => {
    expect(envError({ API_HOST: "" }).message).toContain("API_HOST: ");
  });
});
