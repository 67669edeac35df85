#!/usr/bin/env node
// `pnpm verify [step…]`: every check. The template's steps through turbo (lint, typecheck, build, test, e2e, one
// after another), proof's vitest suites (proof/*/vitest.config.ts) and shell suites (proof/*/run.sh) run on
// VERIFY_JOBS lanes side by side (2 by default; each step's output is printed whole when it ends), then a check
// that nothing left PostgreSQL behind. Ends with one line: `N passed, N failed`.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { postgresLeftovers } from "./support/leftovers.mjs";

const root = join(import.meta.dirname, "..");
const proof = import.meta.dirname;
const only = process.argv.slice(2);
const readJson = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);
const subdirs = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

const workspaces = parse(readFileSync(join(root, "pnpm-workspace.yaml"), "utf8"))
  .packages.map((glob) => join(root, glob.replace(/\/\*$/, "")))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => subdirs(dir).map((name) => join(dir, name)));

// A failed file without a failed test (it did not load) counts as one failure.
const vitestCounts = (report) =>
  report && {
    passed: report.numPassedTests,
    failed:
      report.numFailedTests +
      report.testResults.filter(
        (file) => file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"),
      ).length,
    skipped: report.numPendingTests + report.numTodoTests,
  };
const sum = (counts) =>
  counts.filter(Boolean).reduce(
    (a, c) => ({
      passed: a.passed + c.passed,
      failed: a.failed + c.failed,
      skipped: a.skipped + c.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
const unitCounts = () =>
  sum(workspaces.map((dir) => vitestCounts(readJson(join(dir, ".reports/unit.json")))));
const e2eCounts = () => {
  const stats = readJson(join(root, "apps/web/.reports/e2e.json"))?.stats;
  return stats && { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
};
/** A shell suite's own closing line: `N passed, N failed[, N skipped]`. */
const lineCounts = (output) => {
  const last = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/gm)].at(-1);
  return last && { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
};

const reports = mkdtempSync(join(tmpdir(), "verify-"));
const vitest = join(proof, "node_modules/.bin/vitest");
const vitestSuites = subdirs(proof).filter((dir) => existsSync(join(proof, dir, "vitest.config.ts")));
// A step reusing another's output runs after it: the template's steps in order, proof's suites after the builds and
// e2e (which holds fixed ports), smoke on the trees nix builds, kubernetes on smoke's images. nix needs nothing.
const after = {
  typecheck: "lint",
  build: "typecheck",
  test: "build",
  e2e: "test",
  smoke: "nix",
  kubernetes: "smoke",
};
const afterOf = (name) => (name in after || name === "lint" || name === "nix" ? after[name] : "e2e");
// The longest chains start first, so the lanes end together.
const longestFirst = [
  "nix",
  "lint",
  "typecheck",
  "build",
  "test",
  "e2e",
  "adopt",
  "smoke",
  "kubernetes",
  "load",
];
const shellSuites = subdirs(proof).filter((dir) => existsSync(join(proof, dir, "run.sh")));

const steps = [
  { name: "lint", cmd: ["pnpm", "run", "lint"] },
  { name: "typecheck", cmd: ["pnpm", "run", "typecheck", "--continue"] },
  { name: "build", cmd: ["pnpm", "run", "build", "--continue"] },
  { name: "test", cmd: ["pnpm", "run", "test", "--continue"], counts: unitCounts },
  { name: "e2e", cmd: ["pnpm", "run", "test:e2e", "--continue"], counts: e2eCounts },
  ...vitestSuites.map((dir) => {
    const report = join(reports, `${dir}.json`);
    return {
      name: dir,
      cmd: [
        vitest,
        "run",
        "--config",
        `proof/${dir}/vitest.config.ts`,
        "--reporter=default",
        "--reporter=json",
      ].concat(`--outputFile.json=${report}`),
      counts: () => vitestCounts(readJson(report)),
    };
  }),
  ...shellSuites.map((suite) => ({
    name: suite,
    cmd: ["bash", `proof/${suite}/run.sh`],
    counts: lineCounts,
  })),
];
const rank = (step) =>
  longestFirst.includes(step.name) ? longestFirst.indexOf(step.name) : longestFirst.length;
steps.sort((a, b) => rank(a) - rank(b));
const selected = (step) => only.length === 0 || only.includes(step.name);

for (const dir of workspaces) rmSync(join(dir, ".reports"), { recursive: true, force: true });
// What another run on this machine left before this one is not this run's to answer for.
const before = postgresLeftovers().map((item) => item.replace(/ \(pid \d+\)/, ""));

const total = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
const children = new Set();
let interrupted;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    // Each step's whole process group gets the signal (a package manager need not pass it on) and cleans up after
    // itself; no new step starts, and the summary still prints.
    interrupted = signal;
    for (const child of children) process.kill(-child.pid, signal);
  });
}

/** Runs a step to its end, holding its output back until then (steps share the terminal). */
const run = (step) =>
  new Promise((resolve) => {
    const started = Date.now();
    process.stdout.write(`\n=== ${step.name} started\n`);
    const child = spawn(step.cmd[0], step.cmd.slice(1), {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // a process group of its own, for the signal above
    });
    children.add(child);
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (status) => {
      children.delete(child);
      process.stdout.write(`\n=== ${step.name}: ${step.cmd.join(" ")}\n${output}`);
      const ok = status === 0;
      const counts = step.counts?.(output) ?? { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
      // A runner that failed without counting a failure (a crash), or passed without running a test, fails the step.
      if (!ok && counts.failed === 0) counts.failed = 1;
      if (ok && counts.passed + counts.failed + counts.skipped === 0) counts.failed = 1;
      for (const key of Object.keys(total)) total[key] += counts[key];
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      summary.push(
        `${ok && !counts.failed ? "ok  " : "FAIL"} ${step.name.padEnd(10)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped  ${seconds}s`,
      );
      resolve();
    });
  });

const waiting = steps.filter(selected);
const running = new Map();
const pending = (name) => running.has(name) || waiting.some((step) => step.name === name);
const lane = async () => {
  while (waiting.length > 0 && !interrupted) {
    const i = waiting.findIndex((step) => !pending(afterOf(step.name)));
    if (i < 0) {
      await Promise.race(running.values());
      continue;
    }
    const [step] = waiting.splice(i, 1);
    const ended = run(step).then(() => running.delete(step.name));
    running.set(step.name, ended);
    await ended;
  }
};
await Promise.all(Array.from({ length: Math.max(1, Number(process.env.VERIFY_JOBS) || 2) }, lane));
rmSync(reports, { recursive: true, force: true });

const left = postgresLeftovers({ except: before });
for (const item of left) process.stdout.write(`left behind: ${item}\n`);
total[left.length ? "failed" : "passed"] += 1;
summary.push(`${left.length ? "FAIL" : "ok  "} leftovers  ${left.length ? `${left.length} left` : "none"}`);

process.stdout.write(`\n=== summary\n${summary.join("\n")}\n\n`);
const skipped = total.skipped ? `, ${total.skipped} skipped` : "";
process.stdout.write(`${total.passed} passed, ${total.failed} failed${skipped}\n`);
process.exit(interrupted ? 130 : total.failed === 0 ? 0 : 1);
