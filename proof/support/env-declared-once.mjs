// One suite both apps (and the apps the generator writes) run against their env schema: each variable is declared
// once, in the schema, and the other places that list variables follow it. A separate entry point, like
// server-process.mjs, because it imports vitest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `appDir`: the app's directory; `names`: the schema's variable names; `parse`: the app's parser (variables in,
 * configuration out). turbo's dev and start tasks pass every schema variable through (the root's patterns and
 * globalEnv, plus the app's own turbo.json), and .env.example names each once, setting only the defaults.
 */
export function describeEnvDeclaredOnce({ appDir, names, parse }) {
  const read = (file) => readFileSync(join(appDir, file), "utf8");

  describe("each variable declared once: the schema is the source", () => {
    it("turbo passes every schema variable to dev and start, and the app's turbo.json names no other", () => {
      const root = JSON.parse(read("../../turbo.json"));
      let app = { tasks: {} };
      try {
        app = JSON.parse(read("turbo.json"));
      } catch {} // an app without its own turbo.json takes the root's lists
      const expected = [...names].filter((name) => !(root.globalEnv ?? []).includes(name));
      const matches = (pattern, name) => new RegExp(`^${pattern.replaceAll("*", ".*")}$`).test(name);
      for (const task of ["dev", "start"]) {
        const own = app.tasks[task]?.passThroughEnv;
        const patterns =
          own === undefined || own.includes("$TURBO_EXTENDS$")
            ? [...(root.tasks[task]?.passThroughEnv ?? []), ...(own ?? [])]
            : own;
        const missing = expected.filter((name) => !patterns.some((p) => matches(p, name)));
        expect(missing, task).toEqual([]);
        const stale = (own ?? []).filter((name) => name !== "$TURBO_EXTENDS$" && !names.includes(name));
        expect(stale, task).toEqual([]);
      }
    });

    it(".env.example names every variable once, and what it sets are the defaults", () => {
      const lines = read(".env.example").split("\n");
      const declared = lines.flatMap((line) => /^(?:# )?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? []);
      expect([...declared].sort()).toEqual([...names].sort());
      const assigned = Object.fromEntries(
        lines.flatMap((line) => {
          const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
          return match ? [[match[1], match[2]]] : [];
        }),
      );
      expect(parse(assigned)).toEqual(parse({}));
    });
  });
}
