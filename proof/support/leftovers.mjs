// What a test run must not leave behind: PostgreSQL servers and `pg-test-*` cluster directories. Used by vitest's
// global teardown (vitest-global.mjs), the shell suites (proof/lib.sh) and `pnpm verify`'s last step.
//   node leftovers.mjs [--run ID] [--except SNAPSHOT]   lists them on stderr, exit 1 if there are any
//   node leftovers.mjs --snapshot                       prints what there is now (JSON) for a later --except
// `--run ID`: only clusters of the run that set PG_TEST_RUN=ID (their directories are named pg-test-ID-*), so
// parallel runs (turbo runs packages' tests side by side) never blame each other.
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/** The prefix of a cluster directory of run `run` (every run when undefined). */
export const clusterPrefix = (run) => (run ? `pg-test-${run}-` : "pg-test-");

/** PostgreSQL servers (their main process: `postgres -D DIR`) and pg-test-* directories, as plain strings. */
export function postgresLeftovers({ run, except = [] } = {}) {
  const prefix = clusterPrefix(run);
  const dirs = readdirSync(tmpdir())
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(tmpdir(), name));
  const servers = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let argv;
    try {
      // PostgreSQL rewrites its command line as one space-separated string.
      argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split(/[\0 ]/);
    } catch {
      continue; // gone meanwhile
    }
    if (basename(argv[0] ?? "") !== "postgres" || !argv.includes("-D")) continue;
    const dataDir = argv[argv.indexOf("-D") + 1] ?? "";
    if (run && !dataDir.includes(`/${prefix}`)) continue;
    servers.push(`postgres (pid ${pid}) -D ${dataDir}`);
  }
  const seen = new Set(except);
  return [...servers, ...dirs].filter((item) => !seen.has(item.replace(/ \(pid \d+\)/, "")));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  if (args.includes("--snapshot")) {
    const now = postgresLeftovers().map((item) => item.replace(/ \(pid \d+\)/, ""));
    process.stdout.write(`${JSON.stringify(now)}\n`);
  } else {
    const except = option("--except") ? JSON.parse(readFileSync(option("--except"), "utf8")) : [];
    const left = postgresLeftovers({ run: option("--run"), except });
    if (left.length) {
      process.stderr.write(`left behind by the tests:\n${left.map((item) => `  ${item}\n`).join("")}`);
      process.exit(1);
    }
  }
}
