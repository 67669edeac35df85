#!/usr/bin/env bash
# Recompute nix/pnpm-deps-hash, the hash of the one fetchPnpmDeps every app builds from (.#pnpm-deps), after a
# change to pnpm-lock.yaml: build it with an empty hash and read the `got:` line of Nix's hash mismatch.
#
#   scripts/update-pnpm-hash.sh           write the right hash into nix/pnpm-deps-hash
#   scripts/update-pnpm-hash.sh --check   exit 0 when the file is right, 1 (printing the right hash) when stale
#
# Needs Nix and the network. The hash alone goes to stdout; exit 2 when Nix fails for another reason.
set -euo pipefail
log() { printf 'update-pnpm-hash: %s\n' "$*" >&2; }

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) log "usage: $0 [--check]" && exit 2 ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hash_file=$root/nix/pnpm-deps-hash
old=$(tr -d '[:space:]' <"$hash_file")
output=$(mktemp)
# The file goes back as it was however this ends; only a successful write below replaces it.
trap 'printf "%s\n" "$old" >"$hash_file"; rm -f "$output"' EXIT

# An empty hash: the fetch always runs (nothing to reuse from the store) and fails with `got: sha256-…`.
: >"$hash_file"
log "building .#pnpm-deps with an empty hash (downloads every package once)…"
if nix --extra-experimental-features 'nix-command flakes' build --no-link "$root#pnpm-deps" >"$output" 2>&1; then
  log "the build succeeded with an empty hash: this Nix reported no mismatch"
  exit 2
fi
new=$(sed -n 's/^[[:space:]]*got:[[:space:]]*\(sha256-[A-Za-z0-9+/]\{43\}=\).*$/\1/p' "$output" | tail -n 1)
if [ -z "$new" ]; then
  cat "$output" >&2
  log "nix failed without a 'got: sha256-…' line (output above); nix/pnpm-deps-hash is unchanged"
  exit 2
fi

printf '%s\n' "$new"
if $check; then
  [ "$new" = "$old" ] && log "nix/pnpm-deps-hash is up to date" && exit 0
  log "nix/pnpm-deps-hash is stale ($old); run scripts/update-pnpm-hash.sh and commit"
  exit 1
fi
old=$new # what the EXIT trap writes
log "nix/pnpm-deps-hash: $new"
