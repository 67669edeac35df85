#!/usr/bin/env node
// `pnpm verify`: every check a change must pass, in the order a failure is cheapest to find — lint, types,
// build, unit/integration tests, end-to-end tests in Chromium, then the shell suites under tests/*/run.sh
// (push scripts against a real registry, the flake, load). Runs them all, checks that they left no PostgreSQL
// server or pg-test-* directory behind, then prints one closing line: `N passed, N failed` (tests from every
// runner, plus one per lint/typecheck/build step and one for the leftovers check).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { postgresLeftovers } from "../proof/support/leftovers.mjs";

const root = join(import.meta.dirname, "..");
const only = process.argv.slice(2); // e.g. `pnpm verify shipping nix` runs just those steps

// Every workspace package's directory, from pnpm-workspace.yaml's `<dir>/*` globs (apps, packages, tooling).
const workspaceDirs = parse(readFileSync(join(root, "pnpm-workspace.yaml"), "utf8"))
  .packages.map((glob) => glob.replace(/\/\*$/, ""))
  .filter((dir) => existsSync(join(root, dir)));
const workspaces = workspaceDirs.flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(root, dir, e.name)),
);
const suites = existsSync(join(root, "tests"))
  ? readdirSync(join(root, "tests"), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(root, "tests", e.name, "run.sh")))
      .map((e) => e.name)
      .sort()
  : [];
// Alphabetical, except that a suite reusing another's builds runs after it: smoke turns the runtime trees nix
// rehearses into images, and kubernetes plays those images.
const reuses = { smoke: "nix", kubernetes: "smoke" };
const inOrder = [];
const place = (suite) => {
  if (inOrder.includes(suite) || !suites.includes(suite)) return;
  if (reuses[suite]) place(reuses[suite]);
  inOrder.push(suite);
};
suites.forEach(place);

/** Reads vitest's JSON reports (written by each package's test run, or replayed by turbo from its cache). */
function vitestCounts(file) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of workspaces) {
    const path = join(dir, ".reports", file);
    if (!existsSync(path)) continue;
    const report = JSON.parse(readFileSync(path, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.success ? 0 : report.numFailedTestSuites);
    skipped += report.numPendingTests + report.numTodoTests;
  }
  return { passed, failed, skipped };
}

/** A shell suite's own closing line: `N passed, N failed[, N skipped]`. */
function lineCounts(output) {
  const lines = [...output.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/gm)];
  const last = lines.at(-1);
  if (!last) return undefined;
  return { passed: Number(last[1]), failed: Number(last[2]), skipped: Number(last[3] ?? 0) };
}

const steps = [
  // --continue: let turbo finish every package's task, so one failure doesn't hide another (`pnpm lint` passes
  // it itself: ESLint, the repo linters and Prettier's check run as one turbo run).
  { name: "lint", cmd: ["pnpm", "run", "lint"] },
  { name: "typecheck", cmd: ["pnpm", "run", "typecheck", "--continue"] },
  { name: "build", cmd: ["pnpm", "run", "build", "--continue"] },
  { name: "test", cmd: ["pnpm", "run", "test", "--continue"], counts: () => vitestCounts("unit.json") },
  { name: "e2e", cmd: ["pnpm", "run", "test:e2e", "--continue"], counts: () => vitestCounts("e2e.json") },
  ...inOrder.map((suite) => ({
    name: suite,
    cmd: ["bash", `tests/${suite}/run.sh`],
    counts: lineCounts,
    capture: true,
  })),
].filter((step) => only.length === 0 || only.includes(step.name));

for (const dir of workspaces) rmSync(join(dir, ".reports"), { recursive: true, force: true });

// What was there before the run (another run on this machine) is not this run's to answer for.
const before = postgresLeftovers().map((item) => item.replace(/ \(pid \d+\)/, ""));

const total = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
for (const step of steps) {
  const started = Date.now();
  process.stdout.write(`\n=== ${step.name}: ${step.cmd.join(" ")}\n`);
  const result = spawnSync(step.cmd[0], step.cmd.slice(1), {
    cwd: root,
    stdio: step.capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (step.capture) process.stdout.write(result.stdout ?? "");
  const ok = result.status === 0;
  let counts = step.counts ? step.counts(result.stdout ?? "") : undefined;
  if (!counts) counts = { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  // A runner that exited non-zero without counting a failure (crash, no tests) still fails the step.
  if (!ok && counts.failed === 0) counts.failed = 1;
  if (step.counts && ok && counts.passed === 0 && counts.skipped === 0) counts.failed += 1; // ran no test
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  summary.push(
    `${ok && counts.failed === 0 ? "ok  " : "FAIL"} ${step.name.padEnd(10)} ${String(counts.passed).padStart(4)} passed ${String(counts.failed).padStart(3)} failed ${String(counts.skipped).padStart(3)} skipped  ${seconds}s`,
  );
}

const left = postgresLeftovers({ except: before });
process.stdout.write(`\n=== leftovers: PostgreSQL servers and pg-test-* directories the run left\n`);
for (const item of left) process.stdout.write(`  ${item}\n`);
total[left.length ? "failed" : "passed"] += 1;
summary.push(
  `${left.length ? "FAIL" : "ok  "} leftovers  ${left.length ? `${left.length} left behind` : "none"}`,
);

process.stdout.write(`\n=== summary\n${summary.join("\n")}\n\n`);
process.stdout.write(
  `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}\n`,
);
process.exit(total.failed === 0 ? 0 : 1);
