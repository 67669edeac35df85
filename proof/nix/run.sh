#!/usr/bin/env bash
# proof/nix/run.sh: everything about the flake that can be proven without a Nix binary cache or GitHub.
#
#  1. every .nix file parses; Nix accepts flake.lock offline, unchanged; the lock's invariants (exactly
#     the inputs flake.nix declares, devenv follows our nixpkgs), so `nix flake update` keeps CI green;
#  2. the flake's outputs evaluate against stand-in inputs (./stub: nixpkgs and devenv functions with the
#     real argument sets, warning and asserting as the real ones do), on every system, and say what the
#     docs, the apps and the other suites expect (dev-shell tools, image labels, the build source);
#  3. image settings (nix/apps.nix, nix/image-settings.nix) against the apps' own defaults;
#  4. scripts/update-pnpm-hash.sh against a fake `nix`; ./update-hash.sh (the replay's) against wrong tools;
#  5. the fetcher replay (./replay-pnpm-deps.sh): two small public projects must hash exactly as nixpkgs
#     says, and this repository (./update-hash.sh --check) exactly as nix/pnpm-deps-hash says;
#  6. the offline rehearsal of the in-Nix builds (./rehearse.sh) on the replay's store: build without
#     network as an unprivileged uid from a read-only source, twice from clean, compare, then serve the
#     trees the way the images run them. It KEEPS the final runtime trees in $TEST_CACHE/runtime-trees/web
#     and .../api: proof/smoke (which runs after this suite) builds docker-archives from them.
#
# Needs nix (Debian's nix-bin is enough), git, jq; part 5 also node (.nvmrc), npm, and GNU tar + zstd at the
# versions of proof/nix/fetcher-tools.json (TAR/ZSTD, as .ci/run sets them, or .tools/replay/bin from
# .ci/replay-tools.sh), the npm registry; part 6 also root, unshare/setpriv (util-linux), ip/ss (iproute2),
# curl. With REQUIRE_EVERY_SUITE=1 a missing tool fails the suite; elsewhere the part that needs it is
# skipped. TEST_CACHE (default /var/tmp/nix-sample-test-cache) keeps pnpm, the replayed stores and the
# runtime trees between runs; an unchanged lockfile is not replayed again.
# jq programs are single-quoted on purpose; `A && B || { …; return 1; }` is the intended shape.
# shellcheck disable=SC2016,SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export T_SUITE="proof/nix"
# shellcheck source=../lib.sh disable=SC1091
source "$repo/proof/lib.sh"

require_tool nix nix-instantiate git jq

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

# The flake as Nix sees it once committed (copy_flake) and evaluated against the stand-ins (eval_stub, stub_eval).
# shellcheck source=../lib-nix.sh disable=SC1091
source "$repo/proof/lib-nix.sh"
jqe() { jq -e "$@" >/dev/null || { echo "jq check failed: ${*:1:1}"; return 1; }; }

# --- 1. parsing and the lock ----------------------------------------------------------------------
parse_all() {
  local f n=0
  while IFS= read -r -d '' f; do
    nix-instantiate --parse "$f" >/dev/null || return 1
    n=$((n + 1))
  done < <(find "$repo/flake.nix" "$repo/nix" "$repo/proof/nix" -name '*.nix' -print0)
  echo "$n files"
  [ "$n" -ge 10 ]
}
t "every .nix file parses" parse_all
t "the flake as committed (temp git copy)" copy_flake "$repo" "$flake"

lock_metadata() { nix --offline flake metadata "$flake" >"$WORK/metadata.txt" 2>&1 || { cat "$WORK/metadata.txt"; return 1; }; }
lock_unchanged() {
  cp "$flake/flake.lock" "$WORK/flake.lock.before"
  nix --offline flake lock "$flake" 2>&1 || return 1
  cmp "$WORK/flake.lock.before" "$flake/flake.lock"
}
lock_invariants() { # true after any `nix flake update`: no revision is pinned here
  local declared
  declared=$(nix-instantiate --eval --strict --json -E "builtins.attrNames (import $repo/flake.nix).inputs") || return 1
  jqe --argjson d "$declared" '.nodes.root.inputs | keys == $d' "$repo/flake.lock" || { echo "lock inputs != flake.nix inputs $declared"; return 1; }
  jqe '.nodes.root.inputs.nixpkgs as $n | .nodes.devenv.inputs.nixpkgs == ["nixpkgs"]
       and .nodes[$n].original.owner == "NixOS" and .nodes[$n].original.repo == "nixpkgs"
       and (.nodes[$n].locked | .type == "github" and (.rev | test("^[0-9a-f]{40}$")) and (.narHash | startswith("sha256-")))
       and (.nodes.devenv.locked | .type == "github" and .owner == "cachix" and .repo == "devenv")' "$repo/flake.lock" ||
    { echo "devenv must follow our nixpkgs; both inputs locked to a GitHub revision"; return 1; }
  grep -q 'devenv.inputs.nixpkgs.follows = "nixpkgs";' "$repo/flake.nix"
}
t "nix --offline flake metadata accepts flake.lock" lock_metadata
t "nix --offline flake lock leaves flake.lock byte-identical" lock_unchanged
t "flake.lock: exactly flake.nix's inputs, devenv follows our nixpkgs (no revision pinned by this test)" lock_invariants

t "proof/nix/fetcher-tools.json: the nixpkgs revision, fetcherVersion, tar and zstd versions the replay knows" jqe \
  '(.nixpkgsRev | test("^[0-9a-f]{40}$")) and (.fetcherVersion | type == "number") and (.tar | test("^[0-9]+[.][0-9]+$"))
   and (.zstd | test("^[0-9]+[.][0-9]+[.][0-9]+$"))' "$here/fetcher-tools.json"

# --- 2. outputs against the stand-ins -------------------------------------------------------------
eval_to_file() { eval_stub "$flake" "$1" >"$EVAL/$1.json" 2>"$EVAL/$1.err" || { grep -v '^[•│ ]' "$EVAL/$1.err" | tail -n 20; return 1; }; }
for output in packages devShells formatter checks; do
  t "evaluates offline against stand-in inputs: $output" eval_to_file "$output"
