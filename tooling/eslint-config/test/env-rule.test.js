// The env rule (envOnlyIn), through ESLint's Node API as `pnpm lint` runs it: the usual ways of reading the
// environment are reported outside env.ts, and env.ts itself may read it.
import { ESLint } from "eslint";
import { expect, it } from "vitest";
import { envOnlyIn } from "../base.js";

const eslint = new ESLint({
  cwd: import.meta.dirname,
  overrideConfigFile: true,
  overrideConfig: [{ files: ["**/*.ts"] }, ...envOnlyIn(["src/env.ts"])], // every .ts file linted, env.ts too
});

const rulesReporting = async (code, filePath = "src/server.ts") =>
  (await eslint.lintText(code, { filePath }))[0].messages.map((m) => m.ruleId);

it.each([
  "export const port = process.env.PORT;",
  "const { env } = process;\nexport const port = env.PORT;",
  'import { env } from "node:process";\nexport const port = env.PORT;',
  'import * as p from "process";\nexport const port = p.env.PORT;',
  'import p from "node:process";\nexport const port = p.env.PORT;',
])("reports %j outside env.ts", async (code) => {
  expect(await rulesReporting(code)).not.toHaveLength(0);
});

it("lets env.ts read the environment, and other files use the process module for the rest", async () => {
  expect(await rulesReporting("export const port = process.env.PORT;", "src/env.ts")).toEqual([]);
  expect(
    await rulesReporting(
      'import { argv } from "node:process";\nprocess.on("SIGTERM", () => process.exit(0));\nexport const args = argv;',
    ),
  ).toEqual([]);
});
