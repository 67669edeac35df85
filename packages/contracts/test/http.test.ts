// The bodies every app shares: errors and /ready.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { problem, readyBody, validationProblem } from "../src/http.js";

describe("shared bodies", () => {
  it("parses error bodies, keeping extra fields, and refuses others", () => {
    expect(problem.parse({ error: "not_found", message: "gone", id: "x" })).toMatchObject({ id: "x" });
    expect(problem.safeParse({ message: "no code" }).success).toBe(false);
    expect(problem.safeParse("<html>").success).toBe(false);
  });

  it("parses /ready's answer and nothing else", () => {
    expect(readyBody.safeParse({ status: "ready" }).success).toBe(true);
    expect(readyBody.safeParse({ status: "ok" }).success).toBe(false);
  });

  it("turns a failed parse into validation_failed naming the first field, listing every issue", () => {
    const schema = z.strictObject({ a: z.string({ error: "must be a string" }), b: z.number() });
    const result = schema.safeParse({ a: 1, b: "x" });
    expect(result.success).toBe(false);
    expect(validationProblem(result.error!)).toEqual({
      error: "validation_failed",
      message: "a must be a string",
      issues: [
        { field: "a", message: "must be a string" },
        { field: "b", message: expect.any(String) as string },
      ],
    });
    const whole = schema.safeParse([]);
    expect(validationProblem(whole.error!).message).toMatch(/^\(body\) /);
  });
});
