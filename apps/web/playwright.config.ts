import { defineConfig } from "@playwright/test";

// The production builds (`pnpm --filter api build`, `pnpm --filter web build`) on ports `pnpm dev` doesn't use.
const API_PORT = 3101;
const WEB_PORT = 3100;
const { TEST_DATABASE_URL, CHROMIUM_PATH, CI } = process.env;
const server = { gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 }, timeout: 120_000 } as const;

export default defineConfig({
  testDir: "e2e",
  outputDir: ".reports/e2e-results",
  forbidOnly: Boolean(CI),
  workers: 1, // the specs share one API and its database
  reporter: [["list"], ["json", { outputFile: ".reports/e2e.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    browserName: "chromium",
    // A system Chromium (the Nix shell's, Debian's) instead of Playwright's download.
    launchOptions: { executablePath: CHROMIUM_PATH || undefined },
  },
  webServer: [
    {
      ...server,
      name: "api",
      command: "node ../api/dist/index.mjs",
      url: `http://127.0.0.1:${API_PORT}/ready`,
      // TEST_DATABASE_URL's PostgreSQL when set, else PGlite in memory.
      env: {
        API_PORT: String(API_PORT),
        API_HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        ...(TEST_DATABASE_URL
          ? { NODE_ENV: "production", DATABASE_URL: TEST_DATABASE_URL }
          : { NODE_ENV: "development", DATABASE_URL: "", PGLITE_DATA_DIR: "memory://" }),
      },
    },
    {
      ...server,
      name: "web",
      command: "node .next/standalone/apps/web/start.mjs",
      url: `http://127.0.0.1:${WEB_PORT}/health`,
      env: {
        NODE_ENV: "production",
        WEB_PORT: String(WEB_PORT),
        WEB_HOST: "127.0.0.1",
        API_URL: `http://127.0.0.1:${API_PORT}`,
      },
    },
  ],
});
