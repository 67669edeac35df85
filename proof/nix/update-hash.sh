#!/usr/bin/env bash
# nix/pnpm-deps-hash without Nix: replay nixpkgs' fetchPnpmDeps here (replay-pnpm-deps.sh) on the files pnpm
# reads, with what nix/workspace.nix passes it (pnpmInstallFlags, prePnpmInstall, read by nix-instantiate).
#
#   bash proof/nix/update-hash.sh           write the replayed hash into nix/pnpm-deps-hash
#   bash proof/nix/update-hash.sh --check   exit 0 when the file is right, 1 (printing the right hash) when stale
#
# Needs node (.nvmrc), pnpm 10, jq, Debian's nix-bin (`nix hash path`), the npm registry, and GNU tar + zstd at the
# versions of fetcher-tools.json: TAR and ZSTD, else .ci/replay-tools.sh downloads them (Debian). PNPM_DEPS_OUT=DIR
# keeps the replayed store there (the nix suite's rehearsal builds from it). The hash alone goes to stdout;
# exit 2 when the replay fails.
set -euo pipefail
log() { printf 'update-hash: %s\n' "$*" >&2; }
check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) log "usage: $0 [--check]" && exit 2 ;;
esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
hash_file=$root/nix/pnpm-deps-hash
old=$(tr -d '[:space:]' <"$hash_file")

if [ -z "${TAR:-}" ] || [ -z "${ZSTD:-}" ]; then
  eval "$(bash "$root/.ci/replay-tools.sh")"
  export TAR ZSTD
fi

# The build's source as far as pnpm reads it: the root's settings and lockfile, every importer's package.json.
src=$(mktemp -d)
out=${PNPM_DEPS_OUT:-$src.out}
trap 'rm -rf "$src"; [ -n "${PNPM_DEPS_OUT:-}" ] || rm -rf "$out"' EXIT
for f in package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc .pnpmfile.cjs; do
  [ ! -f "$root/$f" ] || cp "$root/$f" "$src/$f"
done
while IFS= read -r importer; do
  mkdir -p "$src/$importer"
  cp "$root/$importer/package.json" "$src/$importer/package.json"
done < <(awk '/^importers:/ { f = 1; next } /^[^ ]/ { f = 0 } f && /^  [^ ]/ { sub(/^  /, ""); sub(/:.*$/, ""); print }' \
  "$root/pnpm-lock.yaml" | grep -vx '\.')
# nix/workspace.nix's fetchPnpmDeps arguments, evaluated with the stand-in lib and nothing else of nixpkgs.
fetcher_args=$(nix-instantiate --eval --strict --json -E "(import $root/nix/workspace.nix {
  lib = import $here/stub/nixpkgs/lib.nix;
  pkgs = { };
  nix-gitignore = { };
  fetchPnpmDeps = args: { inherit (args) pnpmInstallFlags prePnpmInstall; };
}).pnpmDeps" 2>/dev/null) || {
  log "nix-instantiate could not read fetchPnpmDeps' arguments from nix/workspace.nix"
  exit 2
}
mapfile -t flags < <(jq -r '.pnpmInstallFlags[]' <<<"$fetcher_args")

new=$(PRE_INSTALL=$(jq -r .prePnpmInstall <<<"$fetcher_args") bash "$here/replay-pnpm-deps.sh" "$src" "$out" "${flags[@]}") || {
  log "the replay failed (above); nix/pnpm-deps-hash is unchanged"
  exit 2
}
printf '%s\n' "$new"
if $check; then
  [ "$new" = "$old" ] && log "nix/pnpm-deps-hash is up to date" && exit 0
  log "nix/pnpm-deps-hash is stale ($old); run bash proof/nix/update-hash.sh and commit"
  exit 1
fi
printf '%s\n' "$new" >"$hash_file"
log "nix/pnpm-deps-hash: $old -> $new"
