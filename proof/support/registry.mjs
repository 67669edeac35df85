// The one registry of what the test harness started (servers, PostgreSQL clusters, browsers): each is stopped, and
// its directory removed, when the test file ends (`cleanupAll()`, which the vitest setup file runs after each file),
// when the process exits, and on SIGINT/SIGTERM/SIGHUP. A runner may end a process in ways no handler sees (vitest
// kills its workers; anything can be SIGKILLed), so what can outlive its starter gets a reaper too: a tiny detached
// process holding a pipe from this one. When the pipe closes without a release (this process is gone, however it
// went) the reaper does the cleanup itself.
import { spawn } from "node:child_process";
import { join } from "node:path";

/** What is running now, in start order. */
const running = new Set();

/**
 * Registers something started for a test. `stop()` (async) stops it and removes its files; `stopNow()` does the
 * same synchronously (for process exit); `reap` (see reaper.mjs) is what a reaper does if this process dies first.
 * Returns `release()`, to call once it is stopped by other means.
 */
export function track({ name, stop, stopNow, reap }) {
  const entry = { name, stop, stopNow, reaper: reap ? startReaper(reap) : undefined };
  running.add(entry);
  return {
    release() {
      running.delete(entry);
      entry.reaper?.release();
    },
  };
}

/** The names of what is still running (for messages and tests). */
export const stillRunning = () => [...running].map((entry) => entry.name);

/** Stops everything still running, newest first (servers before the database they use). */
export async function cleanupAll() {
  const entries = [...running].reverse();
  running.clear();
  const errors = [];
  for (const entry of entries) {
    try {
      await entry.stop();
    } catch (err) {
      errors.push(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    entry.reaper?.release();
  }
  if (errors.length) throw new Error(`cleaning up failed: ${errors.join("; ")}`);
}

function cleanupNow() {
  for (const entry of [...running].reverse()) {
    try {
      entry.stopNow();
      entry.reaper?.release();
    } catch {
      // not released: its reaper does it
    }
  }
  running.clear();
}

process.once("exit", cleanupNow);
// A signal's default action ends the process without an 'exit' event: clean up, then let the signal do what it
// would have done. Only when nothing else handles it, so a runner's own handling is never changed (the reapers
// cover that case).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  if (process.listenerCount(signal) > 0) continue;
  process.once(signal, () => {
    cleanupNow();
    process.kill(process.pid, signal);
  });
}

/** A reaper that watches `owner` (a PID) instead of a pipe from this process; see reaper.mjs. */
export function startOwnerReaper(reap) {
  spawn(process.execPath, [join(import.meta.dirname, "reaper.mjs"), JSON.stringify(reap)], {
    detached: true,
    stdio: "ignore",
  }).unref();
}

function startReaper(reap) {
  const reaper = spawn(process.execPath, [join(import.meta.dirname, "reaper.mjs"), JSON.stringify(reap)], {
    // Its own session: a Ctrl-C to the terminal's process group must not take the reaper down with the rest.
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  reaper.unref();
  reaper.stdin.on("error", () => {}); // it may be gone already; nothing to tell it then
  reaper.stdin.unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      reaper.stdin.end("release\n");
    },
  };
}
