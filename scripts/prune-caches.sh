#!/usr/bin/env bash
# Keep only the newest GitHub Actions cache entry of each key prefix on one branch and delete the older ones, so
# a cache that is saved under a new key whenever its inputs change (CI's Nix store: nix-<system>-<hash>) holds one
# entry per prefix, not one per change, and never pushes the others out of the repository's 10 GB.
#
#   GITHUB_REPOSITORY=owner/repo GITHUB_TOKEN=... [GITHUB_API_URL=...] [CACHE_REF=refs/heads/main] \
#     scripts/prune-caches.sh <key-prefix>...
#
# The token needs `actions: write`. Entries are listed with GET /repos/{owner}/{repo}/actions/caches (key
# prefix, ref; every page) and removed with DELETE .../actions/caches/{id}. stdout: the deleted keys, one per
# line. Logs on stderr. Exit 1 an API call failed (what was deleted before it stays deleted), 2 usage.
set -euo pipefail

prog=prune-caches
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"

[ $# -gt 0 ] || die 2 "usage: prune-caches.sh <key-prefix>... (e.g. nix-x86_64-linux-)"
for prefix in "$@"; do
  # Characters that need no URL encoding, and a real prefix: an empty one would match every cache.
  [[ $prefix =~ ^[A-Za-z0-9._-]+$ ]] || die 2 "'$prefix' is not a cache key prefix (letters, digits, . _ -)"
done
ref=${CACHE_REF:-refs/heads/main}
[[ $ref =~ ^refs/[A-Za-z0-9._/-]+$ ]] || die 2 "CACHE_REF must be a full ref like refs/heads/main, not '$ref'"

# shellcheck source-path=SCRIPTDIR source=lib/github.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/github.sh"

readonly per_page=100
for prefix in "$@"; do
  entries='[]'
  page=1
  while :; do
    json=$(github_get "repos/$github_repo/actions/caches?key=$prefix&ref=$ref&per_page=$per_page&page=$page") ||
      die 1 "cannot list the caches of $github_repo"
    items=$(jq -c '.actions_caches // error("no actions_caches")' <<<"$json" 2>/dev/null) ||
      die 1 "the caches list is not what GitHub sends"
    entries=$(jq -c --argjson more "$items" '. + $more' <<<"$entries")
    [ "$(jq length <<<"$items")" -eq "$per_page" ] || break
    page=$((page + 1))
  done
  # The API's `key` is a prefix match on the key and `ref` exact; check both again rather than trust them.
  entries=$(jq -c --arg prefix "$prefix" --arg ref "$ref" \
    '[.[] | select((.key | startswith($prefix)) and .ref == $ref)] | sort_by(.created_at) | reverse' <<<"$entries")
  count=$(jq length <<<"$entries")
  if [ "$count" -le 1 ]; then
    log "$prefix: $count entry on $ref, nothing to prune"
    continue
  fi
  log "$prefix: keeping $(jq -r '.[0].key' <<<"$entries") (newest of $count)"
  while IFS=$'\t' read -r id key; do
    [[ $id =~ ^[0-9]+$ ]] || die 1 "a cache entry without a numeric id ('$id')"
    github_delete "repos/$github_repo/actions/caches/$id" >/dev/null || die 1 "cannot delete cache $key ($id)"
    log "deleted $key"
    printf '%s\n' "$key"
  done < <(jq -r '.[1:][] | "\(.id)\t\(.key)"' <<<"$entries")
done
