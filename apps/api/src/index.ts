// Entry point (tsx in dev, dist/index.mjs in production): validate config (a bad variable exits 1 naming every
// one, before anything listens), then serve.
import { configOrExit } from "@repo/server/guard";
import { loadEnv } from "./env.js";
import { startServer } from "./server.js";

startServer(configOrExit("api", loadEnv));
