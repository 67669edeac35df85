#!/usr/bin/env bash
# Recompute nix/pnpm-deps-hash, the hash of the fetchPnpmDeps every app builds from (.#pnpm-deps), after
# pnpm-lock.yaml changed: build it with an empty hash and read the `got:` line of Nix's hash mismatch.
#
#   scripts/update-pnpm-hash.sh [--check]   prints the right hash; writes it, or with --check exits 1 when stale
#
# Needs Nix (Linux or macOS: the fetch is the same on both) and the network. Exit 2 when Nix fails for another
# reason; the file is then unchanged.
set -euo pipefail
log() { printf 'update-pnpm-hash: %s\n' "$*" >&2; }
case ${1-} in "" | --check) ;; *) log "usage: $0 [--check]" && exit 2 ;; esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
old=$(tr -d '[:space:]' <"$root/nix/pnpm-deps-hash")
output=$(mktemp)
# The file goes back as it was however this ends; only a successful write below replaces it.
trap 'printf "%s\n" "$old" >"$root/nix/pnpm-deps-hash"; rm -f "$output"' EXIT

: >"$root/nix/pnpm-deps-hash"
log "building .#pnpm-deps with an empty hash (downloads every package once)…"
nix --extra-experimental-features 'nix-command flakes' build --no-link "$root#pnpm-deps" >"$output" 2>&1 || true
new=$(sed -n 's/^[[:space:]]*got:[[:space:]]*\(sha256-[A-Za-z0-9+/]\{43\}=\).*$/\1/p' "$output" | tail -n 1)
if [ -z "$new" ]; then
  cat "$output" >&2
  log "nix failed without a 'got: sha256-…' line (output above); nix/pnpm-deps-hash is unchanged"
  exit 2
fi
echo "$new"
if [ "${1-}" = --check ]; then
  [ "$new" = "$old" ] || { log "nix/pnpm-deps-hash is stale ($old): run scripts/update-pnpm-hash.sh and commit" && exit 1; }
else
  old=$new # what the EXIT trap writes
fi
