#!/usr/bin/env bash
# Point an app's `main` tag at the image (or multi-arch index) tagged with a commit, but only while that commit
# is still main's tip. CI runs on main are never cancelled, so an older run can finish after a newer one: without
# this check it would move `main` back to an older image.
#
#   REGISTRY=ghcr.io/<owner>/<repo> SHA=<commit> GITHUB_REPOSITORY=<owner>/<repo> [GITHUB_TOKEN=...] \
#     [REGISTRY_USER=name REGISTRY_PASSWORD=secret] [REGISTRY_TLS_VERIFY=false] \
#     scripts/move-main-tag.sh <app>
#
# Copies $REGISTRY/<project>-<app>:<SHA> to :main with `skopeo copy --all --preserve-digests`, so `main`
# resolves to the very digest CI pushed and attested. stdout: that digest when the tag moved, nothing when main
# has moved on (not an error: the newer run tags it). The tip is read from GitHub right before the copy; a push
# landing in the seconds between is the one race left, and that newer commit's own run tags `main` after it.
#
# Exit codes: 2 usage, 4 login refused, 5 registry error, 6 GitHub did not say where main is.
set -euo pipefail

prog=move-main-tag
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
# shellcheck source-path=SCRIPTDIR source=lib/github.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/github.sh"

[ $# -eq 1 ] || die 2 "usage: move-main-tag.sh <app>"
image_of "$1"
sha=${SHA-}
[[ $sha =~ ^[0-9a-f]{40}$ ]] || die 2 "SHA must be a full commit SHA, not '$sha'"
destination=${REGISTRY-}
destination=${destination#docker://}
destination=${destination%/}
[ -n "$destination" ] || die 2 "REGISTRY is not set (e.g. REGISTRY=ghcr.io/<owner>/<repo>)"
registry_host=${destination%%/*}
image=$destination/$image

tip=$(github_branch_tip main) || die 6 "cannot read where main is now; leaving $image:main alone"
if [ "$tip" != "$sha" ]; then
  log "main is at $tip now, not $sha: $image:main stays (the newer commit's run moves it)"
  exit 0
fi

login "$registry_host"
src_tls=()
if [ ${#tls_opts[@]} -gt 0 ]; then src_tls=(--src-tls-verify=false); fi

digest_of() { # REF: sha256 of the manifest the registry serves for REF
  skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$1" >"$scratch/manifest" 2>"$scratch/err" ||
    die 5 "cannot read $1: $(explain "$registry_host" "$scratch/err")"
  skopeo manifest-digest "$scratch/manifest"
}

want=$(digest_of "$image:$sha")
log "moving $image:main to $want ($sha)"
skopeo copy --quiet --all --preserve-digests "${src_tls[@]}" "${copy_tls_opts[@]}" "${auth_opts[@]}" \
  "docker://$image:$sha" "docker://$image:main" >&2 2>"$scratch/copy.err" ||
  die 5 "copy to $image:main failed: $(explain "$registry_host" "$scratch/copy.err")"
got=$(digest_of "$image:main")
[ "$got" = "$want" ] || die 5 "$image:main resolves to $got after the copy, not $want"
printf '%s\n' "$got"
