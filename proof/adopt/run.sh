#!/usr/bin/env bash
# proof/adopt/run.sh: adopting the template and growing it, each in one command.
#
#  1. no code, config or workflow lists an app by name or spells the project's name (scripts/, nix/, .github/);
#  2. `nix flake init -t`'s template: templates.default evaluates (path, welcomeText naming the next commands);
#  3. `pnpm rename` refuses bad names, bad owners and a dirty tree, changing nothing (a bare clone);
#  4. `pnpm turbo gen app` (through @turbo/gen's own bin, offline: `pnpm exec gen run app`) writes an app of each
#     kind into ONE temp clone of the committed tree; the runtime-field check accepts them; the flake (against
#     proof/nix's stand-ins) has <app>, image-<app> and dev-<app>; the build command of its derivation produces
#     its entry; push-image.sh pushes it to a real local registry; `turbo ls --affected` lists it for a change;
#  5. adding a field to the sample entity as docs/apps.md says (the table, db:generate, the form, the list), in
#     the same clone: only those files change by hand, and the built API stores the field;
#     Then the sample entity replaced by another (tasks), in every file that names it, with new migrations;
#  6. `pnpm rename acme-shop --owner acme` there: no spelling of the old name is left, proof/ and .ci/ are gone
#     and nothing names them, the flake follows, and the clone's own `pnpm verify` (now
#     turbo's lint, typecheck, build, test and test:e2e) passes with the generated apps, the field and the tasks.
#
# Needs git, jq, pnpm, node (.nvmrc), nix (Debian's nix-bin), docker-registry and skopeo; with REQUIRE_EVERY_SUITE=1
# a missing one fails the suite.
# `A && B || { …; return 1; }` is the intended shape.
# shellcheck disable=SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export T_SUITE="proof/adopt"
# shellcheck source=../lib.sh
source "$repo/proof/lib.sh"

