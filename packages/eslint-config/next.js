// Flat config for the Next.js app: base rules + Next's own (core web vitals) rules.
import nextVitals from "eslint-config-next/core-web-vitals";
import globals from "globals";
import tseslint from "typescript-eslint";
import base, { plainJavaScript } from "./base.js";

export default tseslint.config(
  ...base,
  ...nextVitals,
  { languageOptions: { globals: { ...globals.browser } } },
  // Next's config sets its own parser for .js files; turn type-aware rules off there again.
  plainJavaScript,
);