done
S="$EVAL/devShells.json"
linux='["aarch64-linux","x86_64-linux"]'
# The apps and images are Linux's; P is that part of packages.json.
P="$EVAL/packages-linux.json"
jq 'with_entries(select(.key | endswith("-linux")))' "$EVAL/packages.json" >"$P" 2>/dev/null || true
# devenv v2.2.2's systems (its flake.nix) that we offer: no i686-linux, no x86_64-darwin
shell_systems='["aarch64-darwin","aarch64-linux","x86_64-linux"]'
# The apps, as a reader of the repository finds them: apps/*/package.json with a `runtime` field.
APPS=$(cd "$repo" && for f in apps/*/package.json; do jq -e 'has("runtime")' "$f" >/dev/null && basename "$(dirname "$f")"; done |
  jq -Rnc '[inputs] | sort')
export APPS

t "packages: <app>, image-<app> for every app under apps/ $APPS, default, pnpm-deps on Linux; no devenv-up outputs" \
  jqe --argjson l "$linux" --argjson apps "$APPS" 'keys == $l and all(.[]; keys == ($apps + ($apps | map("image-" + .)) + ["default", "pnpm-deps"] | sort))' "$P"
pnpm_deps_everywhere() { # the fetch's output is the same on every build platform: scripts/update-pnpm-hash.sh runs on a Mac too
  jqe --argjson s "$shell_systems" 'keys == $s and (.["aarch64-darwin"] | keys == ["pnpm-deps"])
      and ([.[]["pnpm-deps"] | del(.pnpmNode)] | unique | length == 1)' "$EVAL/packages.json"
}
t "packages.pnpm-deps on every shell system (macOS too), the same fetch as on Linux" pnpm_deps_everywhere
t "devShells: default, ci and dev-<app> for every app, on devenv v2.2.2's systems only (no x86_64-darwin)" \
  jqe --argjson a "$shell_systems" --argjson apps "$APPS" 'keys == $a and all(.[]; keys == (["default", "ci"] + ($apps | map("dev-" + .)) | sort))' "$S"
shell_postgres() { # devenv up runs PostgreSQL 17 on loopback, off 5432, with the project's database; DEVENV_DATABASE_URL names it
  local project
  project=$(jq -r .name "$repo/package.json")
  jqe --arg db "$project" 'all(.[]; .[] | .postgres.enable == true
      and .postgres.listen_addresses == "127.0.0.1" and (.postgres.package | startswith("postgresql-17"))
      and .postgres.port == 55432 and .env.PGPORT == "55432"
      and .postgres.initialDatabases == [{"name": $db}]
      and .env.DEVENV_DATABASE_URL == "postgres://127.0.0.1:\(.postgres.port)/\($db)")' "$S"
}
t "shells: services.postgres (17, 127.0.0.1:55432, the project's database) in every shell, DEVENV_DATABASE_URL naming it" shell_postgres
postgres_port_variable() { # DEV_POSTGRES_PORT moves the cluster and DEVENV_DATABASE_URL with it; a bad value is a clear error
  local got err
  got=$(DEV_POSTGRES_PORT=6543 stub_eval "$flake" devShells.x86_64-linux \
    'ss: builtins.mapAttrs (_: s: [ s.config.services.postgres.port s.config.env.DEVENV_DATABASE_URL ]) ss' 2>"$WORK/port.err") ||
    { tail -n 5 "$WORK/port.err"; return 1; }
  jqe 'all(.[]; .[0] == 6543 and (.[1] | test("^postgres://127[.]0[.]0[.]1:6543/")))' <<<"$got" || { echo "$got"; return 1; }
  if err=$(DEV_POSTGRES_PORT=54x stub_eval "$flake" devShells.x86_64-linux.default.config.services.postgres.port 'p: p' 2>&1); then
    echo "DEV_POSTGRES_PORT=54x evaluated: $err"
    return 1
  fi
  grep -q "DEV_POSTGRES_PORT must be a TCP port number (1-65535), got '54x'" <<<"$err" || { echo "$err" | tail -n 3; return 1; }
  DEV_POSTGRES_PORT=70000 stub_eval "$flake" devShells.x86_64-linux.default.config.services.postgres.port 'p: p' >/dev/null 2>&1 &&
    { echo "DEV_POSTGRES_PORT=70000 evaluated"; return 1; }
  return 0
}
t "shells: DEV_POSTGRES_PORT moves PostgreSQL and DEVENV_DATABASE_URL; a non-port value fails with its name" postgres_port_variable
no_warnings() { # nixpkgs' deprecations warn at evaluation; a warning today is an error in the next release
  local w
  w=$(grep -h 'evaluation warning' "$EVAL"/*.err || true)
  [ -z "$w" ] || { echo "$w"; return 1; }
}
t "evaluation prints no nixpkgs deprecation warning" no_warnings

t "formatter is nixfmt-tree on the shells' systems; checks build every app and image on Linux" sh -c "
  jq -e --argjson a '$shell_systems' 'keys == \$a and all(.[]; . == \"nixfmt-tree\")' '$EVAL/formatter.json' >/dev/null &&
  jq -e --argjson l '$linux' --argjson apps '$APPS' 'keys == \$l and all(.[]; keys == (\$apps + (\$apps | map(\"image-\" + .)) | sort))' '$EVAL/checks.json' >/dev/null"

flake_check() { # what `nix flake check` evaluates (every output, every system, as derivations), without building
  (cd / && env -u PWD nix --offline flake check --no-build --no-write-lock-file "${STUB_INPUTS[@]}" "$flake") >"$WORK/check.txt" 2>&1 ||
    { grep -v '^[•│ ]' "$WORK/check.txt" | tail -n 8; echo "(pure)"; return 1; }
  (cd "$flake" && nix --offline flake check --impure --no-build --no-write-lock-file "${STUB_INPUTS[@]}" "$flake") >"$WORK/check.txt" 2>&1 ||
    { grep -v '^[•│ ]' "$WORK/check.txt" | tail -n 8; echo "(--impure)"; return 1; }
}
t "nix flake check passes pure (no --impure, no \$PWD), and with --impure (the devenv shells too), against the stand-ins" flake_check

shared_deps() { # one fetchPnpmDeps for every app; fetcherVersion 3 with pnpm 10 on the Node.js knob
  local major project
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  project=$(jq -r .name "$repo/package.json")
  jqe --argjson apps "$APPS" 'all(.[]; .["pnpm-deps"] as $d | all(.[$apps[]]; .pnpmDeps == $d and .src == $d.src))' "$P" &&
    jqe --arg n "$project-pnpm-deps" 'all(.[]; .["pnpm-deps"] | .fetcherVersion == 3 and .pnpmWorkspaces == []
           and (.pnpm | startswith("pnpm-10.")) and .name == $n)' "$P" &&
    jqe --arg m "nodejs-slim-$major." 'all(.[]; .["pnpm-deps"].pnpmNode | startswith($m))' "$P" &&
    jqe --arg h "$(cat "$repo/nix/pnpm-deps-hash")" 'all(.[]; .["pnpm-deps"].hash == ($h | rtrimstr("\n")))' "$P"
}
t "one shared fetchPnpmDeps, packages.pnpm-deps (fetcherVersion 3, pnpm 10 on nodejs-slim \$(.nvmrc), hash from nix/pnpm-deps-hash)" shared_deps

platform_flags() { # the fetch is Linux x64/arm64 glibc; a developer's own pnpm install is not restricted
  jqe 'all(.[]; .["pnpm-deps"].pnpmInstallFlags == ["--os=linux", "--cpu=x64", "--cpu=arm64", "--libc=glibc"])' "$P" || return 1
  if grep -rqE '^supportedArchitectures|"supportedArchitectures"' "$repo/pnpm-workspace.yaml" "$repo/package.json" "$repo/.npmrc"; then
    echo "supportedArchitectures in the workspace's own settings would restrict every developer's install"
    return 1
  fi
}
t "the fetcher's install is restricted to linux x64/arm64 glibc, and only the fetcher's" platform_flags

pre_install_drops_force() { # prePnpmInstall's `pnpm` passes every argument on but --force
  local d="$WORK/pre" got
  mkdir -p "$d/bin"
  printf '#!/bin/sh\necho "$@"\n' >"$d/bin/pnpm"
  chmod +x "$d/bin/pnpm"
  jq -r '.["x86_64-linux"]["pnpm-deps"].prePnpmInstall' "$P" >"$d/pre-install.sh"
  got=$(PATH="$d/bin:$PATH" bash -c 'set -euo pipefail; source "$1"; pnpm install --force --ignore-scripts --os=linux --registry= --frozen-lockfile' _ "$d/pre-install.sh")
  [ "$got" = "install --ignore-scripts --os=linux --registry= --frozen-lockfile" ] || { echo "pnpm got: $got"; return 1; }
}
t "prePnpmInstall drops the fetcher's --force (under which pnpm ignores --os/--cpu/--libc), nothing else" pre_install_drops_force

deprecated_pnpm_override() { # the stand-in warns exactly like nixpkgs on pnpm's old `nodejs` argument
  local bad="$WORK/flake-old-override" err
  cp -R "$flake" "$bad"
  sed -i 's/pnpm = pkgs.pnpm_10.override { inherit nodejs-slim; };/pnpm = pkgs.pnpm_10.override { inherit nodejs; };/' "$bad/nix/workspace.nix"
  git -C "$bad" -c user.name=t -c user.email=t@localhost commit -qam old >/dev/null || return 1
  err=$(eval_stub "$bad" packages 2>&1 >/dev/null) || true
  grep -q 'evaluation warning: pnpm: Override nodejs-slim instead of nodejs' <<<"$err" ||
    { echo "no warning for pnpm_10.override { nodejs = ...; }: $err" | tail -n 5; return 1; }
}
t "the stand-in nixpkgs warns on pnpm.override { nodejs } (deprecated at 26.05), as the real one" deprecated_pnpm_override

build_commands() { # the contract's commands, the hook, the Node.js knob, telemetry off
  local major
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  jqe --argjson apps "$APPS" 'all(.[]; . as $p | all($apps[]; . as $a | $p[$a].buildPhase | contains("\npnpm --filter=\($a) run build\n")))' "$P" &&
    jqe --argjson apps "$APPS" --arg m "nodejs-$major." 'all(.[]; .[$apps[]] | (.inputs | any(startswith($m))) and (.inputs | any(startswith("pnpm-10.")))
           and (.inputs | index("pnpm-config-hook")) != null)' "$P" &&
    jqe --argjson apps "$APPS" 'all(.[]; .[$apps[]] | .env == {NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1"}
           and .dontFixup)' "$P"
}
disallowed() { # no tree may reference the build-only Node.js (with npm) or pnpm
  jqe --argjson apps "$APPS" 'all(.[]; .[$apps[]] | (.inputs[:2]) as $tools | .disallowedReferences == $tools
         and ($tools[0] | startswith("nodejs-")) and ($tools[0] | startswith("nodejs-slim") | not)
         and ($tools[1] | startswith("pnpm-")))' "$P"
}
t "every app: disallowedReferences = the build's Node.js and pnpm" disallowed
t "builds: pnpmConfigHook, then pnpm --filter=<app> run build, Node.js = .nvmrc, telemetry off" build_commands

build_source() { # an allowlist: the workspace the builds read, nothing else
  local src top
  src=$(jq -r '.["x86_64-linux"]["pnpm-deps"].src' "$P")
  for f in package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc apps/web/package.json apps/web/next.config.ts \
    apps/api/package.json apps/api/build.mjs packages/ui/package.json tooling/typescript-config/package.json; do
    [ -e "$src/$f" ] || { echo "build source lacks $f"; return 1; }
  done
  top=$(cd "$src" && find . -mindepth 1 -maxdepth 1 | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
  [ "$top" = ".npmrc apps package.json packages pnpm-lock.yaml pnpm-workspace.yaml tooling " ] || { echo "top level of the build source: $top"; return 1; }
  for f in apps/web/.envrc apps/web/node_modules apps/web/.next apps/api/dist packages/ui/node_modules; do
    [ ! -e "$src/$f" ] || { echo "build source has $f (edits to it would rebuild the apps)"; return 1; }
  done
}
t "the build source is the workspace only: no flake/nix/proof/docs/bench/scripts, no .envrc or build leftovers" build_source

source_stable() { # editing what the builds don't read leaves the source (and so every build) unchanged
  local d="$WORK/flake-edit" before after
  cp -R "$flake" "$d"
  before=$(jq -r '.["x86_64-linux"]["pnpm-deps"].src' "$P")
  mkdir -p "$d/docs" "$d/bench" "$d/scripts"
  echo "edited" >>"$d/docs/nix.md"
  echo "{}" >"$d/bench/new.json"
  echo "# edited" >>"$d/README.md"
  echo "# edited" >>"$d/scripts/update-pnpm-hash.sh"
  git -C "$d" add -A && git -C "$d" -c user.name=t -c user.email=t@localhost commit -qm edit || return 1
  after=$(eval_stub "$d" packages | jq -r '.["x86_64-linux"]["pnpm-deps"].src') || return 1
  [ "$before" = "$after" ] || { echo "source changed: $before -> $after"; return 1; }
  echo "x" >>"$d/apps/api/src/index.ts"
  git -C "$d" -c user.name=t -c user.email=t@localhost commit -qam app || return 1
  after=$(eval_stub "$d" packages | jq -r '.["x86_64-linux"]["pnpm-deps"].src') || return 1
  [ "$before" != "$after" ] || { echo "an app change did not change the source"; return 1; }
}
t "editing docs/, proof/bench/, scripts/ or README.md keeps the build source; editing an app changes it" source_stable

source_untracked() { # `nix flake init` copies without git: the filter alone keeps out what .gitignore does, and local .env files
  local d="$WORK/copy" marker="leaked-$RANDOM$RANDOM" f src
  cp -R "$flake" "$d" && rm -rf "$d/.git"
  for f in apps/api/.env apps/web/.env.production apps/web/.env.local apps/api/.data/pglite/PG_VERSION packages/ui/tsconfig.tsbuildinfo \
    apps/web/node_modules/x/index.js apps/web/.next/server/x.js apps/api/dist/index.js packages/ui/.turbo/x.log apps/web/result; do
    mkdir -p "$(dirname "$d/$f")" && echo "$marker" >"$d/$f"
  done
  src=$(cd "$d" && stub_eval "path:$d" packages.x86_64-linux.pnpm-deps.src 's: "${s}"' 2>"$WORK/copy.err" | jq -r .) ||
    { tail -n 5 "$WORK/copy.err"; return 1; }
  if grep -rl "$marker" "$src"; then echo "reached the build source ($src)"; return 1; fi
  [ -f "$src/apps/api/src/index.ts" ] && [ -f "$src/apps/api/.env.example" ] || { echo "the build source lacks tracked files"; return 1; }
  [ "$src" = "$(jq -r '.["x86_64-linux"]["pnpm-deps"].src' "$P")" ] || { echo "a copy outside git builds another source than the git checkout"; return 1; }
}
t "a copy that is no git repository: .env*, .data, *.tsbuildinfo, node_modules, build output never reach the build source" source_untracked

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
settings() { nix-instantiate --eval --strict --json "$repo/nix/apps.nix" >"$EVAL/settings.json"; }
t "nix/apps.nix (the discovered apps' settings) is plain data: Nix 2.8 evaluates it alone, no IFD" settings
C="$EVAL/settings.json"

discovered() { # every app with a runtime field, nothing else; its settings are its runtime field's
  jqe --argjson apps "$APPS" '.apps | keys == $apps' "$C" || { echo "nix/apps.nix found $(jq -c '.apps | keys' "$C"), apps/ has $APPS"; return 1; }
  local app
  for app in $(jq -r '.[]' <<<"$APPS"); do
    jqe --arg app "$app" --slurpfile m "$repo/apps/$app/package.json" --slurpfile root "$repo/package.json" '
      .apps[$app] as $a | $m[0].runtime as $r
      | $a.kind == $r.kind and $a.port == $r.port and $a.entry == $r.entry and $a.writableDirs == $r.writableDirs
        and $a.needs == $r.needs and $a.ready == $r.ready and ($a.env | contains($r.env))
        and $a.imageName == "\($root[0].name)-\($app)" and .project == $root[0].name
        and $a.labels["org.opencontainers.image.source"] == $root[0].repository.url
        and $a.labels["org.opencontainers.image.title"] == $a.imageName' "$C" || { echo "apps.$app"; return 1; }
  done
}
t "nix/apps.nix: the apps under apps/ with their runtime fields; image <project>-<app>, source label from package.json" discovered

settings_vs_apps() { # static half (serve-check.sh starts the built apps with no environment but DATABASE_URL): every
  # runtime.env value is the app's own default in its src/env.ts, but *_HOST, which the image opens to 0.0.0.0
  local app env_ts var value
  for app in $(jq -r '.[]' <<<"$APPS"); do
    env_ts="$repo/apps/$app/src/env.ts"
    [ -f "$env_ts" ] || { echo "apps/$app has no src/env.ts"; return 1; }
    while IFS=$'\t' read -r var value; do
      case "$var" in
        *_HOST) [ "$value" = 0.0.0.0 ] || { echo "apps.$app.env.$var is $value, not 0.0.0.0"; return 1; } ;;
        *_PORT) grep -Eq "$var:.*default\($value\)" "$env_ts" || { echo "$var default in $env_ts != $value"; return 1; } ;;
        *) grep -qF "\"$value\"" "$env_ts" || { echo "$var: $env_ts has no default \"$value\" (a setting the app doesn't read?)"; return 1; } ;;
      esac
    done < <(jq -r '.runtime.env | to_entries[] | [.key, .value] | @tsv' "$repo/apps/$app/package.json")
  done
  grep -Eq 'API_HOST:.*default\("127\.0\.0\.1"\)' "$repo/apps/api/src/env.ts" || { echo "the API's own default host is not loopback"; return 1; }
}
t "settings match the apps: each runtime.env value is the app's default (but *_HOST: 0.0.0.0 in the image); the API's own host is loopback" settings_vs_apps

image_config() {
  local app
  for app in $(jq -r '.[]' <<<"$APPS"); do
    jqe --arg app "$app" --slurpfile c "$C" '
      ($c[0]) as $s | ($s.apps[$app]) as $a | all(.[]; .["image-" + $app] as $i |
        $i.imageName == $a.imageName and $i.name == ($a.imageName + ".tar.gz") and $i.imageTag == "latest"
        and $i.created == null
        and $i.config.User == "\($s.user.uid):\($s.user.gid)"
        and $i.config.ExposedPorts == {("\($a.port)/tcp"): {}}
        and $i.config.Labels == ($a.labels + {"writable-dirs": ($a.writableDirs | join(" "))})
        and ($a.labels | has("org.opencontainers.image.source") and has("org.opencontainers.image.title") and has("org.opencontainers.image.description"))
        and ($i.config.Env | contains([$a.env | to_entries[] | "\(.key)=\(.value)"]))
        and ($i.config.Env | contains(["NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-bundle.crt"]))
        and ($i.config.Env | map(select(startswith("SSL_CERT_FILE="))) == [])
        and ($i.config.Cmd | length == 2)
        and ($i.config.Cmd[0] | test("-nodejs-slim-[0-9.]+/bin/node$"))
        and $i.config.Cmd[1] == (.[$app].out + "/" + $a.entry)
        and ($i.contents == ["fake-nss", "ca-certificates"])
        and ($i.passwd == ["\($s.user.name):x:\($s.user.uid):\($s.user.gid):\($s.user.name):/var/empty:/bin/false"])
        and .[$app].pname == $a.imageName and .[$app].description == $a.description)' "$P" ||
      { echo "image-$app"; return 1; }
  done
}
t "images of every app: name, tag latest, created left at dockerTools' fixed default, User, ExposedPorts, Env (CAs via NODE_EXTRA_CA_CERTS, which Node.js reads), Labels, Cmd = nodejs-slim + entry; pname" image_config
ca_docs() { # how to trust another CA, the way Node.js reads one
  grep -q 'NODE_EXTRA_CA_CERTS' "$repo/docs/nix.md" && grep -qi 'mount' "$repo/docs/nix.md" || { echo "docs/nix.md: no NODE_EXTRA_CA_CERTS or mount"; return 1; }
  if grep -n 'SSL_CERT_FILE' "$repo/docs/nix.md"; then echo "SSL_CERT_FILE does nothing for Node.js"; return 1; fi
}
t "docs/nix.md: a corporate CA is a mounted file NODE_EXTRA_CA_CERTS points at; SSL_CERT_FILE is not offered" ca_docs

writable_dirs() { # exactly settings.writableDirs are writable: /tmp 1777, the others owned by the image user
  local owner
  owner=$(jq -r '"\(.user.uid):\(.user.gid)"' "$C")
  jqe '.apps.web.writableDirs == ["/tmp", "/var/cache/nix-sample-web"] and .apps.api.writableDirs == ["/tmp"]' "$C" || return 1
  jqe --arg o "$owner" --slurpfile c "$C" 'all(.[];
      (.["image-web"].fakeRootCommands | test("chmod 1777 ./tmp\n") and test("chown \($o) ./var/cache/nix-sample-web; chmod 0700 ./var/cache/nix-sample-web\n")
        and ([scan("mkdir -p [^\n]*")] == ["mkdir -p ./tmp", "mkdir -p ./var/cache/nix-sample-web"]))
      and (.["image-api"].fakeRootCommands | test("chmod 1777 ./tmp\n") and (test("chown") | not)
        and ([scan("mkdir -p [^\n]*")] == ["mkdir -p ./tmp"]))
      and .["image-web"].config.Labels["writable-dirs"] == "/tmp /var/cache/nix-sample-web"
      and .["image-api"].config.Labels["writable-dirs"] == "/tmp"
      and .web.cacheDir == $c[0].apps.web.cacheDir and .web.cacheDir == "/var/cache/nix-sample-web" and .api.cacheDir == null
      and (.web.cacheDir as $d | .web.installPhase | contains("ln -s \($d) \"$out/apps/web/.next/cache\"")))' "$P"
}
t "images: writable exactly writableDirs (/tmp 1777, the web cache owned by the user), label writable-dirs" writable_dirs

cache_not_writable() { # a cacheDir outside writableDirs is an evaluation error, not a crash in production
  local bad="$WORK/flake-cache" err
  cp -R "$flake" "$bad"
  jq '.runtime.writableDirs = ["/tmp"]' "$flake/apps/web/package.json" >"$bad/apps/web/package.json"
  git -C "$bad" -c user.name=t -c user.email=t@localhost commit -qam bad >/dev/null || return 1
  if err=$(eval_stub "$bad" packages 2>&1); then echo "evaluated without the cache dir writable"; return 1; fi
  grep -q 'cacheDir /var/cache/nix-sample-web is not in writableDirs' <<<"$err" || { echo "$err" | tail -n 3; return 1; }
}
t "images: a web cacheDir missing from writableDirs fails evaluation" cache_not_writable

t "packages.default: a directory linking every app's archive under its own name" \
  jqe --slurpfile c "$C" '[$c[0].apps[].imageName + ".tar.gz" | {name: ., path: .}] as $want | all(.[]; .default.entries == $want)' "$P"

# --- shells ------------------------------------------------------------------------------------------
shell_common() {
  local major
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  jqe --arg m "nodejs-$major." 'all(.[]; all(.[];
      (.packages[0] | startswith($m)) and (.packages[1] | startswith("pnpm-10."))
      and .env.NEXT_TELEMETRY_DISABLED == "1" and .env.TURBO_TELEMETRY_DISABLED == "1" and .env.DO_NOT_TRACK == "1"
      and .env.npm_config_manage_package_manager_versions == "false"))' "$S" &&
    jqe 'all(.[]; .default.packages as $p | all(.["dev-web", "dev-api"]; .packages == $p))' "$S" &&
    jqe --slurpfile p "$P" '[.[] | .default.packages[1]] | all(. == $p[0]["x86_64-linux"]["pnpm-deps"].pnpm)' "$S"
}
t "shells: Node.js = .nvmrc, the image build's pnpm 10; telemetry and pnpm switching off; dev-<app> as lean as default" shell_common

# The ci shell: the lean one plus what the template's own commands call beyond it on Linux: the e2e tests'
# browser (CHROMIUM_PATH) and the containers scripts/smoke-image.sh runs. The suites here bring their own tools.
lean_commands='["node","pnpm","git","jq","curl","skopeo","psql","shellcheck","yamllint","kubectl"]'
shell_tools() {
  jqe --argjson want "$lean_commands" 'all(.[]; all(.[]; .commands as $c | ($want - $c) == []))' "$S" ||
    { echo "a shell lacks one of $lean_commands"; return 1; }
  jqe 'all(.["x86_64-linux", "aarch64-linux"]; .ci.commands as $c | (["chromium", "podman", "runc"] - $c) == [])' "$S" ||
    { echo "the Linux ci shell lacks chromium, podman or runc"; return 1; }
  jqe '.["x86_64-linux"].ci.env.CHROMIUM_PATH | test("-chromium-[^/]*/bin/chromium$")' "$S" || return 1
  # macOS: nixpkgs has no chromium, runc or podman engine build there
  jqe '.["aarch64-darwin"] | .ci.packages == .default.packages' "$S"
}
t "shells: every shell has what pnpm dev/build/lint and the shipping scripts call; the Linux ci shell adds chromium, podman, runc" shell_tools

