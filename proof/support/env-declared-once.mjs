// One suite both apps (and the apps the generator writes) run against their env schema: each variable is declared
// once, in the schema, and the other places that list variables follow it. A separate entry point, like
// server-process.mjs, because it imports vitest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * `appDir`: the app's directory; `names`: the schema's variable names; `parse`: the app's parser (variables in,
 * configuration out). turbo.json's dev and start tasks pass exactly the schema's variables through (less the
 * root's globalEnv, which every task gets), and .env.example names each once, setting only the defaults.
 */
export function describeEnvDeclaredOnce({ appDir, names, parse }) {
  const read = (file) => readFileSync(join(appDir, file), "utf8");

  describe("each variable declared once: the schema is the source", () => {
    it("turbo.json passes exactly the schema's variables to dev and start (the root's globalEnv aside)", () => {
      const turbo = JSON.parse(read("turbo.json"));
      const global = JSON.parse(read("../../turbo.json")).globalEnv ?? [];
      const expected = [...names].filter((name) => !global.includes(name)).sort();
      for (const task of ["dev", "start"])
        expect([...(turbo.tasks[task]?.passThroughEnv ?? [])].sort(), task).toEqual(expected);
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
