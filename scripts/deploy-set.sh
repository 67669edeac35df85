#!/usr/bin/env bash
# Resolve the set of images a deployment of main ships: one `registry/<project>-<app>@sha256:...` per app.
# Apps the triggering CI run pushed come from that run's digests; every other app from the digest its `main`
# tag resolves to now. So every deployment is a consistent, complete set (no app drifts because a run didn't
# touch it), and always by digest.
#
#   REGISTRY=ghcr.io/<owner>/<repo> HEAD_SHA=<run's commit> GITHUB_REPOSITORY=<owner>/<repo> \
#     [GITHUB_TOKEN=...] [DIGESTS_DIR=image-digests] [APPS="api web"] \
#     [REGISTRY_USER=name REGISTRY_PASSWORD=secret] [REGISTRY_TLS_VERIFY=false] scripts/deploy-set.sh
#
# stdout: `<app>=<ref>` lines, sorted by app. DIGESTS_DIR holds the run's <app>.txt files (one digest each;
# missing or empty when the run pushed nothing). APPS defaults to the apps (lib/apps.sh: apps/* with a runtime
# field); <project> is the root package.json's name.
#
# Refuses (exit 3) when HEAD_SHA is no longer main's tip: re-running an old deployment would roll apps back,
# and a newer run deploys anyway. Refuses (exit 4) when an app the run didn't push has no `main` tag yet.
# Exit codes: 2 usage or a malformed digest file, 3 stale run, 4 no `main` tag, 5 registry error,
# 6 GitHub did not say where main is.
set -euo pipefail

prog=deploy-set
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib/github.sh
. "$here/lib/github.sh"

[ $# -eq 0 ] || die 2 "usage: deploy-set.sh (settings come from the environment; see the header)"
head_sha=${HEAD_SHA-}
[[ $head_sha =~ ^[0-9a-f]{40}$ ]] || die 2 "HEAD_SHA must be a full commit SHA, not '$head_sha'"
image_prefix=${REGISTRY-}
image_prefix=${image_prefix#docker://}
image_prefix=${image_prefix%/}
[ -n "$image_prefix" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
digests=${DIGESTS_DIR:-image-digests}

# shellcheck source-path=SCRIPTDIR source=lib/apps.sh
. "$here/lib/apps.sh"
project=$(project_name) || die 2 "the root package.json has no name"
if [ -n "${APPS-}" ]; then
  read -r -a apps <<<"$APPS"
else
  mapfile -t apps < <(app_names)
fi
mapfile -t apps < <(printf '%s\n' "${apps[@]}" | sed '/^$/d' | sort -u)
[ ${#apps[@]} -gt 0 ] || die 2 "no apps (set APPS, or run from a checkout with apps/*)"
for app in "${apps[@]}"; do
  [[ $app =~ ^[a-z0-9][a-z0-9-]*$ ]] || die 2 "bad app name '$app'"
done

# A digest file for an app we don't know is a mistake somewhere upstream: say so rather than ignore it.
if [ -d "$digests" ]; then
  for file in "$digests"/*.txt; do
    [ -e "$file" ] || continue
    name=$(basename "$file" .txt)
    [[ " ${apps[*]} " == *" $name "* ]] || die 2 "$file is for '$name', which is not an app (${apps[*]})"
  done
fi

tip=$(github_branch_tip main) || die 6 "cannot read where main is now; not deploying"
[ "$tip" = "$head_sha" ] ||
  die 3 "this run built $head_sha but main is at $tip now: deploying it would roll back; the newer run deploys"

# Printed only once every app resolved: a refusal leaves stdout empty, never half a set.
set_lines=()
for app in "${apps[@]}"; do
  image=$image_prefix/$project-$app
  file=$digests/$app.txt
  if [ -f "$file" ]; then
    digest=$(tr -d '[:space:]' <"$file")
    [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || die 2 "$file holds no sha256 digest"
    log "$app: pushed by this run"
  else
    err=$(mktemp)
    if ! digest=$(bash "$here/print-digest.sh" "$image:main" 2>"$err"); then
      if grep -q 'has no such image' "$err"; then
        rm -f "$err"
        die 4 "$image has no main tag yet, so there is nothing to deploy for $app (a run on main that builds it creates one)"
      fi
      msg=$(grep -m1 'error:' "$err" || true)
      rm -f "$err"
      die 5 "cannot resolve $image:main: ${msg#print-digest: error: }"
    fi
    rm -f "$err"
    log "$app: unchanged by this run, $image:main"
  fi
  set_lines+=("$app=$image@$digest")
done
printf '%s\n' "${set_lines[@]}"
