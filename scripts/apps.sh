#!/usr/bin/env bash
# Print the apps as JSON, found as nix/apps.nix finds them (apps/*/package.json with a `runtime` field):
#
#   scripts/apps.sh          [{"name": "web", "image": "<project>-web", "kind", "port", "ready", "needs"}, …]
#   scripts/apps.sh <app>    that one object
#
# CI reads an app's image name and the apps it needs at run time (runtime.needs) here. stdout: the JSON;
# errors on stderr. Exit 2: an unknown app or bad usage.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/apps.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apps.sh"

die() {
  printf 'apps: error: %s\n' "$*" >&2
  exit 2
}
[ $# -le 1 ] || die "usage: apps.sh [<app>]"
project_name >/dev/null || die "the root package.json has no name"
if [ $# -eq 1 ]; then
  app_json "$1" || die "unknown app '$1' (known apps: $(app_names | tr '\n' ' ' | sed 's/ $//'))"
  exit 0
fi
while IFS= read -r app; do app_json "$app"; done < <(app_names) | jq -sc .
