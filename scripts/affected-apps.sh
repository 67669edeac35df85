#!/usr/bin/env bash
# Print, as a JSON list (e.g. ["web"]), the apps under apps/ that a change
# affects: CI builds, tests and images only those.
#
#   TURBO_SCM_BASE=<base sha> scripts/affected-apps.sh
#
# TURBO_SCM_BASE is the commit to compare the checkout with: a pull request's base SHA,
# or a push's `before`. When it is unset, empty, all zeros (the `before` of a
# new branch) or not in the clone, nothing can be compared and every app is
# listed. Otherwise turbo decides from the package graph
# (`turbo ls --affected`), except that a change to a file turbo does not see as
# an app input but which goes into every image or pipeline selects every app
# (see ALL_APPS_PATHS).
#
# TURBO overrides the turbo command (default: `pnpm exec turbo`), e.g.
# TURBO=./node_modules/.bin/turbo. Needs git and jq. Logs go to stderr.
set -euo pipefail

# Paths whose change selects every app. Turbo only knows JS packages, so it
# would mark no app for these, yet they shape every image (flake, Nix code,
# push scripts), the pipeline itself (.github), or what the flake's pnpm
# dependency hash covers (root manifest, lockfile, workspace catalog, Node
# version). A directory ends in "/".
readonly ALL_APPS_PATHS=(
  flake.nix
  flake.lock
  nix/
  scripts/
  .github/
  package.json
  pnpm-lock.yaml
  pnpm-workspace.yaml
  .nvmrc
)
readonly APPS_FILTER='./apps/*'

prog=affected-apps
log() { printf '%s: %s\n' "$prog" "$*" >&2; }

read -r -a turbo <<<"${TURBO:-pnpm exec turbo}"
# Turbo's banner and update check are noise here; its stdout stays clean JSON.
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1

names() { jq -c '[.packages.items[].name] | sort'; }

all_apps() {
  log "all apps: $1"
  "${turbo[@]}" ls --filter="$APPS_FILTER" --output=json | names
}

base=${TURBO_SCM_BASE-}
if [ -z "$base" ]; then
  all_apps "TURBO_SCM_BASE is not set"
  exit 0
fi
if [[ $base =~ ^0+$ ]]; then
  all_apps "the base is all zeros (a new branch)"
  exit 0
fi
if ! base_sha=$(git rev-parse --verify --quiet "$base^{commit}"); then
  all_apps "base $base is not in this clone (shallow checkout?)"
  exit 0
fi
# Compare from the merge base, as a pull request diff does.
if ! merge_base=$(git merge-base "$base_sha" HEAD); then
  all_apps "base $base shares no history with HEAD"
  exit 0
fi

# Like turbo, count uncommitted and untracked files too (none in CI's clean
# checkout; locally, work in progress).
changed=$(
  git diff --name-only "$merge_base"
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

export TURBO_SCM_BASE=$merge_base
"${turbo[@]}" ls --affected --filter="$APPS_FILTER" --output=json | names
