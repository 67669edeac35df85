#!/usr/bin/env bash
# Recompute the pnpm dependency hash in nix/pnpm-deps-hash.
#
# No tool can predict a fixed-output derivation's hash: the only way is to build it with an empty hash
# and read the `got:` line of Nix's hash-mismatch error. This script does exactly that for the one
# shared fetchPnpmDeps (.#web.pnpmDeps; the API uses the same one), then writes the hash back.
#
#   scripts/update-pnpm-hash.sh            rewrite nix/pnpm-deps-hash (after pnpm-lock.yaml changes)
#   scripts/update-pnpm-hash.sh --check    CI: exit 0 when the file is right, 1 (printing the right
#                                          hash) when it is stale; the file is left as it was
#
# Runs on Linux (the packages are Linux-only); needs network (it downloads every package once).
# Logs go to stderr; the hash alone goes to stdout. Exit 2: Nix failed for another reason.
set -euo pipefail

log() { printf 'update-pnpm-hash: %s\n' "$*" >&2; }

mode="write"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  -h | --help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    log "unknown argument: $1 (use --check or nothing)"
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hash_file="$root/nix/pnpm-deps-hash"
attr="${PNPM_DEPS_ATTR:-web.pnpmDeps}"

[ -f "$hash_file" ] || {
  log "missing $hash_file"
  exit 2
}
old=$(tr -d '[:space:]' <"$hash_file")

log_file=$(mktemp)
restore=true
cleanup() {
  if $restore; then printf '%s\n' "$old" >"$hash_file"; fi
  rm -f "$log_file"
}
trap cleanup EXIT

# An empty hash: fetchPnpmDeps then asks Nix for sha256 with no expected value, so the fetch always runs
# (never reused from the store) and fails with "hash mismatch … got: sha256-…".
: >"$hash_file"
log "building .#$attr with an empty hash (downloads the workspace's packages)…"
if nix --extra-experimental-features 'nix-command flakes' build --no-link \
  "$root#$attr" >"$log_file" 2>&1; then
  cat "$log_file" >&2
  log "the build succeeded with an empty hash; this Nix did not report a mismatch"
  exit 2
fi

new=$(sed -n 's/^[[:space:]]*got:[[:space:]]*\(sha256-[A-Za-z0-9+/]\{43\}=\).*$/\1/p' "$log_file" | tail -n 1)
if [ -z "$new" ]; then
  cat "$log_file" >&2
  log "nix failed without a 'got: sha256-…' line (output above); $hash_file is unchanged"
  exit 2
fi

if [ "$mode" = check ]; then
  if [ "$new" = "$old" ]; then
    log "nix/pnpm-deps-hash is up to date ($new)"
    exit 0
  fi
  log "nix/pnpm-deps-hash is stale: it says $old, the dependencies hash to $new"
  log "fix: run scripts/update-pnpm-hash.sh (or write the line below into nix/pnpm-deps-hash) and commit"
  printf '%s\n' "$new"
  exit 1
fi

printf '%s\n' "$new" >"$hash_file"
restore=false
if [ "$new" = "$old" ]; then
  log "unchanged: $new"
else
  log "updated nix/pnpm-deps-hash: $old -> $new"
fi
printf '%s\n' "$new"
