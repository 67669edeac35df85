#!/usr/bin/env bash
# The web and API images the suites run (proof/smoke, proof/kubernetes), built once and shared:
#
#   app-images.sh OUT_DIR        → OUT_DIR/settings.json, OUT_DIR/api.tar.gz, OUT_DIR/web.tar; log on stderr
#
# settings.json is nix/apps.nix evaluated (nix-instantiate); the images are written by ./image-from-tree.sh from
# the runtime trees the offline rehearsal of proof/nix keeps in $TEST_CACHE/runtime-trees/{web,api} (TEST_CACHE
# default /var/tmp/nix-sample-test-cache) when it built them from this checkout as it is now, or else from
# `pnpm build` output laid out as nix/app.nix install it (building the apps when there is
# none), with the `node` on PATH standing in for nodejs-slim. The archives are kept in $TEST_CACHE/app-images/<key>,
# the key hashing everything they are made from (settings, trees, node, these scripts), so the next suite reuses
# them and a change rebuilds them.
# Exit codes: 2 usage, 3 the apps did not build, 1 anything else.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

[ $# -eq 1 ] || {
  echo "usage: app-images.sh OUT_DIR" >&2
  exit 2
}
out=$1
mkdir -p "$out"
cache=${TEST_CACHE:-/var/tmp/nix-sample-test-cache}
work=$(mktemp -d "${TMPDIR:-/tmp}/app-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

nix-instantiate --eval --strict --json "$root/nix/apps.nix" 2>/dev/null >"$out/settings.json"
settings=$out/settings.json

trees=$work/trees
mkdir -p "$trees"
# The rehearsal's trees only when they were built from this checkout as it is (proof/nix/rehearse.sh keep).
source_key=$({ git -C "$root" ls-files -s && git -C "$root" diff; } | sha256sum | cut -c1-32)
if [ -d "$cache/runtime-trees/web" ] && [ -d "$cache/runtime-trees/api" ] &&
  [ "$(cat "$cache/runtime-trees/source-key" 2>/dev/null)" = "$source_key" ]; then
  echo "runtime trees: the offline rehearsal's, from $cache/runtime-trees" >&2
  cp -a "$cache/runtime-trees/web" "$cache/runtime-trees/api" "$trees/"
else
  # As nix/app.nix install them: the standalone tree with its cache link, the bundle.
  if [ ! -f "$root/apps/web/.next/standalone/apps/web/start.mjs" ] || [ ! -f "$root/apps/api/dist/index.mjs" ]; then
    echo "runtime trees: building the apps (pnpm --filter=web --filter=api run build)" >&2
    (cd "$root" && pnpm --filter=web --filter=api run build) >"$work/build.log" 2>&1 || {
      tail -n 30 "$work/build.log" >&2
      echo "app-images: the apps did not build" >&2
      exit 3
    }
  fi
  echo "runtime trees: from pnpm build output (none in $cache/runtime-trees from this checkout)" >&2
  cp -a "$root/apps/web/.next/standalone" "$trees/web"
  rm -rf "$trees/web/apps/web/.next/cache"
  ln -s "$(jq -r .apps.web.cacheDir "$settings")" "$trees/web/apps/web/.next/cache"
  cp -a "$root/apps/api/dist" "$trees/api"
fi

# Everything the archives are made from, hashed: file names, modes, link targets and contents of both trees.
tree_digest() {
  (cd "$1" && find . -printf '%p %y %m %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum) | sha256sum | cut -c1-64
}
key=$({
  cat "$settings" "$here/image-from-tree.sh" "$here/make-image-archive.sh"
  readlink -f "$(command -v node)"
  node --version
  tree_digest "$trees/web"
  tree_digest "$trees/api"
} | sha256sum | cut -c1-32)
kept=$cache/app-images/$key
if [ -f "$kept/api.tar.gz" ] && [ -f "$kept/web.tar" ]; then
  echo "images: reused from $kept" >&2
else
  echo "images: building into $kept" >&2
  mkdir -p "$cache/app-images"
  # Built aside and renamed into place, so a run cut short never leaves half an archive under the key.
  staging=$(mktemp -d "$cache/app-images/.building.XXXXXX")
  bash "$here/image-from-tree.sh" "$staging/api.tar.gz" "$settings" api "$trees/api" "$work/runtime"
  bash "$here/image-from-tree.sh" "$staging/web.tar" "$settings" web "$trees/web" "$work/runtime"
  rm -rf "$kept"
  mv "$staging" "$kept"
  # Other keys are older builds: keep only this one (and builds under way; those left by a run cut short go
  # after an hour).
  find "$cache/app-images" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name '.building.*' -exec rm -rf {} +
  find "$cache/app-images" -mindepth 1 -maxdepth 1 -name '.building.*' -mmin +60 -exec rm -rf {} +
fi
cp "$kept/api.tar.gz" "$kept/web.tar" "$out/"
