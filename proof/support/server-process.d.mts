// Types for server-process.mjs (plain ESM, like index.mjs).
import type { SpawnSyncReturns } from "node:child_process";
import type { RunningServer } from "./index.mjs";

export interface ServerProcessOptions {
  /** The prefix of the server's stderr lines: "api" in `api: cannot listen on …`. */
  name: string;
  /**
   * The built server on a free port with `env` added to what it normally gets (LOG_LEVEL at least info: the suite
   * reads the log). The caller stops what it starts (e.g. every server it started, in afterAll).
   */
  start(env?: Record<string, string>): Promise<RunningServer>;
  /** The built entry run to its exit with `env` (as production), for configurations that must not start. */
  runToExit(env: Record<string, string>): SpawnSyncReturns<string>;
  /** The messages `server` has logged so far, without the log's format (`SIGTERM: draining (…)`). */
  logged(server: RunningServer): string[];
  /** Raw HTTP/1.1: a request whose headers are complete and whose body never is (a request in flight). */
  stuckRequest: string;
  /** The variables naming where the server listens. */
  listenVariables: { port: string; host: string };
  /** Variable/value pairs each of which alone must refuse to start. */
  badVariables: [variable: string, value: string][];
  /** Several bad variables at once: the one error message names each. */
  severalBadVariables: Record<string, string>;
  /** Variables that, set to "", mean unset: the server still starts. */
  optionalVariables: string[];
}

/**
 * Registers vitest `describe` blocks for the promises both servers keep: the drain on SIGTERM/SIGINT/SIGHUP with
 * idle, half-sent and silent connections open, a second signal exiting 1, SHUTDOWN_TIMEOUT_MS, the header, request
 * and keep-alive timeouts, a port taken, an address the machine lacks, and bad variables refused before listening.
 */
export function describeServerProcess(app: ServerProcessOptions): void;
