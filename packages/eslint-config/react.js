// Flat config for React component libraries (packages/ui): base rules + the rules of hooks.
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import base from "./base.js";

export default tseslint.config(...base, {
  languageOptions: { globals: { ...globals.browser } },
  plugins: { "react-hooks": reactHooks },
  rules: reactHooks.configs.recommended.rules,
});
