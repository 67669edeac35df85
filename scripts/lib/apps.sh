# shellcheck shell=bash
# The apps, found the way nix/apps.nix finds them: every apps/<name>/package.json with a `runtime` field
# (its schema: packages/contracts/src/runtime.ts). Nothing else lists them. Source it; needs jq.
#
#   apps_root       the repository this file belongs to
#   project_name    the root package.json's `name`: images are <project>-<app>
#   app_names       the apps, one per line, sorted
#   app_json APP    {name, image, kind, port, ready, needs} of APP; status 1 when APP is not an app

apps_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

project_name() { jq -er '.name | select(type == "string" and . != "")' "$apps_root/package.json"; }

app_names() {
  local manifest
  for manifest in "$apps_root"/apps/*/package.json; do
    [ -f "$manifest" ] || continue
    if jq -e 'has("runtime")' "$manifest" >/dev/null; then basename "$(dirname "$manifest")"; fi
  done | LC_ALL=C sort
}

app_json() {
  local manifest=$apps_root/apps/$1/package.json
  [[ $1 =~ ^[a-z0-9][a-z0-9-]*$ ]] && [ -f "$manifest" ] && jq -e 'has("runtime")' "$manifest" >/dev/null || return 1
  jq -c --arg name "$1" --arg project "$(project_name)" \
    '{name: $name, image: "\($project)-\($name)"} + (.runtime | {kind, port, ready, needs: (.needs // [])})' "$manifest"
}
