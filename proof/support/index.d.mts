// Types for index.mjs (plain ESM, so .mjs scripts import it without a build step).
import type { ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

export const paths: {
  /** The repository's root directory. */
  repoRoot: string;
  /** apps/api/dist/index.mjs: the bundled API. */
  apiEntry: string;
  /** apps/web/.next/standalone/apps/web/start.mjs: the web server's start entry. */
  webEntry: string;
};

/** True on our Debian CI (`.ci/run`): a suite whose tool is missing must fail, not skip. */
export const everySuiteRequired: boolean;

/** CHROMIUM_PATH, or /usr/bin/chromium. */
export const chromiumPath: string;

/** True when `path` exists; else throws when every suite is required, or warns and returns false. */
export function requireFile(path: string, what: string): boolean;

export function sleep(ms: number): Promise<void>;

/** Throws "missing build output: …; run `pnpm build` first" (default: both built entries). */
export function requireBuilt(...entries: string[]): void;

/** A port nothing listens on right now (asked from the OS, then released). */
export function freePort(): Promise<number>;

/** A free port held by another listener (it drops every connection) until `close()`: for "port taken" cases. */
export function holdPort(): Promise<{ port: number; close(): Promise<void> }>;

/**
 * Registers something a test started: `stop()` stops it and removes its files, `stopNow()` does it synchronously
 * (process exit), `reap` is what a detached reaper does if this process dies first (`{ kill: pid }` or
 * `{ pgCtl: argv, remove: dir }`). Call `release()` once it was stopped by other means.
 */
export function track(resource: {
  name: string;
  stop(): Promise<unknown> | void;
  stopNow(): void;
  reap?: { kill?: number; pgCtl?: string[]; remove?: string };
}): { release(): void };

/**
 * Stops every server, cluster and browser still registered, newest first (the vitest setup file runs it after each
 * test file; also done on exit and on SIGINT/SIGTERM/SIGHUP).
 */
export function cleanupAll(): Promise<void>;

/** The names of what is still registered. */
export function stillRunning(): string[];

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  child: ChildProcess;
  pid: number | undefined;
  /** Resolves once the process has exited and its output has been read. */
  exited: Promise<ExitResult>;
  /** stdout and stderr so far, interleaved as they arrived (the last MiB or so). */
  output(): string;
  alive(): boolean;
  /** Sends `signal` (default SIGTERM) unless already exited; SIGKILL after `timeoutMs` (default 15 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitResult>;
}

export interface StartServerOptions {
  /** The script node runs. */
  entry: string;
  /** The child's whole environment besides PATH, HOME and NODE_ENV=production (which it may override). */
  env?: Record<string, string>;
  /** Where the server listens; default: the one `*PORT` variable in `env`. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Polled until it answers 2xx; default /health. */
  readyPath?: string;
  cwd?: string;
  /** How long to wait for readiness; default 60 s (a deadline for a stuck server, not a budget). */
  timeoutMs?: number;
  /** Node options placed before `entry`. */
  args?: string[];
  /** The node binary; default the one running this process. */
  node?: string;
}

export function startServer(opts: StartServerOptions): Promise<RunningServer>;

/**
 * The built API on a free port (API_HOST=127.0.0.1), ready when `readyPath` (default /ready) answers 2xx. Without
 * DATABASE_URL in `env`, it gets a new database on the shared test server (see sharedPostgres).
 */
export function startApi(opts?: {
  env?: Record<string, string>;
  readyPath?: string;
  timeoutMs?: number;
}): Promise<RunningServer>;

export interface PostgresCluster {
  /** postgres://app@127.0.0.1:PORT/postgres (trust auth). */
  url: string;
  port: number;
  /** Its directory: data/, sock/, log, url. */
  dir: string;
  /** Starts it again after kill() or stopFast(). */
  start(): void;
  /** Stops it like a crash (immediate mode); the data stays. */
  kill(): void;
  /** Stops it cleanly (fast mode); the data stays. */
  stopFast(): void;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
  removeNow(): void;
  /** CREATE DATABASE; resolves with its URL. */
  createDatabase(name?: string): Promise<string>;
}

/** PG_BIN, the newest /usr/lib/postgresql/N/bin, or the PATH entry holding initdb and pg_ctl. */
export function findPostgresBin(): string | undefined;

/**
 * A throwaway cluster (initdb as the postgres user when root; 127.0.0.1; fsync off), removed when this process
 * exits unless `detached`.
 */
export function startPostgres(opts?: {
  dir?: string;
  port?: number;
  detached?: boolean;
  /** With `detached`: a PID whose end stops the cluster and removes its directory (a reaper watches it). */
  owner?: number;
}): Promise<PostgresCluster>;

/** CREATE DATABASE on `serverUrl`'s server; resolves with the new database's URL. */
export function createDatabase(serverUrl: string, name?: string): Promise<string>;

/**
 * The server this process's tests share: TEST_DATABASE_URL's (`external: true`), else one throwaway cluster.
 * Undefined (after a notice) when neither exists; throws instead when REQUIRE_EVERY_SUITE=1.
 */
export function sharedPostgres(): Promise<
  (Partial<PostgresCluster> & { url: string; external?: boolean }) | undefined
>;

/** A new, empty database on the shared server; undefined when there is none. */
export function testDatabaseUrl(): Promise<string | undefined>;

/** The built web server (start.mjs) on a free port (WEB_HOST=127.0.0.1), talking to `apiUrl`. */
export function startWeb(opts: { apiUrl: string; env?: Record<string, string> }): Promise<RunningServer>;

/** True when a TCP connection to 127.0.0.1:`port` is refused. */
export function isRefused(port: number): Promise<boolean>;

export interface OpenSocket {
  socket: Socket;
  /** Resolves with everything the server sent (latin1) once the connection is closed. */
  closed: Promise<string>;
  received(): string;
}

/** A raw TCP connection to `url` with `data` written (e.g. half a request). */
export function openSocket(url: string, data?: string): Promise<OpenSocket>;

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T>;
