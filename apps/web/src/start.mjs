// The built web app's one entry (`pnpm start`, the e2e tests, the image), bundled beside Next's standalone server.js
// by complete-standalone. A bad variable exits 1 naming every one before anything listens; the server gets our
// timeouts, one-line listen errors and the drain on SIGTERM/SIGINT/SIGHUP instead of Next's exit 143.
import { configOrExit } from "@repo/server/guard";
import { guardNextServer } from "@repo/server/next-standalone";
import { webEnv } from "./env.ts";

const env = configOrExit("web", webEnv);
guardNextServer(env, { name: "web", port: env.WEB_PORT, host: env.WEB_HOST });
await import("./server.js");
