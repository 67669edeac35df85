#!/usr/bin/env bash
# The in-Nix build of every app (nix/app.nix), replayed here: run by proof/nix/run.sh inside
# `unshare -n` (no network) as an unprivileged uid, with HOME unwritable and the source read-only except
# the directories the build writes (the list is in run.sh, prepare_round).
#
#   sandbox-build.sh SOURCE STORE_TARBALL STORE_DIR OUT_BASE PHASES_JSON
#
# 1. what pnpmConfigHook does (pkgs/build-support/node/fetch-pnpm-deps/pnpm-config-hook.sh): unpack the
#    fetched store into a writable temp store, then `pnpm install --offline --ignore-scripts
#    --frozen-lockfile`. The hook writes its settings with `pnpm config set` into a temp HOME; here they
#    are the same settings as npm_config_* variables (set by run.sh), so HOME can stay unwritable.
#    Then patchShebangs node_modules, as the hook does: every executable `#!/usr/bin/env node` script
#    names the build's own node (in Nix: the full nodejs_<.nvmrc>'s store path), so rehearse.sh can find any
#    such script that reaches a runtime tree.
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

node_bin=$(command -v node)
patched=0
while IFS= read -r -d '' f; do
  if head -n 1 "$f" | grep -qE '^#! ?/usr/bin/env +node( |$)'; then
    sed -i "1s|^#! \{0,1\}/usr/bin/env \{1,\}node|#!$node_bin|" "$f"
    patched=$((patched + 1))
  fi
done < <(find . -path '*/node_modules/*' -type f -perm -0100 -print0)
echo "== patchShebangs node_modules: $patched scripts now name $node_bin"

for app in $(jq -r 'keys[]' "$phases"); do
  out="$out_base/$app"
  export out
  for phase in buildPhase installPhase installCheckPhase; do
    echo "== $app: $phase"
    eval "$(jq -r --arg app "$app" --arg phase "$phase" '.[$app][$phase]' "$phases")"
  done
done