# ---- 1. no app names in code ----------------------------------------------------------------------------
# Comment lines are prose (they may give an example); everything else must find the apps, not name them.
# Allowed: GitHub's REST API (`gh api`, api.github.com, GITHUB_API_URL).
hardcoded_names() {
  local hits
  hits=$(cd "$repo" && git ls-files -- scripts nix .github | while IFS= read -r f; do
    grep -nHE '\b(web|api)\b' "$f" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(#|//)' |
      grep -vE 'gh api |api\.github\.com|github_api_url|GITHUB_API_URL' || true
  done)
  [ -z "$hits" ] || {
    echo "app names in code (find the apps instead: nix/apps.nix reads their runtime fields):"
    echo "$hits"
    return 1
  }
}
t "no app name (web, api) in the code of scripts/, nix/ or .github/" hardcoded_names

no_project_name() { # the project's name comes from the root package.json only
  local hits
  hits=$(cd "$repo" && git ls-files -- scripts nix .github | while IFS= read -r f; do
    grep -nHiE 'nix[-_]?sample' "$f" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' || true
  done)
  [ -z "$hits" ] || {
    echo "the project name spelt out in code (read the root package.json's name):"
    echo "$hits"
    return 1
  }
}
t "no project name spelt out in the code of scripts/, nix/ or .github/" no_project_name

gen_pinned_with_turbo() { # `turbo gen` runs @turbo/gen at turbo's own version: the two must be one release
  local turbo gen
  turbo=$(sed -n 's/^  turbo: //p' "$repo/pnpm-workspace.yaml")
  gen=$(sed -n 's/^  "@turbo\/gen": //p' "$repo/pnpm-workspace.yaml")
  [ -n "$turbo" ] && [ "$turbo" = "$gen" ] || { echo "catalog: turbo $turbo, @turbo/gen $gen"; return 1; }
}
t "the catalog pins turbo and @turbo/gen to the same version (turbo gen fetches @turbo/gen@<turbo's version>)" gen_pinned_with_turbo

TMPDIR_ADOPT=$(mktemp -d "${TMPDIR:-/tmp}/nix-sample-adopt.XXXXXX")
trap 'rm -rf "$TMPDIR_ADOPT"' EXIT

# ---- 2. the flake template (Debian's Nix evaluates flake.nix's outputs function with stand-in inputs) ---------
if command -v nix-instantiate >/dev/null; then
  template() {
    local out
    out=$(nix-instantiate --eval --strict --json -E "
      let flake = import $repo/flake.nix;
          outputs = flake.outputs { self = outputs; nixpkgs = { lib.genAttrs = n: f: {}; legacyPackages = {}; }; devenv = {}; };
      in { path = toString outputs.templates.default.path; inherit (outputs.templates.default) description welcomeText; }" 2>"$TMPDIR_ADOPT/template.err") ||
      { cat "$TMPDIR_ADOPT/template.err"; return 1; }
    jq -e --arg root "$repo" '.path == $root and (.description | length > 0)
      and (.welcomeText | test("pnpm install && pnpm dev")) and (.welcomeText | test("pnpm rename <name> --owner <"))' <<<"$out" >/dev/null ||
      { echo "$out"; return 1; }
  }
  t "templates.default: the repository itself, welcomeText names the next commands" template
else
  t_unavailable "flake template: needs nix-instantiate"
fi

# ---- 3. pnpm rename refuses bad input, changing nothing (a clone without node_modules: node and git only) ---
R=$TMPDIR_ADOPT/rename-refusals
refused() { # refused CODE PATTERN ARGS...: exit CODE, PATTERN on stderr, nothing on stdout, tree untouched
  local code=$1 pattern=$2 rc=0
  shift 2
  (cd "$R" && node scripts/rename.mjs "$@") >"$TMPDIR_ADOPT/rename.out" 2>"$TMPDIR_ADOPT/rename.err" || rc=$?
  [ "$rc" = "$code" ] || { echo "exit $rc, not $code:"; cat "$TMPDIR_ADOPT/rename.err"; return 1; }
  grep -qE -- "$pattern" "$TMPDIR_ADOPT/rename.err" || { echo "stderr lacks /$pattern/:"; cat "$TMPDIR_ADOPT/rename.err"; return 1; }
  [ ! -s "$TMPDIR_ADOPT/rename.out" ] || { echo "stdout:"; cat "$TMPDIR_ADOPT/rename.out"; return 1; }
  [ -z "$(git -C "$R" status --porcelain --untracked-files=no)" ] || { git -C "$R" status --short; return 1; }
}
if command -v node >/dev/null && git clone -q "$repo" "$R"; then
  long=$(printf 'a%.0s' {1..215})
  for bad in Acme "a b" -x x- x--y .x _x .. "a/b" "$long" ""; do
    t "pnpm rename '${bad:0:20}' is refused (exit 2), nothing changed" refused 2 "is not a project name|usage" "$bad"
  done
  for bad in -acme acme- "ac--me" "ac_me" "$(printf 'o%.0s' {1..40})"; do
    t "pnpm rename shop --owner '$bad' is refused (exit 2), nothing changed" refused 2 "is not a GitHub owner|owner" shop --owner="$bad"
  done
  t "pnpm rename with two names is refused (exit 2)" refused 2 usage a b
  dirty_refused() {
    echo "# mine" >>"$R/README.md"
    local rc=0
    (cd "$R" && node scripts/rename.mjs acme-shop) >/dev/null 2>"$TMPDIR_ADOPT/rename.err" || rc=$?
    [ "$rc" = 3 ] && grep -q "uncommitted changes" "$TMPDIR_ADOPT/rename.err" || { echo "exit $rc:"; cat "$TMPDIR_ADOPT/rename.err"; return 1; }
    [ "$(git -C "$R" diff --name-only)" = README.md ] && [ "$(jq -r .name "$R/package.json")" = "$(jq -r .name "$repo/package.json")" ] ||
      { git -C "$R" status --short; return 1; }
    git -C "$R" checkout -q README.md
  }
  t "pnpm rename refuses a work tree with uncommitted changes (exit 3), touching nothing" dirty_refused
else
  t_unavailable "pnpm rename refusals: need node and git"
fi

# ---- 4. generated apps in one temp clone -------------------------------------------------------------------
missing=()
for tool in git jq pnpm node nix docker-registry skopeo curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  t_unavailable "generated apps: need ${missing[*]}"
  t_summary
  exit
fi
# shellcheck source=../lib-nix.sh
source "$repo/proof/lib-nix.sh"
# shellcheck source=../lib-registry.sh
source "$repo/proof/lib-registry.sh"
export NIX_CONFIG=$'experimental-features = nix-command flakes\nwarn-dirty = false'
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 TURBO_NO_UPDATE_NOTIFIER=1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nix-sample-adopt-tests.XXXXXX")
cleanup() {
  stop_local_registries
  rm -rf "$WORK" "$TMPDIR_ADOPT"
}
trap cleanup EXIT
C=$WORK/clone
gitc() { git -C "$C" -c user.name=test -c user.email=test@localhost "$@"; }

# The committed tree (what `nix flake init -t` or a clone gets), installed from the local pnpm store.
clone() {
  git clone -q "$repo" "$C" &&
    (cd "$C" && pnpm install --prefer-offline --frozen-lockfile >"$WORK/install.log" 2>&1) || { tail -n 20 "$WORK/install.log"; return 1; }
  ln -s "$repo/proof/node_modules" "$C/proof/node_modules" # proof's own dependencies, as installed here
}
t "a clone of the committed tree installs from the local store" clone

generate() { # generate NAME KIND
  (cd "$C" && pnpm exec gen run app --args "$1" "$2") >"$WORK/gen-$1.log" 2>&1 || { tail -n 20 "$WORK/gen-$1.log"; return 1; }
  [ -f "$C/apps/$1/package.json" ] && jq -e --arg k "$2" '.runtime.kind == $k' "$C/apps/$1/package.json" >/dev/null
}
t "pnpm turbo gen app --args shop node: a node app" generate shop node
t "pnpm turbo gen app --args admin next: a next app" generate admin next
refuses() {
  local rc=0
  (cd "$C" && pnpm exec gen run app --args Bad-Name node) >"$WORK/gen-bad.log" 2>&1 || rc=$?
  [ ! -e "$C/apps/Bad-Name" ] || { echo "apps/Bad-Name was written"; return 1; }
  [ "$rc" -ne 0 ] || grep -qi "lowercase" "$WORK/gen-bad.log" || { cat "$WORK/gen-bad.log"; return 1; }
}
t "the generator refuses a name that is not an app name, writing nothing" refuses
t "generated: one port each, above the others'" jq -e -s 'map(.runtime.port) | . == [3002, 3003]' \
  "$C/apps/shop/package.json" "$C/apps/admin/package.json"

t "generated files are formatted (prettier --check)" bash -c "cd '$C' && pnpm exec prettier --check apps/shop apps/admin >/dev/null"
runtime_fields() { # proof/support's runtime-field check, on the clone's apps
  (cd "$C" && proof/node_modules/.bin/vitest run --config proof/support/vitest.config.ts test/runtime.test.ts) >"$WORK/runtime.log" 2>&1 ||
    { tail -n 30 "$WORK/runtime.log"; return 1; }
  grep -E 'Tests ' "$WORK/runtime.log" || true
}
t "their runtime fields pass the runtime-field check" runtime_fields

# The flake sees what git sees: commit, as a user would before `nix build`.
commit_apps() { gitc add -A && gitc commit -qm "add shop and admin"; }
t "commit the generated apps" commit_apps
flake_outputs() {
  eval_stub "$C" packages >"$WORK/packages.json" 2>"$WORK/packages.err" || { tail -n 20 "$WORK/packages.err"; return 1; }
  eval_stub "$C" devShells >"$WORK/shells.json" 2>"$WORK/shells.err" || { tail -n 20 "$WORK/shells.err"; return 1; }
  jq -e '[.["x86_64-linux"], .["aarch64-linux"]] | all(has("shop") and has("admin") and has("image-shop") and has("image-admin"))' "$WORK/packages.json" >/dev/null &&
    jq -e 'all(.[]; has("dev-shop") and has("dev-admin"))' "$WORK/shells.json" >/dev/null &&
    jq -e '.["x86_64-linux"] | .["image-shop"].imageName == "nix-sample-shop" and .["image-admin"].imageName == "nix-sample-admin"
      and .["image-admin"].config.ExposedPorts == {"3003/tcp": {}}
      and (.default.entries | map(.name) | index("nix-sample-shop.tar.gz") != null)' "$WORK/packages.json" >/dev/null
}
t "flake: shop, admin, image-shop, image-admin, dev-shop, dev-admin defined; default links their archives" flake_outputs

derivation_builds() { # the build and install phases Nix runs, here in the installed clone: the entry appears
  local app out
  for app in shop admin; do
    out=$WORK/out-$app
    (cd "$C" && export out && eval "$(jq -r --arg a "$app" '.["x86_64-linux"][$a] | .buildPhase, .installPhase, .installCheckPhase' "$WORK/packages.json")") \
      >"$WORK/drv-$app.log" 2>&1 || { tail -n 20 "$WORK/drv-$app.log"; return 1; }
    [ -f "$out/$(jq -r --arg a "$app" '.["x86_64-linux"][$a].entry' "$WORK/packages.json")" ] || { echo "$app: no entry in $out"; return 1; }
  done
}
runHook() { :; }
export -f runHook
t "their derivations' build commands produce each runtime tree with its entry" derivation_builds

# Started here, not inside a case: `t` runs cases in a subshell, and the cleanup must know the registry.
REGISTRY_PORT=
start_local_registry REGISTRY_PORT "$WORK/registry" open
push() {
  local digest port=$REGISTRY_PORT
  bash "$repo/proof/shipping/make-fixture-archive.sh" "$WORK/shop.tar" plain nix-sample-shop:latest "shop" >/dev/null || return 1
  digest=$(cd "$C" && REGISTRY=127.0.0.1:$port/acme REGISTRY_TLS_VERIFY=false IMAGE_ARCHIVE=$WORK/shop.tar \
    bash scripts/push-image.sh shop 2>"$WORK/push.err") || { cat "$WORK/push.err"; return 1; }
  [ "$(skopeo inspect --tls-verify=false "docker://127.0.0.1:$port/acme/nix-sample-shop:latest" | jq -r .Digest)" = "$digest" ]
}
t "scripts/push-image.sh shop pushes it to a real registry as nix-sample-shop" push

affected() { # what CI builds for a change: turbo's affected packages from the merge base
  local base got
  base=$(git -C "$C" rev-parse HEAD)
  echo "// edited" >>"$C/apps/shop/src/app.ts"
  gitc commit -qam "edit shop"
  got=$(cd "$C" && TURBO_SCM_BASE=$base pnpm turbo ls --affected --output=json 2>/dev/null | jq -c '[.packages.items[].name]')
  [ "$got" = '["shop"]' ] || { echo "affected: $got"; return 1; }
  got=$(nix-instantiate --eval --strict --json "$C/nix/apps.nix" | jq -c '.apps | keys')
  [ "$got" = '["admin","api","shop","web"]' ] || { echo "nix/apps.nix: $got"; return 1; }
}
t "turbo ls --affected lists shop for a change inside it; nix/apps.nix finds all four apps" affected

# ---- 5. adding a field to the sample entity: docs/apps.md's recipe, in the same clone ---------------------
# insert FILE BEFORE|AFTER ANCHOR TEXT: TEXT before the line holding the first ANCHOR, or after that line.
insert() {
  # shellcheck disable=SC2016 # JavaScript, expanded by node
  node -e '
    const fs = require("node:fs");
    const [file, where, anchor, text] = process.argv.slice(1);
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const i = lines.findIndex((line) => line.includes(anchor));
    if (i < 0) { console.error(`${file}: no line with ${JSON.stringify(anchor)}`); process.exit(1); }
    lines.splice(where === "before" ? i : i + 1, 0, text);
    fs.writeFileSync(file, lines.join("\n"));
  ' "$C/$1" "$2" "$3" "$4"
}
# The entity's table is the one in packages/db/src/schema.ts with a `text` column; its name comes from there.
entity=$(sed -n 's/^export const \([a-z]*\) = pgTable(.*/\1/p' "$repo/packages/db/src/schema.ts" | head -n 1)
item=${entity%s}
hand_edited="apps/web/src/app/forms.tsx packages/db/src/schema.ts "
# shellcheck disable=SC2016 # JavaScript, expanded by node
add_title() {
  insert packages/db/src/schema.ts after 'text: text("text")' '  title: text("title").notNull().default(""),' &&
    insert apps/web/src/app/forms.tsx before 'name="text"' '        name="title" aria-label="Title" placeholder="Title" /><input' &&
    node -e '
      const fs = require("node:fs");
      const [file, item] = process.argv.slice(1);
      const text = fs.readFileSync(file, "utf8");
      const from = `{${item}.text}`;
      if (!text.includes(from)) { console.error(`${file}: no ${from}`); process.exit(1); }
      fs.writeFileSync(file, text.replace(from, `{${item}.title && <strong>{${item}.title}: </strong>}${from}`));
    ' "$C/apps/web/src/app/forms.tsx" "$item" || return 1
  (cd "$C" && pnpm --filter @repo/db db:generate && pnpm exec prettier --write packages/db apps/web/src) >"$WORK/generate.log" 2>&1 ||
    { tail -n 20 "$WORK/generate.log"; return 1; }
  grep -lq 'ADD COLUMN "title" text DEFAULT '"''"' NOT NULL' "$C"/packages/db/migrations/0001_*.sql ||
    { cat "$C"/packages/db/migrations/0001_*.sql; return 1; }
  local changed
  changed=$(gitc status --porcelain | awk '{ print $2 }' | grep -v '^packages/db/migrations/' | sort | tr '\n' ' ')
  [ "$changed" = "$hand_edited" ] || { echo "hand-edited files: $changed (want $hand_edited)"; return 1; }
}
t "adding a title to $entity: the table, pnpm --filter @repo/db db:generate, the form and the list (2 hand-edited files)" add_title
title_stored() { # the built API, on its own new database: a row with a title, sent whole, comes back whole
  (cd "$C" && pnpm turbo run build --filter=api) >"$WORK/title-build.log" 2>&1 || { tail -n 30 "$WORK/title-build.log"; return 1; }
  # shellcheck disable=SC2016 # JavaScript, expanded by node
  (cd "$C" && ENTITY=$entity ITEM=$item node --input-type=module -e '
    import { startApi } from "./proof/support/index.mjs";
    const { ENTITY: entity, ITEM: item } = process.env;
    const api = await startApi();
    try {
      const post = (body) => fetch(`${api.url}/${entity}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      for (const body of [{ text: "buy milk", title: "shopping" }, { text: "no title" }]) {
        const res = await post(body);
        const stored = (await res.json())[item];
        if (res.status !== 201 || stored?.title !== (body.title ?? "")) throw new Error(`POST ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(stored)}`);
      }
      const listed = (await (await fetch(`${api.url}/${entity}`)).json())[entity];
      if (!listed.some((row) => row.title === "shopping")) throw new Error(`GET: ${JSON.stringify(listed)}`);
      const bad = await post({ text: "x", title: 5 });
      if (bad.status !== 400) throw new Error(`a numeric title: ${bad.status}`);
    } finally {
      await api.stop();
    }
  ') 2>&1
}
t "with the title: the built API stores it (the column default when left out), lists it, refuses a number" title_stored
commit_title() { gitc add -A && gitc commit -qm "a title"; }
t "commit the title" commit_title

# ---- 5b. replacing the sample entity with another (docs/apps.md): here a rename of every spelling, files too ---
# shellcheck disable=SC2016 # JavaScript, expanded by node
replace_entity() { # $item -> task in every file that names it, new migrations; nothing else names the sample
  local file
  while IFS= read -r file; do
    node -e '
      const fs = require("node:fs");
      const [file, item] = process.argv.slice(1);
      const cap = (w) => w[0].toUpperCase() + w.slice(1);
      const text = fs.readFileSync(file, "utf8")
        .replace(new RegExp(`(?<![a-z])${item}`, "g"), "task")
        .replace(new RegExp(`(?<![A-Z])${cap(item)}`, "g"), "Task")
        .replace(new RegExp(item.toUpperCase(), "g"), "TASK");
      fs.writeFileSync(file, text);
    ' "$C/$file" "$item" || return 1
    case "$file" in *"$item"*) gitc mv "$file" "${file//$item/task}" ;; esac
  done < <(gitc grep -il "$item" -- ':!packages/db/migrations')
  rm -rf "$C/packages/db/migrations"
  (cd "$C" && pnpm --filter @repo/db db:generate && pnpm exec prettier --write packages/db/migrations) >"$WORK/replace.log" 2>&1 ||
    { tail -n 20 "$WORK/replace.log"; return 1; }
  grep -lq 'CREATE TABLE "tasks"' "$C"/packages/db/migrations/0000_*.sql || { ls "$C/packages/db/migrations"; return 1; }
  local left
  left=$(gitc grep -inE "(^|[^a-z])$item" -- . || true)
  [ -z "$left" ] || { echo "still naming the sample: $left" | head -n 20; return 1; }
  gitc add -A && gitc commit -qm "tasks replace the sample"
}
t "replacing the sample entity ($entity) by tasks: every file that names it, new migrations, nothing left" replace_entity

# ---- 6. pnpm rename in the same clone (generated apps and the field included), then its own pnpm verify ----
old_name=$(jq -r .name "$repo/package.json")
rename() {
  local out
  out=$(cd "$C" && pnpm --silent rename acme-shop --owner acme 2>"$WORK/rename.err") || { cat "$WORK/rename.err"; return 1; }
  [ "$out" = acme-shop ] || { echo "stdout: $out"; return 1; }
  gitc add -A && gitc commit -qm "rename to acme-shop"
  grep -qE 'files? changed' "$WORK/rename.err" || { cat "$WORK/rename.err"; return 1; }
}
t "pnpm rename acme-shop --owner acme: the new name alone on stdout, what changed on stderr" rename
no_old_name() { # every spelling of the old name: kebab, snake, SCREAMING, Pascal, camel, compact
  local hits
  hits=$(git -C "$C" grep -nIiE "${old_name//[-._]/[-_.]?}" || true)
  [ -z "$hits" ] || { echo "$hits" | head -n 20; return 1; }
}
t "no spelling of '$old_name' left in the tracked files" no_old_name
rename_gone() { # it ran once: the script, proof/, .ci/, the scripts and lines about them are gone
  local hits
  [ ! -e "$C/scripts/rename.mjs" ] && [ -z "$(git -C "$C" ls-files proof .ci)" ] || { echo "rename.mjs, proof/ or .ci/ is still there"; return 1; }
  jq -e '.scripts | (has("rename") or has("bench") | not) and .verify == "turbo run lint typecheck build test test:e2e"' "$C/package.json" >/dev/null ||
    { jq .scripts "$C/package.json"; return 1; }
  hits=$(git -C "$C" grep -nIE '(^|[^[:alnum:]_.-])(proof|\.ci)/|rename:(line|begin|end)|pnpm rename|rename\.mjs' || true)
  [ -z "$hits" ] || { echo "$hits" | head -n 20; return 1; }
}
t "pnpm rename removed itself, proof/ and .ci/; nothing names them; verify is turbo's steps, bench is gone" rename_gone
renamed_flake() {
  eval_stub "$C" packages >"$WORK/renamed.json" 2>"$WORK/renamed.err" || { tail -n 20 "$WORK/renamed.err"; return 1; }
  jq -e '.["x86_64-linux"] | .["image-web"].imageName == "acme-shop-web" and .["image-shop"].imageName == "acme-shop-shop"
    and .["image-web"].config.Labels["org.opencontainers.image.source"] == "https://github.com/acme/acme-shop"' "$WORK/renamed.json" >/dev/null ||
    { jq -c '.["x86_64-linux"]["image-web"] | {imageName, labels: .config.Labels}' "$WORK/renamed.json"; return 1; }
}
t "renamed flake: image-web is acme-shop-web, labelled https://github.com/acme/acme-shop" renamed_flake
t "renamed: nix/apps.nix names the web image acme-shop-web" bash -c \
  "[ \"\$(nix-instantiate --eval --strict --json '$C/nix/apps.nix' | jq -r .apps.web.imageName)\" = acme-shop-web ]"
renamed_verify() { # the clone's own pnpm verify: turbo's steps over every package, the generated apps too
  (cd "$C" && pnpm install --offline --frozen-lockfile && pnpm verify) >"$WORK/verify.log" 2>&1 ||
    { grep -E 'error|Error|FAIL|failed|×' "$WORK/verify.log" | head -n 40; return 1; }
  grep -E 'Tasks: ' "$WORK/verify.log" || true
}
t "renamed: pnpm install --frozen-lockfile, then the clone's pnpm verify (lint, typecheck, build, test, test:e2e) passes" renamed_verify

t_summary
