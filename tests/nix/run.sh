#!/usr/bin/env bash
# tests/nix/run.sh: everything about the flake that can be proven without a Nix binary cache or GitHub.
#
#  1. every .nix file parses; flake.lock is the pinned one and Nix accepts it offline, unchanged;
#  2. the flake's outputs evaluate against stand-in inputs (./stub: nixpkgs and devenv functions with the
#     real argument sets), on every system, and say what the docs and the apps expect;
#  3. image settings (nix/image-settings.nix) against the apps' own defaults;
#  4. scripts/update-pnpm-hash.sh against a fake `nix`;
#  5. the offline rehearsal of the in-Nix builds (./rehearse.sh): fetch the store as fetchPnpmDeps does,
#     build without network as an unprivileged uid from a read-only source, twice from clean, compare,
#     then serve the trees the way the images run them.
#
# Needs nix (Debian's nix-bin is enough), git, jq; part 5 also root, unshare/setpriv (util-linux),
# ip/ss (iproute2), curl, zstd, Node.js 22 and the npm registry. With REQUIRE_EVERY_SUITE=1 a missing tool fails the
# suite; elsewhere the part that needs it is skipped. TEST_CACHE (default /var/tmp/nix-sample-test-cache)
# keeps pnpm and the fetched store between runs while pnpm-lock.yaml is unchanged.
# jq programs are single-quoted on purpose; `A && B || { …; return 1; }` is the intended shape.
# shellcheck disable=SC2016,SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export T_SUITE="tests/nix"
# shellcheck source=../lib.sh disable=SC1091
source "$repo/tests/lib.sh"

require_tool nix nix-instantiate git jq