shell_lean() { # nothing in the default shells that only the e2e tests or image smoke tests need
  jqe 'all(.[]; (.default.packages + .["dev-web"].packages + .["dev-api"].packages)
      | map(test("^(chromium|podman|runc|distribution|apache-httpd|python3|util-linux|iproute2|glibc|zstd)-")) | any | not)' "$S" ||
    { echo "a lean shell carries a test tool: $(jq -c '.["x86_64-linux"].default.packages' "$S")"; return 1; }
  jqe 'all(.[]; (.default.scripts == {}) and (.default.env | has("CHROMIUM_PATH") | not))' "$S" || return 1
  jqe 'all(.[]; .default.packages as $d | .ci.packages[:($d | length)] == $d)' "$S" || { echo "ci is not default plus more"; return 1; }
  jqe 'all(.[]; .ci.packages | map(test("^(distribution|apache-httpd|python3|util-linux|iproute2|zstd)-")) | any | not)' "$S" ||
    { echo "the ci shell carries a tool only proof's suites use: $(jq -c '.["x86_64-linux"].ci.packages' "$S")"; return 1; }
  echo "default: $(jq -r '.["x86_64-linux"].default.packages | join(" ")' "$S")"
  echo "ci adds: $(jq -r '.["x86_64-linux"] | .default.packages as $d | .ci.packages - $d | join(" ")' "$S")"
}
t "shells: default and dev-<app> are lean; ci = default + the e2e browser and containers, nothing only proof uses" shell_lean

