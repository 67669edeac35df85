#!/usr/bin/env bash
# The offline rehearsal of the in-Nix builds, one step per call (proof/nix/run.sh runs them in order):
#
#   rehearse.sh pnpm           put pnpm (package.json's packageManager version) in the test cache
#   rehearse.sh switch         the shells' variable stops pnpm 10 from switching to the pinned version
#   rehearse.sh fetch          the replayed fetchPnpmDeps output (run.sh's replay wrote it to $FETCHED:
#                              .fetcher-version, pnpm-store.tar.zst) is there; nothing is fetched again
#   rehearse.sh build N        round N: a clean copy of the flake's build source, then sandbox-build.sh
#                              in `unshare -n` (loopback only) as uid 65534 (HOME unwritable, source read-only)
#   rehearse.sh compare        rounds 1 and 2 must be identical (content, x bit, links), but for
#                              Next.js's per-build secrets and what they salt (compare-trees.mjs)
#   rehearse.sh trees          the runtime trees look as the images expect
#   rehearse.sh references     no file in them names the build's Node.js, pnpm or store (in Nix:
#                              disallowedReferences; sandbox-build.sh patched the shebangs as Nix does)
#   rehearse.sh serve          serve-check.sh in `unshare -n -m`: the trees serve, as the images run them
#   rehearse.sh keep           copy the trees to $TEST_CACHE/runtime-trees/<app> for proof/smoke
#
# Environment (set by run.sh): WORK (scratch), EVAL (the flake's evaluated outputs, JSON), NODE (node of .nvmrc),
# TEST_CACHE (pnpm, the replayed store, the kept trees), FETCHED (the replayed store's directory), APPS (the
# apps, a JSON list). `trees` and `serve` check the sample apps, web and api, by name.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${WORK:?}" "${EVAL:?}" "${NODE:?}" "${TEST_CACHE:?}" "${FETCHED:?}"

system="$(uname -m)-linux"
packages="$EVAL/packages.json"
src=$(jq -r --arg s "$system" '.[$s]["pnpm-deps"].src' "$packages") # the filtered source, as Nix copies it
# The apps (run.sh: every apps/* with a runtime field), as a list of words.
read -r -a apps <<<"$(jq -r '.[]' <<<"${APPS:?}" | tr '\n' ' ')"
pnpm_version=$(jq -r '.packageManager | sub("^pnpm@"; "")' "$src/package.json")
pnpm_dir="$TEST_CACHE/pnpm-$pnpm_version"
build_uid=65534
PATH="$(dirname "$NODE"):$pnpm_dir/node_modules/.bin:/usr/sbin:/usr/bin:/sbin:/bin"
export PATH

# The variables the fetcher and pnpmConfigHook set with `pnpm config set` (pnpm 10 reads npm_config_*).
case "$(uname -m)" in x86_64) npm_arch=x64 ;; aarch64) npm_arch=arm64 ;; *) npm_arch=$(uname -m) ;; esac
fetched=$FETCHED # like the FOD's $out: .fetcher-version, pnpm-store.tar.zst

step_pnpm() {
  if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
    mkdir -p "$pnpm_dir"
    npm install --prefix "$pnpm_dir" --no-audit --no-fund --loglevel=error "pnpm@$pnpm_version" >&2
  fi
  [ "$(pnpm --version)" = "$pnpm_version" ]
  echo "pnpm $pnpm_version on node $(node --version)"
}

# nixpkgs' pnpm_10 need not be the pinned 10.x: a pnpm of another 10.x must run without downloading.
step_switch() {
  local var other_dir d out
  var=$(jq -r '.["x86_64-linux"].default.env.npm_config_manage_package_manager_versions' "$EVAL/devShells.json")
  [ "$var" = false ]
  other_dir="$TEST_CACHE/pnpm-10.34.4" # the pnpm_10 of a recent nixpkgs
  [ -x "$other_dir/node_modules/.bin/pnpm" ] ||
    npm install --prefix "$other_dir" --no-audit --no-fund --loglevel=error pnpm@10.34.4 >&2
  d=$(mktemp -d "$WORK/switch.XXXX")
  cp "$src/package.json" "$d/"
  out=$(cd "$d" && HOME="$d" npm_config_manage_package_manager_versions="$var" unshare -n "$other_dir/node_modules/.bin/pnpm" --version)
  echo "with the shell's variable, offline: pnpm --version = $out"
  [ "$out" = 10.34.4 ]
  if out=$(cd "$d" && HOME="$d" timeout 60 unshare -n "$other_dir/node_modules/.bin/pnpm" --version 2>&1); then
    echo "without it pnpm did not try to switch ($out): the variable is not what keeps it offline"
    return 1
  fi
  echo "without it, pnpm tries to fetch pnpm@$pnpm_version (fails offline): ${out%%$'\n'*}"
}

