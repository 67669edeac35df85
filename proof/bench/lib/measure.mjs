// Timing, process and size helpers for `pnpm bench`. Servers are started by proof/support; this file runs
// commands (pnpm, turbo, next dev) to completion or until a page is ready, and ends them with all they started.
import { spawn } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

export const now = () => performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const quiet = { TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", NEXT_TELEMETRY_DISABLED: "1" };
/** The developer's loop, not CI's (turbo and pnpm behave differently under CI=true); telemetry off. */
function childEnv(extra = {}) {
  const env = { ...process.env, ...quiet, DO_NOT_TRACK: "1", ...extra };
  for (const name of ["CI", "PORT", "HOSTNAME"]) if (!(name in extra)) delete env[name];
  return env;
}

/** Commands still running, with all they started: killed if the bench exits early (Ctrl-C, a crash). */
const live = new Set();
process.on("exit", () => {
  for (const pid of live) for (const p of [pid, ...descendants(pid)]) signal(p, "SIGKILL");
});

function spawnCaptured(cmd, args, { cwd, env }) {
  const stdio = ["ignore", "pipe", "pipe"];
  const child = spawn(cmd, args, { cwd, env: childEnv(env), detached: true, stdio });
  live.add(child.pid);
  let out = "";
  const keep = (chunk) => (out = (out + chunk).slice(-100_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => {
    child.on("error", (err) => resolve({ code: -1, error: err }));
    child.on("close", (code) => (live.delete(child.pid), resolve({ code })));
  });
  return { child, exited, output: () => out };
}

/** Runs a command to completion; resolves { ms, out }, rejects with its output on a non-zero exit or timeout. */
export async function run(cmd, args, { cwd, env, timeoutMs = 300_000 } = {}) {
  const started = now();
  const proc = spawnCaptured(cmd, args, { cwd, env });
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), void killTree(proc.child.pid, 0)), timeoutMs);
  const { code, error } = await proc.exited;
  clearTimeout(timer);
  const ms = now() - started;
  const why = timedOut ? `timed out after ${timeoutMs} ms` : (error?.message ?? `exit ${code}`);
  if (timedOut || code !== 0)
    throw new Error(`${cmd} ${args.join(" ")} in ${cwd}: ${why}\n${proc.output().slice(-3000)}`);
  return { ms, out: proc.output() };
}

/**
 * Time from spawning a long-running command (`pnpm dev`, `next dev`) until `ready()` resolves true, polled every
 * 50 ms; then the command and everything it started is ended.
 */
export async function timeUntilReady(cmd, args, { cwd, env, ready, boundMs = 120_000 }) {
  const started = now();
  const proc = spawnCaptured(cmd, args, { cwd, env });
  let gone = false;
  void proc.exited.then(() => (gone = true));
  try {
    while (!gone && now() - started < boundMs) {
      if (await ready().catch(() => false)) return now() - started;
      await sleep(50);
    }
    throw new Error(`${cmd} ${args.join(" ")}: not ready after ${boundMs} ms\n${proc.output().slice(-3000)}`);
  } finally {
    await killTree(proc.child.pid);
    await proc.exited;
  }
}

/** A process's descendants (turbo starts each task in a process group of its own, so groups aren't enough). */
function descendants(pid) {
  const children = new Map();
  for (const name of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const found = [];
  for (let queue = [pid]; queue.length;) {
    const kids = children.get(queue.shift()) ?? [];
    found.push(...kids);
    queue.push(...kids);
  }
  return found;
}

const signal = (pid, sig) => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // already gone
  }
};

/** SIGTERM to a process and all its descendants, SIGKILL to whatever is left after `graceMs`. */
export async function killTree(pid, graceMs = 10_000) {
  const pids = [pid, ...descendants(pid)];
  for (const p of pids) signal(p, "SIGTERM");
  for (const end = now() + graceMs; now() < end && pids.some((p) => signal(p, 0));) await sleep(100);
  for (const p of pids.flatMap((p) => (signal(p, 0) ? [p, ...descendants(p)] : []))) signal(p, "SIGKILL");
}

/**
 * A copy of the work tree (tracked files and untracked ones git doesn't ignore, as they are now) in a temp dir,
 * committed to a fresh repository: turbo hashes its inputs through git. Install, builds and `pnpm dev` run
 * there, so a cold build never deletes output someone is using in the real tree.
 */
export async function copyWorkTree(root) {
  const dir = mkdtempSync(join(tmpdir(), "nix-sample-bench-"));
  const list = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const listed = (await run("git", list, { cwd: root })).out.split("\0");
  // Each file once (a conflicted file is listed per stage), and not the ones deleted but not yet staged.
  const files = [...new Set(listed)].filter((file) => file && existsSync(join(root, file)));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  const git = ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"];
  await run("git", ["init", "-q"], { cwd: dir });
  await run("git", ["add", "-A"], { cwd: dir });
  await run("git", [...git, "commit", "-qm", "bench snapshot"], { cwd: dir });
  return { dir, files: files.length };
}

/** Bytes of the regular files under `dir` (symlinks count 0: they are links in an image too), minus `skip`. */
export function treeBytes(dir, skip = []) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (skip.includes(full)) continue;
    if (e.isDirectory()) total += treeBytes(full, skip);
    else if (e.isFile()) total += lstatSync(full).size;
  }
  return total;
}

/**
 * The JavaScript a page makes a modern browser load: every /_next/static/…js its HTML names in a <script src> or
 * a <link rel=preload as=script>, fetched and gzipped (level 6, as Next's compression sends it); noModule
 * polyfills are left out (modern browsers skip them).
 */
export async function pageWeight(baseUrl) {
  const html = await (await fetch(baseUrl)).text();
  const srcs = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const src = /\b(?:src|href)="(\/_next\/static\/[^"]+\.js)"/.exec(tag)?.[1];
    if (!src || /\bnoModule\b/i.test(tag) || (tag.startsWith("<link") && !/\bas="script"/.test(tag)))
      continue;
    srcs.add(src);
  }
  let gzip = 0;
  for (const src of srcs) {
    const res = await fetch(new URL(src, baseUrl));
    if (!res.ok) throw new Error(`${src}: ${res.status}`);
    gzip += gzipSync(Buffer.from(await res.arrayBuffer())).length;
  }
  return { chunks: srcs.size, gzip };
}
