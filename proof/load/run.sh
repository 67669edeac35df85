#!/usr/bin/env bash
# Load and fault tests against the production builds: sustained load on the API and on the standalone web server,
# SIGTERM under load for both, writes under a SIGTERM (every note stored was acknowledged, every acknowledged note
# is stored) through each, and a flood of creates. Outcomes are asserted (no errors, no 5xx, no data lost, exit 0);
# latency, throughput and memory are printed as figures at the end, never judged (`pnpm bench` has the budgets).
#
#   bash proof/load/run.sh        (REQUIRE_EVERY_SUITE=1 makes a missing tool fatal)
#
# Builds nothing: run `pnpm build` first (the verify runner does); missing builds fail with a message.
# The cases are in proof/load/load.mjs (plain Node, autocannon from proof/package.json);
# every server listens on 127.0.0.1 on a free port (proof/support starts and stops it, and gives each API a new
# database on a throwaway PostgreSQL cluster, or on TEST_DATABASE_URL's server). A few minutes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=load # named in require_tool's messages
# shellcheck source=../lib.sh
. "$ROOT/proof/lib.sh"

require_tool node

LOAD=$ROOT/proof/load/load.mjs
FIGURES=$(mktemp)
trap 'rm -f "$FIGURES"' EXIT
export LOAD_FIGURES=$FIGURES

# Preflight: builds (always fatal), autocannon and PostgreSQL (missing: fatal under REQUIRE_EVERY_SUITE=1, a skip
# elsewhere).
rc=0
msg=$(node "$LOAD" check 2>&1) || rc=$?
if [ "$rc" -eq 2 ]; then
  printf 'FAIL load: %s\n' "$msg"
  printf '0 passed, 1 failed\n'
  exit 1
elif [ "$rc" -eq 3 ]; then
  suite_unavailable "$msg"
elif [ "$rc" -ne 0 ]; then
  printf 'FAIL load: preflight failed: %s\n' "$msg"
  printf '0 passed, 1 failed\n'
  exit 1
fi

t "API: sustained load on its list, no errors, no timeouts, no non-2xx" node "$LOAD" api-load
t "web: sustained load on /, no errors, no timeouts, no non-2xx, every page shows the API's data" node "$LOAD" web-load
t "API: SIGTERM under load, requests sent before it end 2xx, exit 0" node "$LOAD" api-drain
t "web: SIGTERM under load, requests sent before it end 2xx, exit 0" node "$LOAD" web-drain
t "API: SIGTERM while 50 clients write (delay 0 and 1.5 s): stored = acknowledged, exit 0" node "$LOAD" api-writes-drain
t "web: SIGTERM while 50 clients write (delay 0 and 1.5 s): stored = acknowledged, exit 0" node "$LOAD" web-writes-drain
t "API: a flood of creates, every one 201 and stored" node "$LOAD" api-creates
t_no_postgres_left

printf '\nfigures:\n'
sed 's/^/  /' "$FIGURES"
t_summary
