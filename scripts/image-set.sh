#!/usr/bin/env bash
# A deployed set, kept as the tag set-<commit> on each image so a rollback outlives CI's artifacts (a cleanup keeps
# every tag starting with set-: docs/deploy.md). `record <commit> <image-refs>` tags each <image>@sha256:… of the
# file; `resolve <commit>` prints the set of this checkout's apps in $REGISTRY. Credentials as for push-image.sh;
# exit codes: 2 usage, 4 login refused, 5 no such set or the tagging failed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"

[[ ${2-} =~ ^[0-9a-f]{40}$ && $1:$# =~ ^(record:3|resolve:2)$ ]] ||
  die 2 "usage: image-set.sh record <commit> <image-refs> | resolve <commit> (a full commit SHA)"
tag=set-$2 refs=()
if [ "$1" = record ]; then mapfile -t refs <"$3"; else
  for app in "${APPS[@]}"; do destination_of "$app" && refs+=("$repo:$tag"); done
fi
host=${refs[0]%%/*} && login "$host"
for ref in "${refs[@]}"; do
  if [ "$1" = resolve ]; then
    skopeo inspect --raw "${tls_opts[@]}" "${auth_opts[@]}" "docker://$ref" >"$scratch/manifest" 2>"$scratch/err" ||
      die 5 "no set recorded for $2 ($ref): $(explain "$host" "$scratch/err")"
    echo "${ref%:*}@$(skopeo manifest-digest "$scratch/manifest")"
  else # the same manifest (a multi-arch index stays one) under a second name
    skopeo copy -q --all --preserve-digests "${auth_opts[@]}" "${copy_tls_opts[@]}" "${copy_tls_opts[@]/--dest/--src}" \
      "docker://$ref" "docker://${ref%@*}:$tag" >/dev/null 2>"$scratch/err" || die 5 "cannot tag $ref $tag: $(explain "$host" "$scratch/err")"
    log "${ref%@*}:$tag is ${ref#*@}"
  fi
done