step_fetch() {
  if [ "$(cat "$fetched/.fetcher-version" 2>/dev/null)" != 3 ] || [ ! -f "$fetched/pnpm-store.tar.zst" ]; then
    echo "no replayed store in $fetched"
    return 1
  fi
  [ "$(cd "$fetched" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')" = "./.fetcher-version ./pnpm-store.tar.zst " ] ||
    { echo "the fetcher's \$out holds exactly .fetcher-version and pnpm-store.tar.zst: $(ls -A "$fetched")"; return 1; }
  echo "store tarball $(du -h "$fetched/pnpm-store.tar.zst" | cut -f1), NAR hash $(cat "$fetched.nar-hash")"
}

# Directories the builds write, the only writable places in the read-only source: node_modules of the
# root and of every workspace package (pnpm install), and per app by kind: next, <dir>/.next (next build;
# next_apps also lists <dir>/next-env.d.ts, which it regenerates); node, <dir>/dist (esbuild). Anything
# else written fails the round.
is_next() { jq -e --arg s "$system" --arg a "$1" '.[$s][$a].cacheDir != null' "$packages" >/dev/null; }
writable_paths() {
  local s=$1 d app
  echo "$s/node_modules"
  for d in "$s"/apps/* "$s"/packages/* "$s"/tooling/*; do [ -f "$d/package.json" ] && echo "$d/node_modules"; done
  for app in "${apps[@]}"; do
    if is_next "$app"; then echo "$s/apps/$app/.next"; else echo "$s/apps/$app/dist"; fi
  done
}

# The files workspace packages declare as bins (package.json "bin": a path or a name → path map).
workspace_bins() {
  local s=$1 d
  for d in "$s"/apps/* "$s"/packages/* "$s"/tooling/*; do
    [ -f "$d/package.json" ] || continue
    jq -r '.bin // empty | if type == "string" then . else .[] end' "$d/package.json" | while IFS= read -r f; do
      if [ -f "$d/$f" ]; then echo "$d/$f"; fi
    done
  done
}

step_build() {
  local n=$1 b="$WORK/build" # one fixed path for every round, as Nix builds in /build/<project>-source
  rm -rf "$b" "$WORK/round$n"
  mkdir -p "$b/tmp" "$b/out" "$b/store"
  cp -R "$src" "$b/source"
  chmod -R u+w "$b/source" # unpackPhase makes its copy writable; here the next lines decide
  jq --arg s "$system" --argjson apps "$APPS" '.[$s] | with_entries(select(.key as $k | $apps | index($k)))' "$packages" >"$b/phases.json"
  chown -R root:root "$b/source"
  chmod -R a-w,a+rX "$b/source"
  local p
  while read -r p; do
    mkdir -p "$p"
    chown "$build_uid:$build_uid" "$p"
  done < <(writable_paths "$b/source")
  # pnpm install chmods every workspace package's bin target to 0755 (fixBin in pnpm's link-bins), which only
  # the file's owner may: in Nix the build user owns its unpacked copy of the source, so give it those files.
  while read -r p; do
    chown "$build_uid:$build_uid" "$p"
  done < <(workspace_bins "$b/source")
  for p in "${apps[@]}"; do
    if is_next "$p"; then
      touch "$b/source/apps/$p/next-env.d.ts"
      chown "$build_uid:$build_uid" "$b/source/apps/$p/next-env.d.ts"
    fi
  done
  chown "$build_uid:$build_uid" "$b/tmp" "$b/out" "$b/store"
  chmod 0755 "$WORK" "$b"

  local rc=0
  # Nix's sandbox has a private network with loopback up: Turbopack talks to its Node.js workers over it.
  unshare -n sh -c 'ip link set lo up && exec "$@"' _ setpriv --reuid=$build_uid --regid=$build_uid --clear-groups \
    env -i PATH="$PATH" HOME=/homeless-shelter TMPDIR="$b/tmp" \
    NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 \
    npm_config_store_dir="$b/store" npm_config_manage_package_manager_versions=false \
    npm_config_package_import_method=clone-or-copy \
    npm_config_arch="$npm_arch" npm_config_platform=linux \
    bash "$here/sandbox-build.sh" "$b/source" "$fetched/pnpm-store.tar.zst" "$b/store" "$b/out" "$b/phases.json" \
    >"$WORK/round$n.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$WORK/round$n.log"
    return 1
  fi
  grep '^==' "$WORK/round$n.log"
  mv "$b/out" "$WORK/round$n"
  chown -R root:root "$WORK/round$n"
  chmod -R a-w,a+rX "$WORK/round$n"
  # Keep round 1's build tree for `trees` (it greps it for leaked paths); clean up round 2's.
  if [ "$n" = 1 ]; then echo "$b" >"$WORK/build-path"; fi
  chmod -R u+w "$b" && rm -rf "$b"
}

# Rounds 1 and 2 must match but for what Next.js derives from its per-build secrets (compare-trees.mjs says
# exactly what that is); anything else that differs fails.
step_compare() {
  local app
  for app in "${apps[@]}"; do
    echo "$app:"
    "$NODE" "$here/compare-trees.mjs" "$WORK/round1/$app" "$WORK/round2/$app"
  done
}

step_trees() {
  local web="$WORK/round1/web" api="$WORK/round1/api" cache_dir link bad build
  cache_dir=$(jq -r --arg s "$system" '.[$s].web.cacheDir' "$packages")
  for f in apps/web/server.js apps/web/start.mjs apps/web/.next/BUILD_ID apps/web/.next/static apps/web/public; do
    [ -e "$web/$f" ] || { echo "web tree lacks $f"; return 1; }
  done
  link=$(readlink "$web/apps/web/.next/cache")
  [ "$link" = "$cache_dir" ] || { echo "apps/web/.next/cache -> '$link', expected $cache_dir"; return 1; }
  # No other link may leave the tree (absolute, or climbing out): Nix would keep it dangling.
  bad=$(cd "$web" && find . -type l ! -path ./apps/web/.next/cache -print0 | while IFS= read -r -d '' l; do
    t=$(readlink "$l")
    case "$t" in /*) echo "$l -> $t" ;; *) r=$(realpath -m "$(dirname "$l")/$t"); case "$r" in "$PWD"/*) ;; *) echo "$l -> $t" ;; esac ;; esac
  done)
  [ -z "$bad" ] || { echo "links leaving the web tree:"; echo "$bad"; return 1; }
  if [ ! -f "$api/index.mjs" ] || [ -e "$api/node_modules" ]; then
    echo "api tree: want index.mjs and no node_modules"
    ls -la "$api"
    return 1
  fi
  build=$(cat "$WORK/build-path")
  bad=$(grep -rlF "$build" "$web" "$api" 2>/dev/null | sed "s|^$WORK/round1/||" || true)
  if [ -n "$bad" ]; then
    echo "files naming the build directory (in Nix: /build/<project>-source, the same in every build):"
    echo "$bad"
  fi
  echo "web tree $(du -sh "$web" | cut -f1), api tree $(du -sh "$api" | cut -f1)"
}

# Nothing may name the build's tools (node, pnpm, the store): in Nix those would be references to the
# full nodejs (with npm) or pnpm, which disallowedReferences rejects. sandbox-build.sh rewrote node_modules'
# `#!/usr/bin/env node` lines to the build's node, as patchShebangs does, so a traced script shows up here.
step_references() {
  local bad
  bad=$(grep -rlF -e "$(dirname "$NODE")" -e "$pnpm_dir" -e "$fetched" "$WORK/round1/web" "$WORK/round1/api" 2>/dev/null || true)
  [ -z "$bad" ] || { echo "runtime files naming the build's Node.js, pnpm or store:"; echo "${bad//"$WORK/round1/"/}"; return 1; }
  echo "$(grep -o 'patchShebangs node_modules: [0-9]* scripts' "$WORK/round1.log"); none reached the trees"
}

step_serve() {
  local logs="$WORK/serve-logs" images="$WORK/images.json"
  mkdir -p "$logs"
  jq --arg s "$system" '.[$s] | {
      "image-web": (.["image-web"] + {entry: .web.entry}),
      "image-api": (.["image-api"] + {entry: .api.entry})
    }' "$packages" >"$images"
  unshare -n -m bash "$here/serve-check.sh" "$NODE" "$WORK/round1/web" "$WORK/round1/api" "$images" "$logs"
}

# The final runtime trees, for proof/smoke (it builds docker-archives from them after this suite).
step_keep() {
  local kept="$TEST_CACHE/runtime-trees" app
  mkdir -p "$kept"
  for app in "${apps[@]}"; do
    if [ -e "$kept/$app" ]; then chmod -R u+w "$kept/$app" && rm -rf "${kept:?}/$app"; fi
    cp -a "$WORK/round1/$app" "$kept/$app"
  done
  [ -f "$kept/web/apps/web/server.js" ] && [ -f "$kept/api/index.mjs" ] && [ -L "$kept/web/apps/web/.next/cache" ]
  # Which checkout they were built from (its tracked files as they are now): a suite that finds trees of another
  # checkout or commit builds its own instead (proof/smoke/app-images.sh).
  { git -C "$here/../.." ls-files -s && git -C "$here/../.." diff; } | sha256sum | cut -c1-32 >"$kept/source-key"
  echo "$kept/web, $kept/api"
}

step=$1
shift
"step_$step" "$@"
