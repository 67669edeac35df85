// The env rule (envOnlyIn): every way of reading the environment outside the allowed files is reported, and the
// allowed file itself may read it. Lints snippets with ESLint's Node API, as `pnpm lint` would lint a file.
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { envOnlyIn } from "../base.js";

const eslint = new ESLint({
  cwd: import.meta.dirname,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } },
    ...envOnlyIn(["src/env.ts"]),
  ],
});

/** The rules that report `code` as the file at `filePath` (relative to this folder; it needn't exist). */
async function reported(code, filePath = "src/server.ts") {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`parse error in fixture: ${fatal[0].message}`);
  return result.messages.map((m) => m.ruleId);
}

const readsEnv = {
  "process.env.X": "export const port = process.env.PORT;",
  'process["env"]': 'export const port = process["env"].PORT;',
  "const { env } = process": "const { env } = process;\nexport const port = env.PORT;",
  "const { env: renamed } = process": "const { env: e } = process;\nexport const port = e.PORT;",
  'import { env } from "node:process"': 'import { env } from "node:process";\nexport const port = env.PORT;',
  'import { env } from "process"': 'import { env } from "process";\nexport const port = env.PORT;',
  'export { env } from "node:process"': 'export { env } from "node:process";',
  'import process from "node:process"; process.env':
    'import process from "node:process";\nexport const port = process.env.PORT;',
  'import * as p from "process"': 'import * as p from "process";\nexport const port = p.env.PORT;',
  'import p from "node:process"': 'import p from "node:process";\nexport const port = p.env.PORT;',
};

describe("envOnlyIn: reading the environment outside env.ts", () => {
  for (const [name, code] of Object.entries(readsEnv)) {
    it(`reports ${name}`, async () => {
      expect(await reported(code)).not.toHaveLength(0);
    });
  }

  it("reports it in plain JavaScript files too", async () => {
    expect(await reported("export const port = process.env.PORT;", "scripts/start.mjs")).not.toHaveLength(0);
  });
});

describe("envOnlyIn: what stays allowed", () => {
  it("lets the allowed env module read process.env", async () => {
    const envModule = 'import process from "node:process";\nexport const env = { port: process.env.PORT };';
    expect(await reported(envModule, "src/env.ts")).toEqual([]);
  });

  it("lets other files use the process module for everything but env", async () => {
    const server = [
      'import process from "node:process";',
      'import { argv } from "node:process";',
      'process.on("SIGTERM", () => process.exit(0));',
      "export const args = argv.slice(2);",
      "export const env = { port: 3000 };",
      "export const port = env.port;",
    ].join("\n");
    expect(await reported(server)).toEqual([]);
  });
});
