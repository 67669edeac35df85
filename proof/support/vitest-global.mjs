// vitest `globalSetup` entry: names this run's clusters (PG_TEST_RUN, inherited by the workers) and, when the run
// ends, fails it if any of them, or a PostgreSQL server in one, is left.
import { randomBytes } from "node:crypto";
import { postgresLeftovers } from "./leftovers.mjs";

let run;

export function setup() {
  // eslint-disable-next-line turbo/no-undeclared-env-vars -- set here for the workers, not a task input
  run = process.env.PG_TEST_RUN ??= randomBytes(4).toString("hex");
}

export function teardown() {
  const left = postgresLeftovers({ run });
  if (left.length) throw new Error(`the tests left PostgreSQL behind:\n${left.join("\n")}`);
}
