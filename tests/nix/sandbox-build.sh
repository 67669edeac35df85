#!/usr/bin/env bash
# The in-Nix build of nix/web.nix and nix/api.nix, replayed here: run by tests/nix/run.sh inside
# `unshare -n` (no network) as an unprivileged uid, with HOME unwritable and the source read-only except
# the directories the build writes (the list is in run.sh, prepare_round).
#
#   sandbox-build.sh SOURCE STORE_TARBALL STORE_DIR OUT_BASE PHASES_JSON
#
# 1. what pnpmConfigHook does (pkgs/build-support/node/fetch-pnpm-deps/pnpm-config-hook.sh): unpack the
#    fetched store into a writable temp store, then `pnpm install --offline --ignore-scripts
#    --frozen-lockfile`. The hook writes its settings with `pnpm config set` into a temp HOME; here they
#    are the same settings as npm_config_* variables (set by run.sh), so HOME can stay unwritable.
#    Not replayed: patchShebangs node_modules (it rewrites `#!/usr/bin/env node` to a store path).
# 2. each app's buildPhase, installPhase and installCheckPhase, read from the flake (PHASES_JSON), with
#    $out = OUT_BASE/<app>.
set -euo pipefail
src=$1 tarball=$2 store=$3 out_base=$4 phases=$5

runHook() { :; } # stdenv's hook runner; the derivations register no hooks of their own

mkdir -p "$store"
tar --zstd -xf "$tarball" -C "$store"
chmod -R +w "$store"

cd "$src"
echo "== pnpm install --offline (pnpm $(pnpm --version), node $(node --version))"
pnpm install --offline --ignore-scripts --frozen-lockfile

for app in web api; do
  out="$out_base/$app"
  export out
  for phase in buildPhase installPhase installCheckPhase; do
    echo "== $app: $phase"
    eval "$(jq -r --arg app "$app" --arg phase "$phase" '.[$app][$phase]' "$phases")"
  done
done