devenv_root() { # one devenv root, the checkout, wherever you enter; devenv up re-enters the shell it ran in
  local dir got want
  for dir in . apps/web apps/api nix; do
    got=$(cd "$flake/$dir" && stub_eval "$flake" devShells.x86_64-linux \
      'ss: builtins.mapAttrs (n: s: { root = s.config.devenv.root; state = s.config.env.DEVENV_STATE; shell = s.config.env.DEVENV_FLAKE_SHELL; up = s.config.devenvUpCommand; }) ss' 2>"$WORK/root.err") ||
      { tail -n 5 "$WORK/root.err"; return 1; }
    jqe --arg r "$flake" 'to_entries | all(.[]; .key as $k | .value.root == $r and .value.state == ($r + "/.devenv/state")
        and .value.shell == $k and (.value.up | startswith("nix develop .#\($k) --impure ")))' <<<"$got" ||
      { echo "entered from $dir: $got"; return 1; }
  done
  want=$(mktemp -d "$WORK/outside.XXXXXX")
  got=$(cd "$want" && stub_eval "$flake" devShells.x86_64-linux.default.config.devenv.root 'r: r' 2>"$WORK/root.err") ||
    { tail -n 5 "$WORK/root.err"; return 1; }
  [ "$got" = "\"$want\"" ] || { echo "outside a checkout the root should stay \$PWD ($want), got $got"; return 1; }
  echo "root $flake from ., apps/web, apps/api and nix; each shell's devenv up re-enters itself"
}
t "shells: one devenv root (the checkout) from any directory; devenv up re-enters the shell it ran in" devenv_root

