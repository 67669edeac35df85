#!/usr/bin/env bash
# Print, as a JSON list (e.g. ["web"]), the apps whose build a change touches: CI builds, tests, images and
# pushes only those. An app is a directory under apps/ whose package.json has a `runtime` field (as
# scripts/lib/apps.sh and nix/apps.nix find them), named by its directory; other packages under apps/ are
# never listed, as they have no image.
#
#   TURBO_SCM_BASE=<commit> scripts/affected-apps.sh
#
# TURBO_SCM_BASE is the commit the checkout is compared with: on main, the last commit whose CI run succeeded
# (scripts/last-green-sha.sh), so a failed or cancelled run's changes are picked up by the next one; on a pull
# request, its base. When it is unset, empty, all zeros or not in the clone, nothing can be compared and every
# app is listed.
#
# Which files changed is git's answer, `git diff --no-renames BASE HEAD`: trees only (works in a blob-less
# clone, without credentials) and a rename counts at both paths, so moving a file out of nix/ still rebuilds
# everything. A file inside a workspace package marks that package; turbo then adds every package that depends
# on it (`turbo ls --filter=...{./dir}`). A change to a file that shapes every image or the pipeline itself
# (ALL_APPS_PATHS) selects every app. Anything else (docs, tests/, README) selects none.
#
# TURBO overrides the turbo command (default: `pnpm exec turbo`). Needs git and jq. Logs go to stderr.
set -euo pipefail

# Paths whose change selects every app: the flake and Nix code, the scripts and workflows that build and ship,
# what the pnpm dependency hash covers (root manifest, lockfile, workspace and catalog, .npmrc, Node version),
# and turbo's global inputs. A directory ends in "/".
readonly ALL_APPS_PATHS=(
  flake.nix
  flake.lock
  nix/
  scripts/
  .github/
  package.json
  pnpm-lock.yaml
  pnpm-workspace.yaml
  .npmrc
  .nvmrc
  turbo.json
  tsconfig.json
)
readonly APPS_FILTER='./apps/*'

prog=affected-apps
log() { printf '%s: %s\n' "$prog" "$*" >&2; }

read -r -a turbo <<<"${TURBO:-pnpm exec turbo}"
# Turbo's banner and update check are noise here; its stdout stays clean JSON.
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1

workspace_root=$(git rev-parse --show-toplevel)

# runtime_apps TURBO-LS-ARGS...: the JSON list of the packages `turbo ls` selects that are apps. turbo's answer
# is read whole first, so a failing turbo fails the script with nothing on stdout.
runtime_apps() {
  local json path
  json=$("${turbo[@]}" ls "$@" --output=json)
  jq -r '.packages.items[].path | select(startswith("apps/"))' <<<"$json" | while IFS= read -r path; do
    if jq -e 'has("runtime")' "$workspace_root/$path/package.json" >/dev/null; then basename "$path"; fi
  done | jq -Rsc 'split("\n") | map(select(. != "")) | sort'
}

all_apps() {
  log "all apps: $1"
  runtime_apps --filter="$APPS_FILTER"
}

base=${TURBO_SCM_BASE-}
if [ -z "$base" ]; then
  all_apps "no base commit (TURBO_SCM_BASE is empty)"
  exit 0
fi
if [[ $base =~ ^0+$ ]]; then
  all_apps "the base is all zeros (a new branch)"
  exit 0
fi
if ! base_sha=$(git rev-parse --verify --quiet "$base^{commit}"); then
  all_apps "base $base is not in this clone (force-pushed away, or a shallow checkout)"
  exit 0
fi

# Committed changes since the base, plus (locally) uncommitted and untracked files; CI's checkout has none.
changed=$(
  git diff --name-only --no-renames "$base_sha" HEAD
  git diff --name-only --no-renames HEAD
  git ls-files --others --exclude-standard
)
while IFS= read -r file; do
  [ -n "$file" ] || continue
  for path in "${ALL_APPS_PATHS[@]}"; do
    case $path in
      */) [[ $file == "$path"* ]] || continue ;;
      *) [ "$file" = "$path" ] || continue ;;
    esac
    all_apps "$file changed"
    exit 0
  done
done <<<"$changed"

# The workspace packages holding a changed file (longest path wins: packages never nest here, but be exact).
packages=$("${turbo[@]}" ls --output=json | jq -c '[.packages.items[] | {name, path}]')
dirs=$(jq -r --arg files "$changed" '
  ($files | split("\n") | map(select(. != ""))) as $files
  | [ $files[] as $f | [ .[] | select(.path as $dir | $f | startswith($dir + "/")) ] | max_by(.path | length) | .path // empty ]
  | unique[]' <<<"$packages")
if [ -z "$dirs" ]; then
  log "no workspace package changed"
  echo '[]'
  exit 0
fi
filters=()
while IFS= read -r dir; do filters+=("--filter=...{./$dir}"); done <<<"$dirs"
log "changed packages: $(tr '\n' ' ' <<<"$dirs")"
runtime_apps "${filters[@]}"