export NIX_CONFIG=$'experimental-features = nix-command flakes\nwarn-dirty = false'
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nix-sample-nix-tests.XXXXXX")
EVAL="$WORK/eval"
export WORK EVAL
cleanup() {
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$EVAL"
flake="$WORK/flake"
stub="$here/stub"

# The flake as Nix sees it once committed: tracked and untracked-but-not-ignored files, in a fresh git
# repository (flakes ignore untracked files; the real repo's index is never touched).
copy_flake() { # copy_flake DEST
  local dest=$1 f
  mkdir -p "$dest"
  while IFS= read -r -d '' f; do
    [ -e "$repo/$f" ] || [ -L "$repo/$f" ] || continue # deleted in the work tree
    mkdir -p "$dest/$(dirname "$f")"
    cp -P "$repo/$f" "$dest/$f"
  done < <(git -C "$repo" ls-files -z --cached --others --exclude-standard)
  git -C "$dest" init -q &&
    git -C "$dest" add -A &&
    git -C "$dest" -c user.name=test -c user.email=test@localhost commit -qm tree
}

eval_stub() { # eval_stub FLAKE OUTPUT: the output, through ./summary.nix, against the stand-ins
  nix --offline eval --no-write-lock-file \
    --override-input nixpkgs "path:$stub/nixpkgs" --override-input devenv "path:$stub/devenv" \
    --json "$1#$2" --apply "($(cat "$here/summary.nix")).$2"
}
jqe() { jq -e "$@" >/dev/null || { echo "jq check failed: ${*:1:1}"; return 1; }; }

# --- 1. parsing and the lock ----------------------------------------------------------------------
parse_all() {
  local f n=0
  while IFS= read -r -d '' f; do
    nix-instantiate --parse "$f" >/dev/null || return 1
    n=$((n + 1))
  done < <(find "$repo/flake.nix" "$repo/nix" "$repo/tests/nix" -name '*.nix' -print0)
  echo "$n files"
  [ "$n" -ge 10 ]
}
t "every .nix file parses" parse_all
t "the flake as committed (temp git copy)" copy_flake "$flake"

lock_metadata() { nix --offline flake metadata "$flake" >"$WORK/metadata.txt" 2>&1 || { cat "$WORK/metadata.txt"; return 1; }; }
lock_unchanged() {
  cp "$flake/flake.lock" "$WORK/flake.lock.before"
  nix --offline flake lock "$flake" 2>&1 || return 1
  cmp "$WORK/flake.lock.before" "$flake/flake.lock"
}
lock_pins() { # the pins of ../shared/nix/PINS.md, and our inputs' follows
  jqe '.nodes.root.inputs == {devenv: "devenv", nixpkgs: "nixpkgs_2"}' "$repo/flake.lock" &&
    jqe '.nodes.nixpkgs_2.locked | .rev == "5880666fd9eb563038431edb35c2d0aa595884e6"
         and .narHash == "sha256-OURZPknrTjQrlNyxPdqzyqmU/81Wes1CUP/Ft1Rv/YI="' "$repo/flake.lock" &&
    jqe '.nodes.nixpkgs_2.original == {owner: "NixOS", ref: "nixos-26.05", repo: "nixpkgs", type: "github"}' "$repo/flake.lock" &&
    jqe '.nodes.devenv.locked | .rev == "b8030c58deafc013fc51791377fe8fea4dadcb00"
         and .narHash == "sha256-UXA2rr/JNIrbTrhPcmbC2y4Uit8NzeAMZAlUfBQ45uw="' "$repo/flake.lock" &&
    jqe '.nodes.devenv.inputs.nixpkgs == ["nixpkgs"] and .nodes.devenv.original.ref == "v2.2.2"' "$repo/flake.lock" &&
    grep -q 'nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";' "$repo/flake.nix" &&
    grep -q 'devenv.url = "github:cachix/devenv/v2.2.2";' "$repo/flake.nix" &&
    grep -q 'devenv.inputs.nixpkgs.follows = "nixpkgs";' "$repo/flake.nix"
}
t "nix --offline flake metadata accepts flake.lock" lock_metadata
t "nix --offline flake lock leaves flake.lock byte-identical" lock_unchanged
t "flake.lock pins nixos-26.05 and devenv v2.2.2 (PINS.md); devenv follows our nixpkgs" lock_pins

# --- 2. outputs against the stand-ins -------------------------------------------------------------
eval_to_file() { eval_stub "$flake" "$1" >"$EVAL/$1.json" 2>"$EVAL/$1.err" || { grep -v '^[•│ ]' "$EVAL/$1.err" | tail -n 20; return 1; }; }
for output in packages devShells formatter checks; do
  t "evaluates offline against stand-in inputs: $output" eval_to_file "$output"
done
P="$EVAL/packages.json"
S="$EVAL/devShells.json"
linux='["aarch64-linux","x86_64-linux"]'
all='["aarch64-darwin","aarch64-linux","x86_64-darwin","x86_64-linux"]'

t "packages.{web,api,image-web,image-api,default} on both Linux systems (none on macOS)" \
  jqe --argjson l "$linux" 'keys == $l and all(.[]; keys == ["api","default","image-api","image-web","web"])' "$P"
t "devShells.{default,dev-web,dev-api} on Linux and macOS" \
  jqe --argjson a "$all" 'keys == $a and all(.[]; keys == ["default","dev-api","dev-web"])' "$S"
t "formatter is nixfmt-tree everywhere; checks build both apps and both images on Linux" sh -c "
  jq -e --argjson a '$all' 'keys == \$a and all(.[]; . == \"nixfmt-tree\")' '$EVAL/formatter.json' >/dev/null &&
  jq -e --argjson l '$linux' 'keys == \$l and all(.[]; keys == [\"api\",\"image-api\",\"image-web\",\"web\"])' '$EVAL/checks.json' >/dev/null"

shared_deps() { # one fetchPnpmDeps for both apps; fetcherVersion 3 with pnpm 10 on the Node.js knob
  local major
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  jqe 'all(.[]; .web.pnpmDeps == .api.pnpmDeps)' "$P" &&
    jqe 'all(.[]; .web.pnpmDeps | .fetcherVersion == 3 and .pnpmWorkspaces == []
           and (.pnpm | startswith("pnpm-10.")) and .name == "nix-sample-pnpm-deps")' "$P" &&
    jqe --arg m "nodejs-$major." 'all(.[]; .web.pnpmDeps.pnpmNode | startswith($m))' "$P" &&
    jqe 'all(.[]; .web.pnpmDeps.src == .web.src and .api.src == .web.src)' "$P" &&
    jqe --arg h "$(cat "$repo/nix/pnpm-deps-hash")" 'all(.[]; .web.pnpmDeps.hash == ($h | rtrimstr("\n")))' "$P"
}
t "one shared fetchPnpmDeps (fetcherVersion 3, pnpm 10 on Node.js \$(.nvmrc), hash from nix/pnpm-deps-hash)" shared_deps

