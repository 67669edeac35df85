#!/usr/bin/env node
// For the shell suites: `node postgres-cli.mjs start DIR [--owner PID]` starts a throwaway cluster in DIR and prints
// its URL on stdout (or TEST_DATABASE_URL's server, with a fresh database); with --owner (a suite passes its `$$`)
// a reaper stops the cluster and removes DIR once that process is gone, however it ended. `stop DIR` stops it and
// removes DIR; `database SERVER_URL` creates a fresh database there and prints its URL. Logs go to stderr.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDatabase, findPostgresBin, startPostgres } from "./postgres.mjs";

const [command, arg, ...rest] = process.argv.slice(2);
const usage = "usage: postgres-cli.mjs start DIR [--owner PID] | stop DIR | database SERVER_URL";
const owner = rest[0] === "--owner" && /^\d+$/.test(rest[1] ?? "") ? Number(rest[1]) : undefined;
if (rest.length && owner === undefined) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

try {
  if (command === "start" && arg) {
    const external = process.env.TEST_DATABASE_URL;
    if (external) {
      mkdirSync(arg, { recursive: true });
      writeFileSync(join(arg, "external"), "");
      process.stdout.write(`${await createDatabase(external)}\n`);
    } else {
      const cluster = await startPostgres({ dir: arg, detached: true, owner });
      process.stdout.write(`${await cluster.createDatabase()}\n`);
    }
  } else if (command === "stop" && arg) {
    const bin = findPostgresBin();
    if (bin && existsSync(join(arg, "data", "postmaster.pid"))) {
      const pgCtl = [join(bin, "pg_ctl"), "-D", join(arg, "data"), "-m", "fast", "-w", "stop"];
      const root = process.getuid?.() === 0;
      spawnSync(root ? "runuser" : pgCtl[0], root ? ["-u", "postgres", "--", ...pgCtl] : pgCtl.slice(1), {
        stdio: ["ignore", 2, 2],
      });
    }
    rmSync(arg, { recursive: true, force: true });
  } else if (command === "database" && arg) {
    process.stdout.write(`${await createDatabase(arg)}\n`);
  } else {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
} catch (err) {
  process.stderr.write(`postgres-cli: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
