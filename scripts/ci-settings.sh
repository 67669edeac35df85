#!/usr/bin/env bash
# Decide what CI does in this repository, from what kind of repository it is and its Actions variables, so the
# first push is green in every kind: public or private, owned by a user or an organisation.
#
#   GITHUB_REPOSITORY=owner/repo [GITHUB_TOKEN=...] [GITHUB_API_URL=...] \
#     [ARM64_IMAGES=true|false] [ATTEST=true|false] [CACHIX_CACHE=<name>] scripts/ci-settings.sh
#
# The kind comes from GitHub (GET /repos/{owner}/{repo}: `visibility`, `owner.type`; any token can read it).
#
#   arm64 images   public: on (GitHub's ubuntu-24.04-arm runners are free there); private/internal: off, as
#                  those runners aren't offered to them. ARM64_IMAGES=true|false overrides either way.
#   attestation    public: on; private/internal: off, as artifact attestations need GitHub Enterprise Cloud
#                  there (actions/attest-build-provenance README.md). ATTEST=true|false overrides, except that
#                  ATTEST=true in a user-owned private repository is refused: GitHub never offers it there.
#   cachix         CACHIX_CACHE names a Cachix cache to substitute from (and push to from main); empty: none,
#                  and the Nix store is kept in the GitHub Actions cache instead.
#
# stdout: one JSON object, e.g.
#   {"visibility":"private","owner_type":"User","arches":["amd64"],"platforms":[{"arch":"amd64",...}],
#    "attest":false,"cachix":"","notices":["arm64 images are off: ..."]}
# `notices` say what was left out and which variable turns it on; CI shows them on the run.
# Logs go to stderr. Exit 1: GitHub did not answer; 2: a variable has a value it can't mean.
set -euo pipefail

prog=ci-settings
# shellcheck source-path=SCRIPTDIR source=lib/log.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/log.sh"

[ $# -eq 0 ] || die 2 "usage: ci-settings.sh (settings come from the environment; see the header)"

# boolean NAME VALUE: '' (unset), true or false; anything else is refused rather than guessed.
boolean() {
  case $2 in
    "" | true | false) printf '%s\n' "$2" ;;
    *) die 2 "the repository variable $1 must be true or false (or unset), not '$2'" ;;
  esac
}
arm64_var=$(boolean ARM64_IMAGES "${ARM64_IMAGES-}")
attest_var=$(boolean ATTEST "${ATTEST-}")
cachix=${CACHIX_CACHE-}
# Cachix cache names: lowercase letters, digits and dashes.
[[ -z $cachix || $cachix =~ ^[a-z0-9][a-z0-9-]*$ ]] ||
  die 2 "the repository variable CACHIX_CACHE must be a Cachix cache name (lowercase letters, digits, -), not '$cachix'"

# shellcheck source-path=SCRIPTDIR source=lib/github.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/github.sh"
repo_json=$(github_get "repos/$github_repo") || die 1 "cannot read what kind of repository $github_repo is"
visibility=$(jq -r '.visibility // (if .private == false then "public" elif .private == true then "private" else "" end)' <<<"$repo_json")
owner_type=$(jq -r '.owner.type // ""' <<<"$repo_json")
case $visibility in public | private | internal) ;; *) die 1 "GitHub named no visibility for $github_repo" ;; esac
case $owner_type in User | Organization) ;; *) die 1 "GitHub named no owner type for $github_repo" ;; esac
log "$github_repo: $visibility, owned by a$([ "$owner_type" = Organization ] && echo "n organisation" || echo " user")"

notices=()

if [ -n "$arm64_var" ]; then
  arm64=$arm64_var
  [ "$arm64" = true ] || notices+=("arm64 images are off (ARM64_IMAGES=false): images are built for amd64 only")
elif [ "$visibility" = public ]; then
  arm64=true
else
  arm64=false
  notices+=("arm64 images are off: GitHub's arm64 runners (ubuntu-24.04-arm) aren't offered to $visibility repositories; set the repository variable ARM64_IMAGES=true if yours has them")
fi

if [ "$attest_var" = true ] && [ "$visibility" != public ] && [ "$owner_type" = User ]; then
  die 2 "ATTEST=true, but GitHub offers artifact attestations to user-owned private repositories on no plan; unset ATTEST (or make the repository public)"
fi
if [ -n "$attest_var" ]; then
  attest=$attest_var
  [ "$attest" = true ] || notices+=("build provenance is not attested (ATTEST=false)")
elif [ "$visibility" = public ]; then
  attest=true
else
  attest=false
  notices+=("build provenance is not attested: artifact attestations in $visibility repositories need GitHub Enterprise Cloud; set the repository variable ATTEST=true if your organisation has it")
fi

[ -n "$cachix" ] || log "no Cachix cache (CACHIX_CACHE is unset): the Nix store is kept in the GitHub Actions cache"

jq -nc \
  --arg visibility "$visibility" --arg owner_type "$owner_type" --argjson arm64 "$arm64" \
  --argjson attest "$attest" --arg cachix "$cachix" \
  --args '
  [{arch: "amd64", runner: "ubuntu-24.04", system: "x86_64-linux"}]
    + (if $arm64 then [{arch: "arm64", runner: "ubuntu-24.04-arm", system: "aarch64-linux"}] else [] end)
  | {visibility: $visibility, owner_type: $owner_type, arches: map(.arch), platforms: .,
     attest: $attest, cachix: $cachix, notices: $ARGS.positional}' ${notices[@]+"${notices[@]}"}
