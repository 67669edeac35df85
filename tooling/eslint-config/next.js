import { defineConfig } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import globals from "globals";
import base from "./base.js";

export default defineConfig(nextVitals, base, {
  languageOptions: { globals: globals.browser },
  rules: { "import/no-anonymous-default-export": ["error", { allowArray: true }] },
});
