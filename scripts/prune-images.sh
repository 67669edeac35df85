#!/usr/bin/env bash
# Delete CI's old images of this repository's apps from GHCR, never one a deployed set may still name:
#
#   GITHUB_REPOSITORY=owner/repo GH_TOKEN=… [KEEP=10] [DAYS=30] [DRY_RUN=true] scripts/prune-images.sh
#
# A version goes when all its tags are CI's `<sha>` or `<sha>-<arch>` (which stays and goes with `<sha>`), unchanged
# for DAYS days, of a commit neither among the KEEP newest indexes nor sharing a version with any other tag, such as
# a deployed set's `set-<commit>`. Untagged versions stay: GHCR lists an index's per-arch manifests untagged too.
# stdout: each version deleted (DRY_RUN=true: that would be) as `<package> <digest> <tags>`. Needs gh and jq.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keep=${KEEP:-10} days=${DAYS:-30}
[[ $keep =~ ^[0-9]+$ && $days =~ ^[0-9]+$ ]] || die 2 "KEEP and DAYS must be whole numbers"
[[ ${GITHUB_REPOSITORY-} =~ ^[^/]+/[^/]+$ ]] || die 2 "GITHUB_REPOSITORY is not owner/repo"
repository=${GITHUB_REPOSITORY,,} # GHCR's names are lowercase
owner=${repository%/*}
kind=$(gh api "users/$owner" --jq 'if .type == "Organization" then "orgs" else "users" end')
project=$(jq -r .name "$root/package.json")
failed=0
for dir in "$root"/apps/*/; do
  package=${repository#*/}/$project-$(basename "$dir")
  versions_url=$kind/$owner/packages/container/${package//\//%2F}/versions
  if ! versions=$(gh api --paginate "$versions_url" --jq '.[]' 2>&1); then
    [[ $versions == *"HTTP 404"* ]] && log "$package: not in GHCR yet" && continue
    die 1 "cannot list $package: $versions"
  fi
  doomed=$(jq -sr --argjson keep "$keep" --argjson cutoff "$(($(date +%s) - days * 86400))" '
    def commit: capture("^(?<c>[0-9a-f]{40})(-[a-z0-9_]+)?$").c;
    def ours: test("^[0-9a-f]{40}(-[a-z0-9_]+)?$");
    map(.tags = .metadata.container.tags | .changed = (.updated_at // .created_at | sub("\\.[0-9]+"; "") | fromdateiso8601)) |
    ([.[] | select(.tags | any(ours | not)) | .tags[] | ltrimstr("set-") | select(ours) | commit]
     + [sort_by(-.changed) | map(select(.tags | any(test("^[0-9a-f]{40}$"))))[:$keep][] | .tags[] | select(ours) | commit]) as $kept |
    .[] | select((.tags | length > 0) and (.tags | all(ours)) and .changed < $cutoff and
      (.tags | all(commit as $c | $kept | index($c) | not))) | "\(.id) \(.name) \(.tags | join(","))"' <<<"$versions")
  while read -r id digest tags; do
    [ -n "$id" ] || continue
    echo "$package $digest $tags"
    [ "${DRY_RUN:-false}" != true ] || continue
    out=$(gh api --method DELETE "$versions_url/$id" 2>&1) || { log "could not delete $digest: $out" && failed=1; }
  done <<<"$doomed"
done
[ "$failed" = 0 ] || die 1 "some versions could not be deleted (a public one downloaded over 5,000 times can't be)"