pure_shells() { # devenv needs $PWD: a pure evaluation gets shells that say how to enter and exit 1
  local hook out rc=0 bad="$WORK/flake-pure" err
  hook=$(cd / && env -u PWD nix --offline eval --no-write-lock-file "${STUB_INPUTS[@]}" --raw \
    "$flake#devShells.x86_64-linux.dev-web.shellHook" 2>"$WORK/pure.err") || { tail -n 5 "$WORK/pure.err"; return 1; }
  out=$(bash -c "$hook" 2>&1) || rc=$?
  [ "$rc" -eq 1 ] && grep -qF 'nix develop --impure .#dev-web' <<<"$out" || { echo "rc=$rc: $out"; return 1; }
  # without that, devenv's own assertion stops a pure evaluation (the stand-in models it)
  cp -R "$flake" "$bad"
  sed -i 's/if pwd == "" then/if false then/; s/root = checkoutOf pwd;/root = pwd;/' "$bad/nix/shells.nix"
  git -C "$bad" -c user.name=t -c user.email=t@localhost commit -qam unguarded >/dev/null || return 1
  if err=$(cd / && env -u PWD nix --offline eval --no-write-lock-file "${STUB_INPUTS[@]}" --json \
    "$bad#devShells.x86_64-linux.default.config.env" 2>&1); then
    echo "an unguarded pure evaluation succeeded: the stand-in no longer models devenv's PWD assertion"
    return 1
  fi
  grep -q 'devenv was not able to determine the current directory' <<<"$err" || { echo "$err" | tail -n 5; return 1; }
}
t "shells: a pure evaluation gets shells that name 'nix develop --impure .#<shell>' and exit 1 (devenv itself would fail)" pure_shells

