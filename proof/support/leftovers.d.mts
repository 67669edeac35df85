// Types for leftovers.mjs.

/** `pg-test-RUN-` for a run's clusters, `pg-test-` for all. */
export function clusterPrefix(run?: string): string;

/**
 * PostgreSQL servers (`postgres (pid N) -D DIR`) and pg-test-* directories present now: only run `run`'s when given,
 * minus the `except` snapshot's (items without the pid).
 */
export function postgresLeftovers(opts?: { run?: string; except?: string[] }): string[];
