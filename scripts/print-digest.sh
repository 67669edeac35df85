#!/usr/bin/env bash
# Print the digest (sha256:…) a registry serves for an image tag: the sha256 of the manifest itself, which for
# a multi-arch index is the index's, not one platform's.
#
#   [REGISTRY_USER=… REGISTRY_PASSWORD=…] [REGISTRY_TLS_VERIFY=false] scripts/print-digest.sh <registry/name:tag>
#
# Exit codes: 2 usage, 4 login refused, 5 no manifest.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"

if [ $# -ne 1 ] || [ -z "$1" ]; then die 2 "usage: print-digest.sh <registry/name:tag>"; fi
ref=${1#docker://}
host=${ref%%/*}
[ "$host" != "$ref" ] || die 2 "'$1' names no registry (expected registry/name:tag)"
login "$host"
skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$ref" >"$scratch/manifest" 2>"$scratch/err" ||
  die 5 "cannot read the manifest of $ref: $(explain "$host" "$scratch/err")"
skopeo manifest-digest "$scratch/manifest"
