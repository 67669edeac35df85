#!/usr/bin/env bash
# Recompute the pnpm dependency hash in nix/pnpm-deps-hash (the one shared fetchPnpmDeps, .#pnpm-deps).
#
#   scripts/update-pnpm-hash.sh                    with Nix: build the fetcher with an empty hash and read
#                                                  the `got:` line of Nix's hash-mismatch error
#   scripts/update-pnpm-hash.sh --replay           without a Nix builder: replay the fetcher here
#                                                  (proof/nix/replay-pnpm-deps.sh) and hash its output
#   ... --check                                    either way, CI: exit 0 when the file is right, 1 (printing
#                                                  the right hash) when it is stale; the file is left as it was
#
# --replay needs node, pnpm 10, jq, Debian's nix-bin (for `nix hash path`) and GNU tar + zstd at the
# versions of proof/nix/fetcher-tools.json, taken from TAR and ZSTD (or PATH); exit 2 naming what it found when
# they differ. On Debian 12: eval "$(.ci/replay-tools.sh)" provides both. PNPM_DEPS_OUT=DIR keeps the
# replayed store there (the offline rehearsal in proof/nix reuses it).
# Both need network (every package is downloaded once). Logs go to stderr; the hash alone goes to stdout.
# Exit 2: Nix or the replay failed for another reason.
set -euo pipefail

log() { printf 'update-pnpm-hash: %s\n' "$*" >&2; }

mode="write"
how="nix"
for arg in "$@"; do
  case "$arg" in
    --check) mode="check" ;;
    --replay) how="replay" ;;
    -h | --help)
      sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      log "unknown argument: $arg (use --replay, --check, both or nothing)"
      exit 2
      ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hash_file="$root/nix/pnpm-deps-hash"
attr="${PNPM_DEPS_ATTR:-pnpm-deps}"

[ -f "$hash_file" ] || {
  log "missing $hash_file"
  exit 2
}
old=$(tr -d '[:space:]' <"$hash_file")

# The hash, by replaying the fetcher on the files pnpm reads: the workspace's manifests, the lockfile and
# pnpm's settings, with what nix/workspace.nix passes: nix/pnpm-pre-install.sh (prePnpmInstall) and
# nix/pnpm-install-flags.json (pnpmInstallFlags).
replay_hash() {
  local src rc=0 importer f
  src=$(mktemp -d)
  for f in package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc .pnpmfile.cjs; do
    [ ! -f "$root/$f" ] || cp "$root/$f" "$src/$f"
  done
  while IFS= read -r importer; do
    [ "$importer" = . ] && continue
    mkdir -p "$src/$importer"
    cp "$root/$importer/package.json" "$src/$importer/package.json" || { rm -rf "$src"; return 2; }
  done < <(awk '/^importers:/ { f = 1; next } /^[^ ]/ { f = 0 } f && /^  [^ ]/ { sub(/^  /, ""); sub(/:.*$/, ""); print }' \
    "$root/pnpm-lock.yaml")
  local flags=()
  mapfile -t flags < <(jq -r '.[]' "$root/nix/pnpm-install-flags.json")
  local out=${PNPM_DEPS_OUT:-$src.out}
  PRE_INSTALL=$(cat "$root/nix/pnpm-pre-install.sh") "$root/proof/nix/replay-pnpm-deps.sh" "$src" "$out" "${flags[@]}" || rc=$?
  rm -rf "$src"
  [ -n "${PNPM_DEPS_OUT:-}" ] || rm -rf "$out"
  return "$rc"
}

# finish NEW FIX: with --check, exit 0 when the file already says NEW, else 1 printing NEW (FIX names the command
# that writes it); otherwise write NEW into the file. NEW alone goes to stdout.
finish() {
  local new=$1 fix=$2
  if [ "$mode" = check ]; then
    if [ "$new" = "$old" ]; then
      log "nix/pnpm-deps-hash is up to date ($new)"
      exit 0
    fi
    log "nix/pnpm-deps-hash is stale: it says $old, the dependencies hash to $new"
    log "fix: run $fix (or write the line below into nix/pnpm-deps-hash) and commit"
    printf '%s\n' "$new"
    exit 1
  fi
  printf '%s\n' "$new" >"$hash_file"
  if [ "$new" = "$old" ]; then log "unchanged: $new"; else log "updated nix/pnpm-deps-hash: $old -> $new"; fi
  printf '%s\n' "$new"
  exit 0
}

if [ "$how" = replay ]; then
  rc=0
  new=$(replay_hash) || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "the replay failed (above); $hash_file is unchanged"
    exit 2
  fi
  finish "$new" "scripts/update-pnpm-hash.sh --replay"
fi

log_file=$(mktemp)
restore=true
# shellcheck disable=SC2317 # run by the EXIT trap
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

printf '%s\n' "$old" >"$hash_file" # as it was; finish rewrites it unless checking
restore=false
finish "$new" "scripts/update-pnpm-hash.sh"
