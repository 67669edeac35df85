// Flat config for the Next.js app: base rules + Next's own (core web vitals) rules.
import { defineConfig } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import globals from "globals";
import base, { plainJavaScript } from "./base.js";

export default defineConfig(
  base,
  nextVitals,
  { languageOptions: { globals: { ...globals.browser } } },
  // Next's config sets its own parser for .js files; turn type-aware rules off there again.
  plainJavaScript,
);
