#!/usr/bin/env bash
# Load and fault tests against the production builds: 30 s at 100 connections on the API and on the
# standalone web server, SIGTERM under load for both, and the notes store's cap under a flood of creates.
#
#   bash tests/load/run.sh        (REQUIRE_EVERY_SUITE=1 makes a missing tool fatal)
#
# Builds nothing: run `pnpm build` first (the verify runner does); missing builds fail with a message.
# The cases live in tests/load/load.mjs (plain Node, autocannon from the root devDependencies); every server
# listens on 127.0.0.1 on a free port (@repo/test-support starts and stops it, and gives each API a new database on
# a throwaway PostgreSQL cluster, or on TEST_DATABASE_URL's server). About 2 minutes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=load # named in require_tool's messages
# shellcheck source=../lib.sh
. "$ROOT/tests/lib.sh"

require_tool node

LOAD=$HERE/load.mjs
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

t "API: 30 s at 100 connections on GET /notes, 0 errors, 0 non-2xx" node "$LOAD" api-load
t "web: 30 s at 100 connections on /, 0 errors, 0 non-2xx, every page shows the notes" node "$LOAD" web-load
t "API: SIGTERM under load, requests sent before it end 2xx, exit 0 within 15 s" node "$LOAD" api-drain
t "web: SIGTERM under load, requests sent before it end 2xx, exit 0 within 15 s" node "$LOAD" web-drain
t "API: store cap holds under 5000 creates (500 kept, 409 store_full, RSS bounded, /health 200)" node "$LOAD" store-cap

printf '\nfigures:\n'
sed 's/^/  /' "$FIGURES"
t_summary
