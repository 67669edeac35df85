#!/usr/bin/env bash
# Print the commit of the newest CI run on main that SUCCEEDED: what main's images and deployments were last
# built from. CI diffs against it (not against the push's `before`), so a run that failed, was cancelled or never
# ran leaves no app behind: the next run covers its commits too.
#
#   GITHUB_REPOSITORY=owner/repo [GITHUB_TOKEN=...] [GITHUB_API_URL=...] \
#     scripts/last-green-sha.sh [--branch main] [--workflow ci.yml]
#
# stdout: the 40-hex SHA, or nothing when no run has succeeded yet (then build every app).
# Logs go to stderr. Exit 0 (found, or none yet), 1 the API call failed (callers fall back to every app),
# 2 usage. The token needs `actions: read`.
set -euo pipefail

prog=last-green-sha
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"

branch=main
workflow=ci.yml
while [ $# -gt 0 ]; do
  case $1 in
    --branch) branch=${2:?--branch needs a value} && shift 2 ;;
    --workflow) workflow=${2:?--workflow needs a value} && shift 2 ;;
    *) die 2 "usage: last-green-sha.sh [--branch main] [--workflow ci.yml]" ;;
  esac
done
[[ $branch =~ ^[A-Za-z0-9._/-]+$ ]] || die 2 "bad branch name '$branch'"
[[ $workflow =~ ^[A-Za-z0-9._-]+$ ]] || die 2 "bad workflow file name '$workflow'"

# shellcheck source-path=SCRIPTDIR source=lib/github.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/github.sh"

# Newest first (the API's order, by creation); only runs of pushes, so a pull request from a fork's branch
# called main never counts.
json=$(github_get "repos/$github_repo/actions/workflows/$workflow/runs?branch=$branch&event=push&status=success&exclude_pull_requests=true&per_page=1") ||
  die 1 "cannot list the $workflow runs of $github_repo"
count=$(jq -r '.workflow_runs | length' <<<"$json" 2>/dev/null) || die 1 "the runs list is not JSON"
if [ "$count" = 0 ]; then
  log "no successful $workflow run on $branch yet"
  exit 0
fi
sha=$(jq -r '.workflow_runs[0].head_sha' <<<"$json")
[[ $sha =~ ^[0-9a-f]{40}$ ]] || die 1 "the newest successful run has no head_sha ('$sha')"
log "last successful $workflow run on $branch: $(jq -r '.workflow_runs[0].html_url // .workflow_runs[0].id' <<<"$json") at $sha"
printf '%s\n' "$sha"
