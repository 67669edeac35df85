// Process and measurement helpers shared by the bench (bench/run.mjs) and the load tests (tests/load/load.mjs).
// Plain Node ESM, no dependencies. Everything here talks to 127.0.0.1 only.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export const repoRoot = join(import.meta.dirname, "../..");
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

/** Keeps the last ~`limit` characters a child writes to stdout and stderr; returns a reader. */
export function captureOutput(child, limit = 100_000) {
  let out = "";
  const keep = (d) => {
    out += d;
    if (out.length > limit) out = out.slice(-limit / 2);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return () => out;
}

export function median(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns something other than undefined; throws after `ms`. */
export async function until(what, probe, ms = 20_000, every = 50) {
  const end = now() + ms;
  while (now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(every);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/**
 * Runs a command to completion with a hard time limit (the whole process group is killed past it).
 * Resolves { code, ms, out }; rejects when it times out, or when it exits non-zero and `check` is set.
 */
export function run(cmd, args, { cwd = repoRoot, env = {}, timeoutMs = 300_000, check = true } = {}) {
  const fullEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k]; // undefined: unset
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(cmd, args, {
      cwd,
      env: fullEnv,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const output = captureOutput(child, 200_000);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void killTree(child.pid, 0); // turbo's tasks sit in process groups of their own
      killGroup(child, "SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const ms = now() - started;
      if (timedOut)
        reject(
          new Error(`${cmd} ${args.join(" ")} timed out after ${timeoutMs} ms\n${output().slice(-3000)}`),
        );
      else if (check && code !== 0)
        reject(new Error(`${cmd} ${args.join(" ")} exited ${code} (cwd ${cwd})\n${output().slice(-3000)}`));
      else resolve({ code, ms, out: output() });
    });
  });
}

/** Signals a child started with detached: true, and everything it started (its process group). */
export function killGroup(child, signal = "SIGTERM") {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function childrenOf(pid) {
  const kids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces or parentheses, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return kids;
}

/** A process and all its descendants, by PID (parents first). */
export function processTree(pid) {
  const all = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    all.push(p);
    stack.push(...childrenOf(p));
  }
  return all;
}

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Ends a process and everything under it, even when some of them moved to process groups of their own (turbo
 * starts each task in one): SIGTERM to each PID in the tree, then SIGKILL to whatever is left after `graceMs`.
 */
export async function killTree(pid, graceMs = 10_000) {
  const pids = processTree(pid);
  for (const p of pids) {
    try {
      process.kill(p, "SIGTERM");
    } catch {
      // gone
    }
  }
  const end = now() + graceMs;
  while (now() < end && pids.some(isAlive)) await sleep(100);
  // Late children (started while we signalled) are caught by a second walk from the survivors.
  const left = [...new Set(pids.filter(isAlive).flatMap((p) => processTree(p)))];
  for (const p of left) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // gone
    }
  }
  return { pids: pids.length, killed: left.length };
}

/** Resident set size in bytes of a process and all its descendants (Linux /proc), or undefined once it exited. */
export function rssOfTree(pid) {
  let total = 0;
  let seen = false;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) total += Number(kb[1]) * 1024;
      seen = true;
      stack.push(...childrenOf(p));
    } catch {
      // gone
    }
  }
  return seen ? total : undefined;
}

/** Bytes of the regular files under `path`; symlinks are not followed and count 0 (pnpm's tree is full of them). */
export function treeBytes(path, filter = () => true) {
  let total = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && filter(full)) total += statSync(full).size;
    }
  };
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) walk(path);
  return total;
}

export const mb = (bytes) => bytes / 1e6;
export const fmtMB = (bytes) => (bytes === undefined ? "-" : `${(bytes / 1e6).toFixed(1)} MB`);
export const fmtKB = (bytes) => (bytes === undefined ? "-" : `${(bytes / 1024).toFixed(1)} KiB`);
export const fmtS = (ms) => (ms === undefined ? "-" : `${(ms / 1000).toFixed(2)} s`);
