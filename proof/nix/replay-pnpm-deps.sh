#!/usr/bin/env bash
# Replay nixpkgs' fetchPnpmDeps (fetcherVersion 3, pnpm 10) without a Nix builder and print the hash its
# fixed output must have. Followed step by step: pkgs/build-support/node/fetch-pnpm-deps/default.nix
# (installPhase: config in a temp HOME, `pnpm install --force`; fixupPhase: drop tmp/ and projects/, sort
# the JSON index without checkedAt, modes 444/555, a reproducible pnpm-store.tar.zst).
#
#   proof/nix/replay-pnpm-deps.sh SOURCE OUT [PNPM_INSTALL_FLAG...]
#
#   SOURCE  a directory with package.json, pnpm-lock.yaml (and pnpm-workspace.yaml, the workspace's
#           package.json files); it is copied, never changed
#   OUT     created (replaced) with .fetcher-version and pnpm-store.tar.zst: the fetcher's $out
#   flags   what the derivation passes as pnpmInstallFlags
#   PRE_INSTALL (env)  shell code run just before `pnpm install`, as the fetcher's prePnpmInstall
#
# stdout: the SRI hash (`nix hash path OUT`, Debian's nix-bin is enough). Logs on stderr.
# Tools: node and pnpm 10 from PATH (or PNPM); TAR and ZSTD (or tar/zstd on PATH) must be the versions in
# proof/nix/fetcher-tools.json: other versions write other bytes, so the hash would never match. Exit 2 when a tool
# is missing or the wrong version, 1 when the install fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
log() { printf 'replay-pnpm-deps: %s\n' "$*" >&2; }
die2() {
  log "$*"
  exit 2
}

[ $# -ge 2 ] || die2 "usage: replay-pnpm-deps.sh SOURCE OUT [PNPM_INSTALL_FLAG...]"
src=$(cd "$1" && pwd) || die2 "no source directory $1"
out=$2
shift 2
flags=("$@")
[ -f "$src/pnpm-lock.yaml" ] || die2 "$src has no pnpm-lock.yaml"

calibration="$repo/proof/nix/fetcher-tools.json"
want_tar=$(jq -r .tar "$calibration")
want_zstd=$(jq -r .zstd "$calibration")

# --- the tools ---------------------------------------------------------------------------------------
TAR=${TAR:-$(command -v tar || true)}
ZSTD=${ZSTD:-$(command -v zstd || true)}
PNPM=${PNPM:-$(command -v pnpm || true)}
NIX=${NIX:-$(command -v nix || true)}
[ -x "$TAR" ] || die2 "no tar (set TAR to GNU tar $want_tar)"
[ -x "$ZSTD" ] || die2 "no zstd (set ZSTD to zstd $want_zstd)"
[ -x "$PNPM" ] || die2 "no pnpm on PATH (set PNPM)"
[ -n "$NIX" ] || die2 "no nix on PATH (it computes the NAR hash; Debian's nix-bin is enough)"
command -v node >/dev/null || die2 "no node on PATH"
tar_found=$("$TAR" --version 2>/dev/null | head -n 1 || true)
zstd_found=$("$ZSTD" --version 2>/dev/null | head -n 1 || true)
[ "$(sed -n 's/^tar (GNU tar) \([0-9.]*\)$/\1/p' <<<"$tar_found")" = "$want_tar" ] ||
  die2 "TAR=$TAR is '${tar_found:-not runnable}'; the replay needs GNU tar $want_tar (nixpkgs' version: other versions write other bytes). On Debian 12: eval \"\$(.ci/replay-tools.sh)\""
[ "$(sed -n 's/.* v\([0-9.]*\),.*/\1/p' <<<"$zstd_found")" = "$want_zstd" ] ||
  die2 "ZSTD=$ZSTD is '${zstd_found:-not runnable}'; the replay needs zstd $want_zstd (nixpkgs' version). On Debian 12: eval \"\$(.ci/replay-tools.sh)\""
# (from /, and told not to switch: in a checkout pnpm would try packageManager's version instead)
pnpm_version=$(cd / && npm_config_manage_package_manager_versions=false "$PNPM" --version)
case "$pnpm_version" in 10.*) ;; *) die2 "pnpm $pnpm_version: fetcherVersion 3 is replayed with pnpm 10" ;; esac

