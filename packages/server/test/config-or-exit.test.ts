// configOrExit(): how every app's entry reads its configuration before anything listens.
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { parseConfig, port } from "../src/config.js";
import { configOrExit } from "../src/guard.js";

const schema = z.object({ APP_PORT: port.default(3000) });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("configOrExit", () => {
  it("returns the parsed configuration", () => {
    expect(configOrExit("app", () => parseConfig(schema, { APP_PORT: "8080" }))).toEqual({ APP_PORT: 8080 });
  });

  it("prints one line naming the bad variable and exits 1", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${String(code)}`);
    });
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(() => configOrExit("app", () => parseConfig(schema, { APP_PORT: "0x50" }))).toThrow("exit 1");
    expect(exit).toHaveBeenCalledWith(1);
    expect(stderr).toHaveBeenCalledExactlyOnceWith(
      'app: invalid configuration: APP_PORT: must be plain decimal digits (got "0x50")\n',
    );
  });

  it("rethrows anything that is not a configuration error", () => {
    const exit = vi.spyOn(process, "exit");
    expect(() =>
      configOrExit("app", () => {
        throw new TypeError("a bug");
      }),
    ).toThrow(TypeError);
    expect(exit).not.toHaveBeenCalled();
  });
});
