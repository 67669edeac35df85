# shellcheck shell=bash
# Shared by last-green-sha.sh, move-main-tag.sh, deploy-set.sh, ci-settings.sh and prune-caches.sh: calls to
# GitHub's REST API with curl. Source it after setting `prog` and defining `die CODE MESSAGE` (lib/registry.sh defines one).
#
#   GITHUB_REPOSITORY  owner/repo (Actions sets it)
#   GITHUB_TOKEN       optional for public repositories; reaches curl as a header on stdin, never in argv
#   GITHUB_API_URL     default https://api.github.com (Actions sets it; tests point it at a fake server)

# Set by the sourcing script; what this file defines is read there.
# shellcheck disable=SC2034
: "${prog:?set prog before sourcing lib/github.sh}"

github_api_url=${GITHUB_API_URL:-https://api.github.com}
github_api_url=${github_api_url%/}
github_repo=${GITHUB_REPOSITORY-}
[[ $github_repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
  die 2 "GITHUB_REPOSITORY must be owner/repo, not '$github_repo'"
# Unexported: only curl's stdin ever sees the token.
github_token=${GITHUB_TOKEN-}
export -n GITHUB_TOKEN 2>/dev/null || true
unset GITHUB_TOKEN

# github_get PATH: GET $GITHUB_API_URL/PATH and print the body. Anything but a 2xx: status 1 and one line on
# stderr with what came back.
github_get() { github_request GET "$1"; }

# github_delete PATH: DELETE $GITHUB_API_URL/PATH (the token needs the matching write permission); as github_get.
github_delete() { github_request DELETE "$1"; }

github_request() {
  local method=$1 path=$2 tmp status
  tmp=$(mktemp -d)
  # -H @-: the headers come from stdin, so the token is in no process's command line.
  status=$(
    {
      printf 'Accept: application/vnd.github+json\n'
      printf 'X-GitHub-Api-Version: 2022-11-28\n'
      if [ -n "$github_token" ]; then printf 'Authorization: Bearer %s\n' "$github_token"; fi
    } | curl --silent --show-error --max-time 30 --retry 2 --retry-connrefused --request "$method" \
      --output "$tmp/body" --write-out '%{http_code}' -H @- "$github_api_url/$path" 2>"$tmp/err"
  ) || true
  if [[ $status != 2[0-9][0-9] ]]; then
    printf '%s: %s %s answered %s: %s\n' "$prog" "$method" "$github_api_url/$path" "${status:-nothing}" \
      "$(cat "$tmp/err" "$tmp/body" 2>/dev/null | tr '\n' ' ' | head -c 300)" >&2
    rm -rf "$tmp"
    return 1
  fi
  cat "$tmp/body"
  rm -rf "$tmp"
}

# github_branch_tip BRANCH: the commit BRANCH points at right now.
github_branch_tip() {
  local json sha
  json=$(github_get "repos/$github_repo/git/ref/heads/$1") || return 1
  sha=$(jq -r '.object.sha // empty' <<<"$json" 2>/dev/null) || sha=
  if [[ ! $sha =~ ^[0-9a-f]{40}$ ]]; then
    printf '%s: GitHub named no commit for branch %s\n' "$prog" "$1" >&2
    return 1
  fi
  printf '%s\n' "$sha"
}
