#!/usr/bin/env bash
# Tiny test harness shared by the shell suites, proof/*/run.sh.
# Each suite sources this, calls `t` once per case, and ends with `t_summary`,
# which prints the closing line `N passed, N failed` and sets the exit code.
set -euo pipefail

T_PASSED=0
T_FAILED=0
T_SKIPPED=0

# t NAME CMD...: run CMD in a subshell; pass when it exits 0.
t() {
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    T_PASSED=$((T_PASSED + 1))
    printf 'ok   %s\n' "$name"
  else
    T_FAILED=$((T_FAILED + 1))
    printf 'FAIL %s\n' "$name"
    printf '%s\n' "$out" | sed 's/^/     | /' | tail -n 40
  fi
}

# t_unavailable WHAT: a case this machine can't run. When every suite is required (REQUIRE_EVERY_SUITE=1, set
# by .ci/run on our Debian CI) that is a failure, so CI can't go green by skipping; elsewhere (a laptop, a
# GitHub runner, which sets CI=true but lacks these tools) it is counted as skipped, with a one-line notice.
t_unavailable() {
  if [ "${REQUIRE_EVERY_SUITE:-}" = 1 ]; then
    T_FAILED=$((T_FAILED + 1))
    printf 'FAIL %s (required when REQUIRE_EVERY_SUITE=1)\n' "$1"
  else
    T_SKIPPED=$((T_SKIPPED + 1))
    printf 'skip %s (runs in .ci/run)\n' "$1"
  fi
}

# suite_unavailable WHAT: the same for a whole suite: print the closing line and exit (1 in CI, else 0).
suite_unavailable() {
  t_unavailable "${T_SUITE:-suite}: $1"
  t_summary
  exit
}

# require_tool TOOL...: every TOOL must be on PATH, or the suite is unavailable.
require_tool() {
  local missing=()
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || suite_unavailable "needs ${missing[*]}"
}

# capture NAME CMD...: run CMD, keep its stdout, stderr and exit code in $CAP/NAME.{out,err,rc} (the suite sets CAP)
capture() {
  local name=$1 rc=0
  shift
  "$@" >"$CAP/$name.out" 2>"$CAP/$name.err" || rc=$?
  printf '%s\n' "$rc" >"$CAP/$name.rc"
}

# expect_fail CODE PATTERN CMD...: CMD must exit with CODE (or any non-zero
# when CODE is "nz") and print PATTERN (grep -E) on stderr or stdout.
expect_fail() {
  local code=$1 pattern=$2
  shift 2
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$code" = "nz" ]; then
    [ "$rc" -ne 0 ] || { echo "expected failure, got exit 0: $out"; return 1; }
  else
    [ "$rc" -eq "$code" ] || { echo "expected exit $code, got $rc: $out"; return 1; }
  fi
  grep -qE -- "$pattern" <<<"$out" || { echo "output lacks /$pattern/: $out"; return 1; }
}

# Clusters a suite starts through proof/support are tagged with this run's id (their directories are
# /tmp/pg-test-ID-*), so t_no_postgres_left checks this run's alone, even beside other runs.
T_LIB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_TEST_RUN=${PG_TEST_RUN:-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')}
export PG_TEST_RUN

# t_no_postgres_left: a case that fails when the suite left a PostgreSQL server or cluster directory behind.
t_no_postgres_left() {
  t "left no PostgreSQL server or pg-test-* directory behind" \
    node "$T_LIB_ROOT/proof/support/leftovers.mjs" --run "$PG_TEST_RUN"
}

t_summary() {
  if [ "$T_SKIPPED" -gt 0 ]; then
    printf '%d passed, %d failed, %d skipped\n' "$T_PASSED" "$T_FAILED" "$T_SKIPPED"
  else
    printf '%d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
  fi
  [ "$T_FAILED" -eq 0 ]
}
