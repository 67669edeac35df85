// Flat config for React component libraries (packages/ui): base rules + the rules of hooks.
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import base from "./base.js";

export default defineConfig(base, {
  languageOptions: { globals: { ...globals.browser } },
  plugins: { "react-hooks": reactHooks },
  rules: reactHooks.configs.recommended.rules,
});
