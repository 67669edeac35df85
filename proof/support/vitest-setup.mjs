// vitest `setupFiles` entry: whatever proof/support started for a test file (servers, clusters, browsers) is
// stopped when that file ends, passed or failed. (Interrupted runs: registry.mjs's exit handlers and reapers.)
import { afterAll } from "vitest";
import { cleanupAll } from "./registry.mjs";

afterAll(() => cleanupAll(), 60_000);