build_commands() { # the contract's commands, the hook, the Node.js knob, telemetry off
  local major
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  grep -q "nodeMajor = \"$major\";" "$repo/nix/workspace.nix" || { echo "nodeMajor in nix/workspace.nix != .nvmrc ($major)"; return 1; }
  jqe 'all(.[]; .web.buildPhase | test("\npnpm --filter=web run build\n"))' "$P" &&
    jqe 'all(.[]; .api.buildPhase | test("\npnpm --filter=api run build\n"))' "$P" &&
    jqe --arg m "nodejs-$major." 'all(.[]; (.web, .api) | (.inputs | any(startswith($m))) and (.inputs | any(startswith("pnpm-10.")))
           and (.inputs | index("pnpm-config-hook")) != null)' "$P" &&
    jqe 'all(.[]; (.web, .api) | .env == {NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1"}
           and .dontFixup)' "$P"
}
t "builds: pnpmConfigHook, then pnpm --filter=<app> run build, Node.js = .nvmrc, telemetry off" build_commands

build_source() { # the source the builds see: the JS workspace without the Nix, test and doc files
  local src
  src=$(jq -r '.["x86_64-linux"].web.src' "$P")
  for f in package.json pnpm-lock.yaml pnpm-workspace.yaml apps/web/package.json apps/api/package.json packages/ui/package.json; do
    [ -e "$src/$f" ] || { echo "build source lacks $f"; return 1; }
  done
  for f in flake.nix flake.lock nix tests .envrc apps/web/.envrc node_modules apps/web/.next; do
    [ ! -e "$src/$f" ] || { echo "build source has $f (edits to it would rebuild the apps)"; return 1; }
  done
}
t "the build source holds the workspace, not flake.nix, nix/, tests/, .envrc or build leftovers" build_source

misspelt() { # the stand-ins reject a misspelt argument (so a pass above means something)
  local bad="$WORK/flake-bad" out
  cp -R "$flake" "$bad"
  sed -i 's/fakeRootCommands = /fakeRootCommand = /' "$bad/nix/image.nix"
  git -C "$bad" -c user.name=t -c user.email=t@localhost commit -qam bad
  if out=$(eval_stub "$bad" packages 2>&1); then echo "a misspelt buildLayeredImage argument evaluated"; return 1; fi
  grep -q "fakeRootCommand" <<<"$out" || { echo "$out" | tail -n 5; return 1; }
  git -C "$bad" checkout -q -- nix/image.nix
  sed -i 's/fetcherVersion = 3;/fetcherVerion = 3;/' "$bad/nix/workspace.nix"
  git -C "$bad" -c user.name=t -c user.email=t@localhost commit -qam bad2
  if eval_stub "$bad" packages >/dev/null 2>&1; then echo "a misspelt fetchPnpmDeps argument evaluated"; return 1; fi
}
t "the stand-ins reject misspelt arguments (buildLayeredImage, fetchPnpmDeps)" misspelt

