// Every TypeScript package: recommended and type-aware rules, and turbo's check that each environment variable
// a task reads is declared in turbo.json (so caches key on it).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import turbo from "eslint-plugin-turbo";
import globals from "globals";
import tseslint from "typescript-eslint";

const message = "Import the typed env module (env.ts) instead.";

/** Bans reading the environment outside the files in `allow`: it is parsed and validated once, in env.ts. */
export const envOnlyIn = (allow) =>
  defineConfig({
    files: ["**/*.{ts,tsx,js,mjs}"],
    ignores: allow,
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message }],
      "no-restricted-imports": [
        "error",
        ...["process", "node:process"].map((name) => ({ name, importNames: ["env"], message })),
      ],
      // `import p from "node:process"` would hide `p.env` from no-restricted-properties.
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[source.value=/^(node:)?process$/] > ImportDefaultSpecifier[local.name!='process']",
          message,
        },
      ],
    },
  });

export default defineConfig(
  { ignores: ["**/dist/**", "**/.next/**", "**/next-env.d.ts"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { globals: globals.node, parserOptions: { projectService: true } },
    plugins: { turbo },
    rules: {
      "turbo/no-undeclared-env-vars": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // JavaScript files (configs, scripts) are linted without type information.
  {
    files: ["**/*.{js,mjs}"],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { "@typescript-eslint/consistent-type-imports": "off" },
  },
);
