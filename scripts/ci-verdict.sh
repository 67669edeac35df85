#!/usr/bin/env bash
# The verdict of CI's `ci-ok` gate: the one check a branch protection rule or merge queue requires. The gate
# needs every other job and runs whatever they did (`if: always()`); this script reads their results.
#
#   NEEDS='${{ toJSON(needs) }}' scripts/ci-verdict.sh
#
# NEEDS is GitHub's `needs` context: {"<job>": {"result": "success|failure|cancelled|skipped", "outputs": {}}}.
# A job that succeeded or was skipped (nothing to build: a docs-only change skips the image jobs) is fine; one
# that failed or was cancelled fails the gate, and so does a result this script doesn't know.
# stdout: one line per job, `<job> <result>`. Exit 0 all fine, 1 some job failed or was cancelled, 2 usage.
set -euo pipefail

prog=ci-verdict
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"

[ $# -eq 0 ] || die 2 "usage: NEEDS='<the needs context as JSON>' ci-verdict.sh"
needs=${NEEDS-}
[ -n "$needs" ] || die 2 "NEEDS is empty (pass \${{ toJSON(needs) }})"
results=$(jq -r 'to_entries | sort_by(.key)[] | "\(.key) \(.value.result // "none")"' <<<"$needs" 2>/dev/null) ||
  die 2 "NEEDS is not a JSON object of jobs"
[ -n "$results" ] || die 2 "NEEDS lists no job: the gate must need every other job"

bad=()
while read -r job result; do
  printf '%s %s\n' "$job" "$result"
  case $result in
    success | skipped) ;;
    *) bad+=("$job ($result)") ;;
  esac
done <<<"$results"
[ ${#bad[@]} -eq 0 ] || die 1 "not ok: ${bad[*]}"
log "every job succeeded or had nothing to do"