# --- 3. image settings against the apps -----------------------------------------------------------
settings() { nix-instantiate --eval --strict --json "$repo/nix/image-settings.nix" >"$EVAL/settings.json"; }
t "nix/image-settings.nix is plain data (evaluates alone)" settings
C="$EVAL/settings.json"

settings_vs_apps() { # static half; serve-check.sh starts the built apps with no environment at all
  local api_env="$repo/apps/api/src/env.ts" web_env="$repo/apps/web/src/env.ts" start="$repo/apps/web/start.mjs"
  grep -Eq "API_PORT:.*default\($(jq .api.port "$C")\)" "$api_env" || { echo "API_PORT default in $api_env != settings.api.port"; return 1; }
  grep -Eq 'API_HOST:.*default\("127\.0\.0\.1"\)' "$api_env" || { echo "API_HOST default changed in $api_env"; return 1; }
  jqe '.api.env.API_HOST == "0.0.0.0" and .api.env.API_PORT == (.api.port | tostring)' "$C" || return 1
  grep -qF "\"$(jq -r .api.env.WEB_ORIGIN "$C")\"" "$api_env" || { echo "WEB_ORIGIN default differs"; return 1; }
  grep -Eq "\"WEB_PORT\", $(jq .web.port "$C")," "$start" || { echo "WEB_PORT default in $start != settings.web.port"; return 1; }
  grep -qF "\"$(jq -r .web.env.API_URL "$C")\"" "$web_env" || { echo "API_URL default differs"; return 1; }
  jqe '.web.env.WEB_PORT == (.web.port | tostring) and .web.env.WEB_HOST == "0.0.0.0"' "$C"
}
t "settings match the apps: ports, API_HOST (image 0.0.0.0, app 127.0.0.1), WEB_ORIGIN, API_URL" settings_vs_apps

image_config() {
  local app
  for app in web api; do
    jqe --arg app "$app" --slurpfile c "$C" '
      ($c[0]) as $s | ($s[$app]) as $a | all(.[]; .["image-" + $app] as $i |
        $i.imageName == $a.imageName and $i.name == ($a.imageName + ".tar.gz") and $i.imageTag == $s.tag
        and $i.created == $s.created
        and $i.config.User == "\($s.user.uid):\($s.user.gid)"
        and $i.config.ExposedPorts == {("\($a.port)/tcp"): {}}
        and $i.config.Labels == $a.labels
        and ($a.labels | has("org.opencontainers.image.source") and has("org.opencontainers.image.title") and has("org.opencontainers.image.description"))
        and ($i.config.Env | contains([$a.env | to_entries[] | "\(.key)=\(.value)"]))
        and ($i.config.Cmd | length == 2)
        and ($i.config.Cmd[0] | test("-nodejs-slim-[0-9.]+/bin/node$"))
        and $i.config.Cmd[1] == (.[$app].out + "/" + $a.entry)
        and ($i.contents == ["fake-nss", "ca-certificates"])
        and ($i.passwd == ["\($s.user.name):x:\($s.user.uid):\($s.user.gid):\($s.user.name):/var/empty:/bin/false"]))' "$P" ||
      { echo "image-$app"; return 1; }
  done
}
t "images: name, tag latest, fixed created, User, ExposedPorts, Env, Labels, Cmd = nodejs-slim + entry" image_config

writable_dirs() { # only /tmp (1777) and the web's cache dir (owned by the image user) are writable
  local owner
  owner=$(jq -r '"\(.user.uid):\(.user.gid)"' "$C")
  jqe --arg o "$owner" --slurpfile c "$C" 'all(.[];
      (.["image-web"].fakeRootCommands | test("chmod 1777 ./tmp\n") and test("chown \($o) ./var/cache/nix-sample-web\n"))
      and (.["image-api"].fakeRootCommands | test("chmod 1777 ./tmp\n") and (test("chown") | not))
      and .web.cacheDir == $c[0].web.cacheDir and .web.cacheDir == "/var/cache/nix-sample-web" and .api.cacheDir == null
      and (.web.cacheDir as $d | .web.installPhase | contains("ln -s \($d) \"$out/apps/web/.next/cache\"")))' "$P"
}
t "images: writable only /tmp (1777) and the web cache dir (chown to the image user); the tree links to it" writable_dirs

