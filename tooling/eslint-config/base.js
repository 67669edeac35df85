// Every package: recommended and type-aware rules; turbo's check that the env a task reads is in turbo.json.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import turbo from "eslint-plugin-turbo";
import globals from "globals";
import tseslint from "typescript-eslint";

const message = "Import the typed env module (env.ts) instead.";
const processImport = "ImportDeclaration[source.value=/^(node:)?process$/]";

/** Bans reading the environment outside the files in `allow`: it is parsed and validated once, in env.ts. */
export const envOnlyIn = (allow) =>
  defineConfig({
    files: ["**/*.{ts,tsx,js,mjs}"],
    ignores: allow,
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message }],
      // `import { env } from "process"`, and imports that would hide `p.env` from the rule above.
      "no-restricted-syntax": [
        "error",
        {
          selector: `${processImport} > :matches(ImportSpecifier[imported.name='env'], ImportNamespaceSpecifier)`,
          message,
        },
        { selector: `${processImport} > ImportDefaultSpecifier[local.name!='process']`, message },
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