# --- installPhase ------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/replay-pnpm-deps.XXXXXX")
# Directories only: the store's files are hard-linked into node_modules, so a chmod on them before tar
# runs would change the store's modes (and the hash); afterwards it no longer matters.
cleanup() {
  find "$work" -type d -exec chmod u+w {} + 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/tmp" "$work/bin"
cp -R "$src" "$work/source"
chmod -R u+w "$work/source"
# tar --zstd runs `zstd` from PATH, without options, as in the fetcher; `pnpm` is called by name, as
# there (prePnpmInstall may wrap it).
ln -s "$ZSTD" "$work/bin/zstd"
ln -s "$PNPM" "$work/bin/pnpm"
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
store="$work/store"

# A clean environment like the builder's: no npm_config_* of the caller (a registry or CI=true would change
# what pnpm does), but the proxy variables the fetcher passes through (impureEnvVars) and the CA bundle
# (the fetcher has cacert; a TLS-inspecting proxy needs its CA here too).
# npm_config_manage_package_manager_versions: with CI=true pnpm 10 tried to switch to packageManager's
# version despite the HOME config below; the environment variable always wins (same hash either way).
env_args=(PATH="$work/bin:$(dirname "$(command -v node)"):/usr/bin:/bin" HOME="$work/home" TMPDIR="$work/tmp"
  npm_config_manage_package_manager_versions=false PRE_INSTALL="${PRE_INSTALL:-}")
for v in http_proxy https_proxy ftp_proxy all_proxy no_proxy HTTP_PROXY HTTPS_PROXY FTP_PROXY ALL_PROXY NO_PROXY \
  NIX_NPM_REGISTRY NODE_EXTRA_CA_CERTS SSL_CERT_FILE NIX_SSL_CERT_FILE; do
  [ -z "${!v:-}" ] || env_args+=("$v=${!v}")
done
log "pnpm $pnpm_version install --force ${flags[*]}${PRE_INSTALL:+ (after prePnpmInstall)} (node $(node --version))"
# shellcheck disable=SC2016 # expanded by the inner shell
if ! env -i "${env_args[@]}" bash -euc '
  cd "$HOME"
  pnpm config set manage-package-manager-versions false
  pnpm config set side-effects-cache false
  pnpm config set update-notifier false
  cd "$1"
  pnpm config set store-dir "$2"
  shift 2
  eval "$PRE_INSTALL"
  pnpm install --force --ignore-scripts "$@" --registry="${NIX_NPM_REGISTRY:-}" --frozen-lockfile
' replay "$work/source" "$store" "${flags[@]}" </dev/null >"$work/install.log" 2>&1; then
  tail -n 30 "$work/install.log" >&2
  log "pnpm install failed (output above)"
  exit 1
fi
echo 3 >"$out/.fetcher-version"

# --- fixupPhase --------------------------------------------------------------------------------------
rm -rf "$store"/{v3,v10}/tmp
find "$store" -name '*.json' -print0 | while IFS= read -r -d '' f; do
  jq --sort-keys 'del(.. | .checkedAt?)' "$f" >"$f.sponge"
  cat "$f.sponge" >"$f"
  rm "$f.sponge"
done
rm -rf "$store"/{v3,v10}/projects
find "$store" -type f -name '*-exec' -print0 | xargs --no-run-if-empty -0 chmod 555
find "$store" -type f -not -name '*-exec' -print0 | xargs --no-run-if-empty -0 chmod 444
find "$store" -type d -print0 | xargs --no-run-if-empty -0 chmod 555
# SOURCE_DATE_EPOCH in a Nix build is 315532800 (1980-01-01).
(cd "$store" && PATH="$work/bin:$PATH" "$TAR" --sort=name --mtime=@315532800 --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --zstd -cf "$out/pnpm-store.tar.zst" .)
log "store: $(find "$store" -type f | wc -l) files, $(du -sm "$store" | cut -f1) MiB; tarball $(du -m "$out/pnpm-store.tar.zst" | cut -f1) MiB"

"$NIX" --extra-experimental-features nix-command hash path "$out"