t "packages.default: a directory linking both archives under their own names" \
  jqe 'all(.[]; .default.entries == [{name: "nix-sample-web.tar.gz", path: "nix-sample-web.tar.gz"},
                                     {name: "nix-sample-api.tar.gz", path: "nix-sample-api.tar.gz"}])' "$P"

# --- shells ------------------------------------------------------------------------------------------
shell_common() {
  local major
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  jqe --arg m "nodejs-$major." 'all(.[]; all(.[];
      (.packages | length == 5) and (.packages[0] | startswith($m)) and (.packages[1] | startswith("pnpm-10."))
      and .packages[2:] == ["git-2.51.0", "jq-1.8.1", "skopeo-1.20.0"]
      and .env.NEXT_TELEMETRY_DISABLED == "1" and .env.TURBO_TELEMETRY_DISABLED == "1" and .env.DO_NOT_TRACK == "1"
      and .env.npm_config_manage_package_manager_versions == "false"))' "$S" &&
    jqe 'all(.[]; .default.packages == .["dev-web"].packages)' "$S" &&
    jqe --slurpfile p "$P" '[.[] | .default.packages[1]] | all(. == $p[0]["x86_64-linux"].web.pnpmDeps.pnpm)' "$S"
}
t "shells: Node.js = .nvmrc, the image build's pnpm 10, git, jq, skopeo; telemetry and pnpm switching off" shell_common

shell_env() {
  jqe --slurpfile c "$C" '($c[0]) as $s | all(.[];
      .["dev-web"].env.WEB_PORT == ($s.web.port | tostring) and .["dev-web"].env.API_URL == $s.web.env.API_URL
      and (.["dev-web"].env | has("API_PORT") | not)
      and .["dev-api"].env.API_PORT == ($s.api.port | tostring) and .["dev-api"].env.API_HOST == "127.0.0.1"
      and .["dev-api"].env.WEB_ORIGIN == $s.api.env.WEB_ORIGIN and (.["dev-api"].env | has("WEB_PORT") | not)
      and (.default.env | has("WEB_PORT") and has("API_PORT") and has("API_URL")))' "$S"
}
t "shells: per-app defaults (dev-web: WEB_PORT, API_URL; dev-api: API_PORT, API_HOST, WEB_ORIGIN; default: all)" shell_env

welcome() { # enterShell runs and names the commands that matter
  local bin="$WORK/fakebin" shell out
  mkdir -p "$bin"
  printf '#!/bin/sh\necho v22.0.0\n' >"$bin/node"
  printf '#!/bin/sh\necho 10.0.0\n' >"$bin/pnpm"
  chmod +x "$bin/node" "$bin/pnpm"
  for shell in default dev-web dev-api; do
    out=$(jq -r --arg s "$shell" '.["x86_64-linux"][$s].enterShell' "$S" | API_URL=x PATH="$bin:$PATH" bash) || return 1
    grep -q 'node v22.0.0, pnpm 10.0.0' <<<"$out" && grep -q 'pnpm dev' <<<"$out" && grep -q 'nix build' <<<"$out" ||
      { echo "$shell: $out"; return 1; }
  done
  echo "$out"
}
t "shells: the welcome (enterShell) runs and names pnpm dev and nix build" welcome

envrc() {
  grep -qx 'use flake . --impure' "$repo/.envrc" &&
    grep -qx 'use flake ../..#dev-web --impure' "$repo/apps/web/.envrc" &&
    grep -qx 'use flake ../..#dev-api --impure' "$repo/apps/api/.envrc" &&
    grep -q '^watch_file .*nix/\*.nix' "$repo/.envrc" &&
    grep -q '^watch_file .*nix/\*.nix' "$repo/apps/web/.envrc" &&
    grep -q '^watch_file .*nix/\*.nix' "$repo/apps/api/.envrc"
}
t ".envrc files pick their shell with --impure and watch the Nix files" envrc

