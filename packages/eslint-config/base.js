// Shared flat config for every TypeScript package: recommended + type-aware rules, and turbo's check that
// every environment variable a task reads is declared in turbo.json (so caches key on it).
import js from "@eslint/js";
import turbo from "eslint-plugin-turbo";
import globals from "globals";
import tseslint from "typescript-eslint";

/**
 * Bans raw `process.env` outside the files named in `allow` (the app's typed env module):
 * configuration is parsed and validated once, then imported.
 * @param {string[]} allow
 */
export function envOnlyIn(allow) {
  return [
    {
      files: ["**/*.{ts,tsx,js,mjs}"],
      ignores: allow,
      rules: {
        "no-restricted-properties": [
          "error",
          { object: "process", property: "env", message: "Import the typed env module (env.ts) instead." },
        ],
      },
    },
  ];
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

export default tseslint.config(
  { ignores: ["**/dist/**", "**/.next/**", "**/coverage/**", "**/node_modules/**", "**/next-env.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
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