docs_commands() { # `nix flake check` is pure; the docs say the shells need --impure
  grep -qE '^#   nix flake check +[a-z]' "$repo/flake.nix" && grep -qE '^nix flake check +#' "$repo/docs/nix.md" ||
    { echo "flake.nix and docs/nix.md give plain 'nix flake check'"; return 1; }
  grep -q 'nix develop --impure' "$repo/docs/nix.md" && grep -q -- '--impure' "$repo/flake.nix" || { echo "no --impure for the shells"; return 1; }
}
t "docs: flake.nix and docs/nix.md give a pure 'nix flake check' and say the shells need --impure" docs_commands

flake_config() { # devenv's cache, exactly as devenv's own flake template sets it
  local cfg
  cfg=$(nix-instantiate --eval --strict --json -E "(import $repo/flake.nix).nixConfig") || return 1
  jqe '. == {"extra-trusted-public-keys": "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=",
             "extra-substituters": "https://devenv.cachix.org"}' <<<"$cfg"
}
t "flake.nix nixConfig: devenv's substituter and public key (Nix 2.8 evaluates it)" flake_config

untrusted_user() { # devenv's cache needs a trusted user: the first-run text and the docs say what to add, and the cost without
  local text key
  key=$(nix-instantiate --eval --strict --json -E "(import $repo/flake.nix).nixConfig.extra-trusted-public-keys" | jq -r .) || return 1
  text=$(nix --offline eval --no-write-lock-file "${STUB_INPUTS[@]}" --raw "$flake#templates.default.welcomeText" 2>/dev/null) || return 1
  head -n 1 <<<"$text" | grep -qE '^ *git init && git add -A' || { echo "welcomeText does not start with git init && git add -A"; return 1; }
  grep -qF 'trusted-users = root <' <<<"$text" && grep -q '/etc/nix/nix.conf' <<<"$text" && grep -q 'minutes' <<<"$text" ||
    { echo "welcomeText: $text"; return 1; }
  grep -qF 'trusted-users = root <' "$repo/docs/nix.md" && grep -qF 'extra-trusted-substituters = https://devenv.cachix.org' "$repo/docs/nix.md" &&
    grep -qF "extra-trusted-public-keys = $key" "$repo/docs/nix.md" && grep -q 'minutes' "$repo/docs/nix.md" ||
    { echo "docs/nix.md lacks trusted-users, extra-trusted-substituters with the key, or the cost"; return 1; }
}
t "welcomeText starts with git init && git add -A; it and docs/nix.md tell an untrusted user what to add for devenv's cache" untrusted_user

shell_env() {
  jqe --slurpfile c "$C" '($c[0].apps) as $s | all(.[];
      .["dev-web"].env.WEB_PORT == ($s.web.port | tostring) and .["dev-web"].env.API_URL == $s.web.env.API_URL
      and .["dev-web"].env.WEB_HOST == "127.0.0.1" and (.["dev-web"].env | has("API_PORT") | not)
      and .["dev-api"].env.API_PORT == ($s.api.port | tostring) and .["dev-api"].env.API_HOST == "127.0.0.1"
      and .["dev-api"].env.WEB_ORIGIN == $s.api.env.WEB_ORIGIN and (.["dev-api"].env | has("WEB_PORT") | not)
      and (.["dev-web"].env | has("NODE_ENV") | not)
      and (.default.env | has("WEB_PORT") and has("API_PORT") and has("API_URL")))' "$S"
}
t "shells: per-app defaults from runtime.env on loopback (dev-web: WEB_PORT, API_URL; dev-api: API_PORT, API_HOST, WEB_ORIGIN; default: all)" shell_env

welcome() { # enterShell runs and names the commands that matter
  local bin="$WORK/fakebin" shell out
  mkdir -p "$bin"
  printf '#!/bin/sh\necho v26.0.0\n' >"$bin/node"
  printf '#!/bin/sh\necho 10.0.0\n' >"$bin/pnpm"
  chmod +x "$bin/node" "$bin/pnpm"
  for shell in $(jq -r '.["x86_64-linux"] | keys[]' "$S"); do
    out=$(jq -r --arg s "$shell" '.["x86_64-linux"][$s].enterShell' "$S" | API_URL=x PATH="$bin:$PATH" bash) || return 1
    grep -q 'node v26.0.0, pnpm 10.0.0' <<<"$out" && grep -q 'pnpm dev' <<<"$out" && grep -q 'nix build' <<<"$out" ||
      { echo "$shell: $out"; return 1; }
  done
  echo "$out"
}
t "shells: the welcome (enterShell) runs and names pnpm dev and nix build" welcome

envrc() { # the shell, --impure, the Nix files watched, and one .envrc.local (DEV_POSTGRES_PORT …) for all
  local app
  grep -qx 'use flake . --impure' "$repo/.envrc" && grep -q '^watch_file .*nix/\*.nix.* \.envrc\.local' "$repo/.envrc" &&
    grep -qx 'source_env_if_exists .envrc.local' "$repo/.envrc" || { echo ".envrc"; return 1; }
  git -C "$repo" check-ignore -q .envrc.local || { echo ".envrc.local is not git-ignored"; return 1; }
  for app in $(jq -r '.[]' <<<"$APPS"); do
    grep -qx "use flake ../..#dev-$app --impure" "$repo/apps/$app/.envrc" &&
      grep -q '^watch_file .*nix/\*.nix' "$repo/apps/$app/.envrc" &&
      grep -q '^watch_file .*package.json.* \.\./\.\./\.envrc\.local' "$repo/apps/$app/.envrc" &&
      grep -qx 'source_env_if_exists ../../.envrc.local' "$repo/apps/$app/.envrc" || { echo "apps/$app/.envrc"; return 1; }
  done
}
t ".envrc files pick their shell with --impure, watch the Nix files and read the one .envrc.local" envrc