hash_attr() { # what scripts/update-pnpm-hash.sh builds: `.#web.pnpmDeps`, the shared fetcher
  local name
  name=$(nix --offline eval --no-write-lock-file --raw \
    --override-input nixpkgs "path:$stub/nixpkgs" --override-input devenv "path:$stub/devenv" \
    "$flake#web.pnpmDeps.name" 2>/dev/null) || { echo "$flake#web.pnpmDeps does not evaluate"; return 1; }
  [ "$name" = nix-sample-pnpm-deps ] && grep -q 'attr="${PNPM_DEPS_ATTR:-web.pnpmDeps}"' "$repo/scripts/update-pnpm-hash.sh"
}
t "update-pnpm-hash.sh's attribute (.#web.pnpmDeps) is the shared fetcher" hash_attr

# --- 4. scripts/update-pnpm-hash.sh with a fake nix ----------------------------------------------
fake_repo() { # fake_repo DIR: a checkout with the script, a hash file and a fake nix first on PATH
  local d=$1
  mkdir -p "$d/scripts" "$d/nix" "$d/bin"
  cp "$repo/scripts/update-pnpm-hash.sh" "$d/scripts/"
  cp "$here/fake-nix.sh" "$d/bin/nix"
  chmod +x "$d/bin/nix"
  echo "sha256-oldoldoldoldoldoldoldoldoldoldoldoldoldold0=" >"$d/nix/pnpm-deps-hash"
}
GOT="sha256-Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="
hash_write() {
  local d="$WORK/hash1" out
  fake_repo "$d"
  out=$(PATH="$d/bin:$PATH" FAKE_NIX_GOT="$GOT" FAKE_NIX_SEEN="$d/seen" bash "$d/scripts/update-pnpm-hash.sh" 2>"$d/err") || { cat "$d/err"; return 1; }
  [ "$out" = "$GOT" ] && [ "$(cat "$d/nix/pnpm-deps-hash")" = "$GOT" ] || { echo "file: $(cat "$d/nix/pnpm-deps-hash")"; return 1; }
  # nix was asked for the shared deps with an empty hash in the file
  grep -q 'args: .* build --no-link .*#web.pnpmDeps$' "$d/seen" && grep -qx 'hash file: ' "$d/seen" || { cat "$d/seen"; return 1; }
  cat "$d/err"
}
t "update-pnpm-hash.sh builds with an empty hash and writes the got: hash" hash_write

hash_check() {
  local d="$WORK/hash2" before rc=0 out
  fake_repo "$d"
  before=$(cat "$d/nix/pnpm-deps-hash")
  out=$(PATH="$d/bin:$PATH" FAKE_NIX_GOT="$GOT" bash "$d/scripts/update-pnpm-hash.sh" --check 2>"$d/err") || rc=$?
  [ "$rc" -eq 1 ] && [ "$out" = "$GOT" ] && grep -q stale "$d/err" || { echo "stale: rc=$rc out=$out"; cat "$d/err"; return 1; }
  [ "$(cat "$d/nix/pnpm-deps-hash")" = "$before" ] || { echo "--check changed the file"; return 1; }
  echo "$GOT" >"$d/nix/pnpm-deps-hash"
  PATH="$d/bin:$PATH" FAKE_NIX_GOT="$GOT" bash "$d/scripts/update-pnpm-hash.sh" --check 2>"$d/err" || { echo "fresh: failed"; cat "$d/err"; return 1; }
  [ "$(cat "$d/nix/pnpm-deps-hash")" = "$GOT" ]
}
t "update-pnpm-hash.sh --check: exit 1 printing the right hash when stale, 0 when fresh; file untouched" hash_check

