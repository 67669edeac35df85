// The one way the built web app starts (`pnpm start`, the tests, the OCI image): Next's standalone server.js behind
// the checks every app shares (@repo/server). The build's complete-standalone step bundles this file beside
// server.js: .next/standalone/apps/web/start.mjs.
// The configuration is parsed before anything listens (a bad variable exits 1 naming every one); the server gets
// our timeouts, one-line listen errors and the drain on SIGTERM/SIGINT/SIGHUP instead of Next's exit 143.
import { configOrExit } from "@repo/server/guard";
import { guardNextServer } from "@repo/server/next-standalone";
import { parseWebEnv } from "./src/env.ts";

const env = configOrExit("web", () => parseWebEnv(process.env));
guardNextServer(env, { name: "web", port: env.WEB_PORT, host: env.WEB_HOST });
await import("./server.js");