hash_attr() { # what scripts/update-pnpm-hash.sh builds: `.#pnpm-deps`, the shared fetcher
  local name
  name=$(nix --offline eval --no-write-lock-file --raw \
    "${STUB_INPUTS[@]}" \
    "$flake#pnpm-deps.name" 2>/dev/null) || { echo "$flake#pnpm-deps does not evaluate"; return 1; }
  [ "$name" = "$(jq -r .name "$repo/package.json")-pnpm-deps" ] && grep -qF '"$root#pnpm-deps"' "$repo/scripts/update-pnpm-hash.sh"
}
t "update-pnpm-hash.sh's attribute (.#pnpm-deps) is the shared fetcher" hash_attr

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
  grep -q 'args: .* build --no-link .*#pnpm-deps$' "$d/seen" && grep -qx 'hash file: ' "$d/seen" || { cat "$d/seen"; return 1; }
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

replay_wrong_tools() { # the replay checks the tools first and names what it found
  local d="$WORK/tools" rc=0 out
  mkdir -p "$d"
  printf '#!/bin/sh\necho "tar (GNU tar) 1.34"\n' >"$d/tar"
  printf '#!/bin/sh\necho "*** Zstandard CLI (64-bit) v1.5.7, by Yann Collet ***"\n' >"$d/zstd"
  printf '#!/bin/sh\necho "*** Zstandard CLI (64-bit) v1.5.4, by Yann Collet ***"\n' >"$d/zstd-old"
  printf '#!/bin/sh\necho "tar (GNU tar) 1.35"\n' >"$d/tar-new"
  printf '#!/bin/sh\necho 10.34.9\n' >"$d/pnpm"
  chmod +x "$d"/*
  before=$(cat "$repo/nix/pnpm-deps-hash")
  out=$(TAR="$d/tar" ZSTD="$d/zstd" PNPM="$d/pnpm" bash "$here/update-hash.sh" --check 2>&1) || rc=$?
  [ "$rc" -eq 2 ] && grep -q "is 'tar (GNU tar) 1.34'; the replay needs GNU tar 1.35" <<<"$out" || { echo "rc=$rc: $out"; return 1; }
  rc=0
  out=$(TAR="$d/tar-new" ZSTD="$d/zstd-old" PNPM="$d/pnpm" bash "$here/update-hash.sh" 2>&1) || rc=$?
  [ "$rc" -eq 2 ] && grep -q "v1.5.4.*the replay needs zstd 1.5.7" <<<"$out" || { echo "rc=$rc: $out"; return 1; }
  [ "$(cat "$repo/nix/pnpm-deps-hash")" = "$before" ]
}
t "update-hash.sh (the replay): wrong tar or zstd → exit 2 naming the version found, hash file untouched" replay_wrong_tools

if command -v shellcheck >/dev/null; then
  t "shell scripts are shellcheck-clean" shellcheck -x -P SCRIPTDIR "$repo/scripts/update-pnpm-hash.sh" \
    "$repo/.ci/replay-tools.sh" "$repo/.ci/run" "$here"/*.sh
else
  t_unavailable "shellcheck (not installed)"
fi

# --- 5. the fetcher replay ---------------------------------------------------------------------------
node_nvmrc() { # NODE: a node whose major is .nvmrc's
  local major c
  major=$(tr -d '[:space:]' <"$repo/.nvmrc")
  for c in "${NODE:-}" "$(command -v node || true)" "$repo/.tools/node/node_modules/.bin/node"; do
    [ -n "$c" ] && [ -x "$c" ] && [ "$("$c" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ] &&
      { readlink -f "$c"; return 0; }
  done
  return 1
}
# GNU tar and zstd at nixpkgs' versions: TAR/ZSTD (.ci/run sets them), else .ci/replay-tools.sh's download.
TAR=${TAR:-$([ -x "$repo/.tools/replay/bin/tar" ] && echo "$repo/.tools/replay/bin/tar" || command -v tar || true)}
ZSTD=${ZSTD:-$([ -x "$repo/.tools/replay/bin/zstd" ] && echo "$repo/.tools/replay/bin/zstd" || command -v zstd || true)}
want_tar=$(jq -r .tar "$repo/proof/nix/fetcher-tools.json")
want_zstd=$(jq -r .zstd "$repo/proof/nix/fetcher-tools.json")
missing=()
NODE=$(node_nvmrc) || missing+=("node $(tr -d '[:space:]' <"$repo/.nvmrc")")
command -v npm >/dev/null || missing+=("npm")
[ -n "$TAR" ] && "$TAR" --version 2>/dev/null | head -n 1 | grep -qx "tar (GNU tar) $want_tar" ||
  missing+=("GNU tar $want_tar (TAR; eval \"\$(.ci/replay-tools.sh)\")")
[ -n "$ZSTD" ] && "$ZSTD" --version 2>/dev/null | head -n 1 | grep -q " v$want_zstd," ||
  missing+=("zstd $want_zstd (ZSTD)")
TEST_CACHE=${TEST_CACHE:-/var/tmp/nix-sample-test-cache}
pnpm_version=$(jq -r '.packageManager | sub("^pnpm@"; "")' "$repo/package.json")
PNPM="$TEST_CACHE/pnpm-$pnpm_version/node_modules/.bin/pnpm"
export NODE TEST_CACHE TAR ZSTD PNPM
r() { bash "$here/rehearse.sh" "$@"; }

# cache_key FILE...: one key over the inputs of a replay, the replay's own code and the tools' versions
cache_key() {
  { cat "$@" "$repo/proof/nix/replay-pnpm-deps.sh" "$repo/proof/nix/fetcher-tools.json"; echo "pnpm $pnpm_version"; } |
    sha256sum | cut -c1-16
}

replay_fixture() { # replay_fixture NAME: must hash exactly as nixpkgs says
  local name=$1 dir="$here/fixtures/$1" want key cached got
  want=$(jq -r --arg n "$name" '.fixtures[$n].hash' "$here/fixtures.json")
  key=$(cache_key "$dir"/*)
  cached="$TEST_CACHE/replay/fixture-$name-$key.hash"
  if [ -f "$cached" ]; then
    got=$(cat "$cached")
    echo "reusing the replay of $name ($cached)"
  else
    got=$(PATH="$(dirname "$NODE"):$PATH" "$repo/proof/nix/replay-pnpm-deps.sh" "$dir" "$WORK/fixture-$name") || return 1
    rm -rf "$WORK/fixture-$name"
    mkdir -p "$TEST_CACHE/replay" && rm -f "$TEST_CACHE/replay/fixture-$name-"* && echo "$got" >"$cached"
  fi
  [ "$got" = "$want" ] || { echo "$name: replay gives $got, nixpkgs has $want"; return 1; }
  echo "$name: $got (nixpkgs: the same)"
}

# This repository: the store goes to $FETCHED, where the rehearsal (part 6) takes it from.
repo_inputs() { # the files pnpm reads (as update-hash.sh copies them) and the flags
  printf '%s\n' package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc nix/workspace.nix proof/nix/update-hash.sh
  awk '/^importers:/ { f = 1; next } /^[^ ]/ { f = 0 } f && /^  [^ ]/ { sub(/^  /, ""); sub(/:.*$/, ""); print }' \
    "$repo/pnpm-lock.yaml" | grep -vx '\.' | sed 's|$|/package.json|'
}
mapfile -t replay_inputs < <(repo_inputs | sed "s|^|$repo/|")
FETCHED="$TEST_CACHE/pnpm-deps-$pnpm_version-$(cache_key "${replay_inputs[@]}")"
export FETCHED
# The replay knows fetchPnpmDeps at one nixpkgs revision (fetcher-tools.json: its fetcherVersion, tar and zstd
# versions); at another, its hash may not be Nix's. It says so and compares nothing, so a nixpkgs bump (whose
# hash the pnpm-hash workflow computes with Nix) never turns this suite red.
calibration_gap() { # calibration_gap LOCKFILE FETCHER_VERSION: why the replay can't vouch, or nothing
  local locked recorded version
  locked=$(jq -r '.nodes[.nodes.root.inputs.nixpkgs].locked.rev' "$1")
  recorded=$(jq -r .nixpkgsRev "$here/fetcher-tools.json")
  version=$(jq -r .fetcherVersion "$here/fetcher-tools.json")
  [ "$locked" = "$recorded" ] || echo "flake.lock pins nixpkgs $locked, the replay knows $recorded"
  [ "$2" = "$version" ] || echo "nix/workspace.nix asks for fetcherVersion $2, the replay knows $version"
}
UNCALIBRATED=$(calibration_gap "$repo/flake.lock" "$(jq -r '.["x86_64-linux"]["pnpm-deps"].fetcherVersion' "$P" 2>/dev/null || echo unknown)")

vouch() { # vouch WANT GOT: the replayed hash GOT is nix/pnpm-deps-hash's WANT, unless the replay can't vouch
  if [ -n "$UNCALIBRATED" ]; then
    echo "notice: the replay can't vouch for nix/pnpm-deps-hash ($1): $UNCALIBRATED; it gives $2."
    echo "Record the pinned nixpkgs' revision, fetcherVersion, tar and zstd versions in proof/nix/fetcher-tools.json."
    return 0
  fi
  [ "$2" = "$1" ] && return 0
  echo "nix/pnpm-deps-hash is stale: the replay of this lockfile gives"
  echo "  $2"
  echo "(run bash proof/nix/update-hash.sh, or write that line into nix/pnpm-deps-hash)"
  return 1
}
replay_repo() {
  local want got rc=0
  want=$(tr -d '[:space:]' <"$repo/nix/pnpm-deps-hash")
  if [ -f "$FETCHED.nar-hash" ] && [ -f "$FETCHED/pnpm-store.tar.zst" ]; then
    got=$(cat "$FETCHED.nar-hash")
    echo "reusing $FETCHED (same lockfile, flags, pnpm and tools)"
  else
    rm -rf "$TEST_CACHE"/pnpm-deps-* # one replayed store only
    got=$(PATH="$(dirname "$NODE"):$PATH" PNPM_DEPS_OUT="$FETCHED" bash "$here/update-hash.sh" --check) || rc=$?
    case "$rc" in 0 | 1) ;; *) return 1 ;; esac
    echo "$got" >"$FETCHED.nar-hash"
  fi
  vouch "$want" "$got" || return 1
  echo "nix/pnpm-deps-hash = replay = $got; store tarball $(du -m "$FETCHED/pnpm-store.tar.zst" | cut -f1) MiB"
}

replay_bump() { # another nixpkgs revision or fetcherVersion: a notice and a pass; calibrated, a wrong hash still fails
  local lock="$WORK/bumped.lock" a="sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" b="sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=" out rc=0
  jq '.nodes[.nodes.root.inputs.nixpkgs].locked.rev = "0000000000000000000000000000000000000000"' "$repo/flake.lock" >"$lock"
  [ -n "$(calibration_gap "$lock" 3)" ] && [ -n "$(calibration_gap "$repo/flake.lock" 4)" ] || { echo "a bump went unnoticed"; return 1; }
  out=$(UNCALIBRATED=$(calibration_gap "$lock" 3) vouch "$a" "$b") || { echo "uncalibrated, it failed: $out"; return 1; }
  grep -q "^notice: the replay can't vouch for nix/pnpm-deps-hash ($a): flake.lock pins nixpkgs 0000" <<<"$out" || { echo "no notice: $out"; return 1; }
  out=$(UNCALIBRATED="" vouch "$a" "$b") || rc=$?
  [ "$rc" -eq 1 ] && grep -q 'is stale' <<<"$out" || { echo "calibrated, a wrong hash passed (rc=$rc): $out"; return 1; }
}
t "a nixpkgs bump: the replay says it can't vouch for the hash and passes; calibrated, a wrong hash fails" replay_bump

if [ ${#missing[@]} -gt 0 ]; then
  t_unavailable "fetcher replay and offline rehearsal: need ${missing[*]}"
else
  mkdir -p "$TEST_CACHE" && chmod 0755 "$TEST_CACHE"
  t "pnpm $pnpm_version (packageManager) from the npm registry" r pnpm
  t "replay: nixpkgs' pnpm-empty-lockfile test hashes exactly as in nixpkgs" replay_fixture pnpm-empty-lockfile
  t "replay: changelogen 0.6.2 hashes exactly as in nixpkgs" replay_fixture changelogen
  if [ -z "$UNCALIBRATED" ]; then
    t "replay: this repository hashes exactly to nix/pnpm-deps-hash" replay_repo
  else
    t "replay: this repository (the store for the rehearsal; its hash not compared)" replay_repo
    replay_repo | grep '^notice:' >&2 || true # cached by now
  fi

  # --- 6. the offline rehearsal ----------------------------------------------------------------------
  missing=()
  [ "$(id -u)" -eq 0 ] || missing+=("root")
  for tool in unshare setpriv ip ss curl sha256sum; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    t_unavailable "offline rehearsal: needs ${missing[*]}"
  elif ! jq -e '.["x86_64-linux"]' "$P" >/dev/null 2>&1 || [ ! -f "$FETCHED/pnpm-store.tar.zst" ]; then
    t_unavailable "offline rehearsal: the flake did not evaluate or the replay did not run"
  else
    t "rehearsal: with the shells' variable another pnpm 10.x runs offline instead of switching" r switch
    t "rehearsal: the replayed store (fetchPnpmDeps' output) is the one the builds unpack" r fetch
    t "rehearsal: offline build #1 (unshare -n, uid 65534, HOME unwritable, source read-only, shebangs patched)" r build 1
    t "rehearsal: offline build #2 from clean" r build 2
    t "rehearsal: two clean builds are identical (contents, x bits, links) but for Next.js per-build secrets and what they salt" r compare
    t "rehearsal: runtime trees as the images expect (entry, static, public, cache link only)" r trees
    t "rehearsal: runtime trees reference neither the build's Node.js nor pnpm (disallowedReferences)" r references
    t "rehearsal: served with node alone, as the image user, tree read-only: /health, the ready paths, SIGTERM → 0" r serve
    t "rehearsal: runtime trees kept in \$TEST_CACHE/runtime-trees/{web,api} for proof/smoke" r keep
  fi
fi

t_summary