hash_other_failure() {
  local d="$WORK/hash3" before rc=0
  fake_repo "$d"
  before=$(cat "$d/nix/pnpm-deps-hash")
  PATH="$d/bin:$PATH" FAKE_NIX_FAIL="error: unable to download 'https://example.invalid/x': Couldn't resolve host name" \
    bash "$d/scripts/update-pnpm-hash.sh" >"$d/out" 2>"$d/err" || rc=$?
  [ "$rc" -eq 2 ] || { echo "rc=$rc"; cat "$d/err"; return 1; }
  grep -q "Couldn't resolve host name" "$d/err" && grep -q "without a 'got: sha256-…' line" "$d/err" || { cat "$d/err"; return 1; }
  [ "$(cat "$d/nix/pnpm-deps-hash")" = "$before" ] && [ ! -s "$d/out" ] || { echo "file or stdout touched"; return 1; }
  rc=0
  PATH="$d/bin:$PATH" FAKE_NIX_FAIL="error: build failed" bash "$d/scripts/update-pnpm-hash.sh" --check >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] && [ "$(cat "$d/nix/pnpm-deps-hash")" = "$before" ]
}
t "update-pnpm-hash.sh: another nix failure → exit 2, nix's output shown, hash file untouched" hash_other_failure

if command -v shellcheck >/dev/null; then
  t "shell scripts are shellcheck-clean" shellcheck "$repo/scripts/update-pnpm-hash.sh" "$here"/*.sh
else
  t_unavailable "shellcheck (not installed)"
fi

# --- 5. the offline rehearsal ----------------------------------------------------------------------
node22() { # NODE: a node whose major is .nvmrc's
  local major c
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  for c in "${NODE:-}" "$(command -v node || true)" /opt/node22/node_modules/.bin/node "$repo/.tools/node/bin/node"; do
    [ -n "$c" ] && [ -x "$c" ] && [ "$("$c" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ] &&
      { readlink -f "$c"; return 0; }
  done
  return 1
}
missing=()
[ "$(id -u)" -eq 0 ] || missing+=("root")
for tool in unshare setpriv ip ss curl zstd tar npm sha256sum; do command -v "$tool" >/dev/null || missing+=("$tool"); done
NODE=$(node22) || missing+=("node $(tr -d '[:space:]' <"$repo/.nvmrc")")
if [ ${#missing[@]} -gt 0 ]; then
  t_unavailable "offline rehearsal: needs ${missing[*]}"
elif ! jq -e '.["x86_64-linux"]' "$P" >/dev/null 2>&1; then
  t_unavailable "offline rehearsal: the flake did not evaluate"
else
  TEST_CACHE=${TEST_CACHE:-/var/tmp/nix-sample-test-cache}
  mkdir -p "$TEST_CACHE" && chmod 0755 "$TEST_CACHE"
  export NODE TEST_CACHE
  r() { bash "$here/rehearse.sh" "$@"; }
  t "rehearsal: pnpm $(jq -r .packageManager "$repo/package.json") (packageManager) from the npm registry" r pnpm
  t "rehearsal: with the shells' variable another pnpm 10.x runs offline instead of switching" r switch
  t "rehearsal: fetch like fetchPnpmDeps (install --force into an empty store, fixup, tar.zst)" r fetch
  t "rehearsal: offline build #1 (unshare -n, uid 65534, HOME unwritable, source read-only)" r build 1
  t "rehearsal: offline build #2 from clean" r build 2
  t "rehearsal: two clean builds are identical (file hashes, x bits, links) but for Next.js per-build secrets" r compare
  t "rehearsal: runtime trees as the images expect (entry, static, public, cache link only, no tool paths)" r trees
  t "rehearsal: served with node alone, as the image user, tree read-only: /health, web page with API data, SIGTERM → 0" r serve
fi

t_summary
