// Shared flat config for every TypeScript package: recommended + type-aware rules, and turbo's check that
// every environment variable a task reads is declared in turbo.json (so caches key on it).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import turbo from "eslint-plugin-turbo";
import globals from "globals";
import tseslint from "typescript-eslint";

const envMessage = "Import the typed env module (env.ts) instead.";
const processModule = (name) => ({ name, importNames: ["env"], message: envMessage });

/**
 * Bans reading the environment outside the files named in `allow` (the app's typed env module): configuration
 * is parsed and validated once, then imported. Catches `process.env` in its usual spellings (`process.env.X`,
 * `process["env"]`, `const { env } = process`) and through the `process` module
 * (`import { env }`, `import * as p`, a default import not named `process`).
 * @param {string[]} allow
 */
export function envOnlyIn(allow) {
  return defineConfig({
    files: ["**/*.{ts,tsx,mts,cts,js,mjs,cjs}"],
    ignores: allow,
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: envMessage }],
      "no-restricted-imports": [
        "error",
        { paths: [processModule("process"), processModule("node:process")] },
      ],
      // A default import under another name would hide `.env` from no-restricted-properties.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[source.value=/^(node:)?process$/] > ImportDefaultSpecifier[local.name!='process']",
          message: "Import the process module as `process`, so the env rule sees `process.env`.",
        },
      ],
    },
  });
}

/** JavaScript files (configs, scripts) are linted without type information. */
export const plainJavaScript = {
  files: ["**/*.{js,mjs,cjs}"],
  ...tseslint.configs.disableTypeChecked,
  rules: {
    ...tseslint.configs.disableTypeChecked.rules,
    "@typescript-eslint/consistent-type-imports": "off",
  },
};

export default defineConfig(
  { ignores: ["**/dist/**", "**/.next/**", "**/coverage/**", "**/node_modules/**", "**/next-env.d.ts"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true },
    },
    plugins: { turbo },
    rules: {
      "turbo/no-undeclared-env-vars": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  plainJavaScript,
);
