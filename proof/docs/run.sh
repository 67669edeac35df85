#!/usr/bin/env bash
# proof/docs/run.sh: every shell command the docs show exists. ./commands.mjs reads the ```bash/sh/shell/console
# blocks of every Markdown file and reports, as file:line, a pnpm script, turbo task or verify
# step nobody defines, a repository path that isn't there, an unknown command, and (with Nix: the flake copy
# evaluated against the stand-ins of proof/nix, through proof/lib-nix.sh) a `nix build`/`develop` attribute the
# flake doesn't define. First the checker is shown a doc full of wrong commands and must name each one.
# ./paths.mjs adds two promises: every repository path a doc or a code comment names exists, and every
# `docker run`/`podman run` of the API image in the docs passes DATABASE_URL (the image exits 1 without it);
# it too is shown wrong examples first.
# Needs node (.nvmrc) and git; the attribute part also nix (Debian's nix-bin is enough).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export T_SUITE="proof/docs"
# shellcheck source=../lib.sh disable=SC1091
source "$repo/proof/lib.sh"

require_tool node git jq
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nix-sample-docs-tests.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
check() { node "$here/commands.mjs" "$@"; }

# A doc with one wrong command of each kind, inside the repository so its paths resolve from the root.
bogus="proof/docs/.bogus-$$.md"
trap 'rm -rf "$WORK" "${repo:?}/$bogus"' EXIT
cat >"$repo/$bogus" <<'DOC'
# Wrong on purpose

```bash
pnpm no-such-script
pnpm --filter web run no-such-app-script
pnpm turbo no-such-task --filter="...[HEAD^1]"
pnpm verify test no-such-step
scripts/no-such-script.sh web
bash proof/no-such-suite/run.sh
no-such-tool --help
nix build .#no-such-image
nix develop --impure .#no-such-shell
```

```console
$ cd apps/web
$ pnpm no-such-web-script
this line is output, not a command: pnpm not-checked
```

```bash
pnpm install && pnpm build   # fine: a builtin and a root script
nix build .#image-web && scripts/push-image.sh web
cd apps/api && pnpm dev      # from here on, paths and scripts are apps/api's
pnpm start && ../../scripts/print-digest.sh ghcr.io/o/r/nix-sample-api:main
```
DOC
self_test_static() {
  local out rc=0
  out=$(check static --files "$bogus") || rc=$?
  [ "$rc" -eq 1 ] || { echo "exit $rc, expected 1: $out"; return 1; }
  local want
  for want in ":4: pnpm no-such-script: no such script in the root package.json" \
    ":5: pnpm no-such-app-script: no such script in web" \
    ":6: turbo no-such-task: no turbo.json defines that task" \
    ":7: pnpm verify no-such-step: no such step" \
    ":8: no such file: scripts/no-such-script.sh" \
    ":9: no such file: proof/no-such-suite/run.sh" \
    ":10: no-such-tool: not a repository command or an allowed external tool" \
    ":17: pnpm no-such-web-script: no such script in web"; do
    grep -qF -- "$bogus$want" <<<"$out" || { echo "missing '$bogus$want' in:"; echo "$out"; return 1; }
  done
  [ "$(grep -c "^$bogus:" <<<"$out")" -eq 8 ] || { echo "expected exactly 8 problems:"; echo "$out"; return 1; }
}
t "a doc with wrong commands: each is reported as file:line and what is missing (and nothing else)" self_test_static
t "the docs (every Markdown file): every pnpm script, turbo task, verify step, repository path and tool exists" check static

# Wrong paths and an API run without its database, in a doc and in a script's comments.
bogus_paths="proof/docs/.bogus-paths-$$.md"
bogus_script="proof/docs/.bogus-paths-$$.sh"
trap 'rm -rf "$WORK" "${repo:?}/$bogus" "${repo:?}/$bogus_paths" "${repo:?}/$bogus_script"' EXIT
project=$(jq -r .name "$repo/package.json")
cat >"$repo/$bogus_paths" <<DOC
# Wrong on purpose

The API lives in apps/api/src/no-such-file.ts, and its build in \`apps/api/dist/\` (ignored: fine). See
[nix](../../docs/nix.md) and [nowhere](./no-such-neighbour.md); \`apps/<app>/package.json\` is a placeholder.

\`\`\`bash
docker run --rm -p 3001:3001 $project-api:latest
podman run --rm -e DATABASE_URL $project-api:latest
DATABASE_URL=postgres://db/app docker run --rm ghcr.io/o/r/$project-api@sha256:abc
docker run --rm --env=DATABASE_URL=postgres://db/app $project-api:latest && docker run --rm $project-web:latest
\`\`\`
DOC
# (printf, so that this file's own comments name no missing path)
printf '%s\n' '#!/usr/bin/env bash' '# reads nix/no-such-settings.nix, then scripts/update-pnpm-hash.sh' \
  'echo "nix/not-a-comment.nix is a string, not a comment"' >"$repo/$bogus_script"
paths() { node "$here/paths.mjs" "$@"; }
self_test_paths() {
  local out rc=0 want
  out=$(paths paths --files "$bogus_paths" "$bogus_script") || rc=$?
  [ "$rc" -eq 1 ] || { echo "exit $rc, expected 1: $out"; return 1; }
  for want in "$bogus_paths:3: no such file or directory: apps/api/src/no-such-file.ts" \
    "$bogus_paths:4: no such file or directory: ./no-such-neighbour.md" \
    "$bogus_script:2: no such file or directory: nix/no-such-settings.nix"; do
    grep -qF -- "$want" <<<"$out" || { echo "missing '$want' in:"; echo "$out"; return 1; }
  done
  [ "$(grep -c ': no such file' <<<"$out")" -eq 3 ] || { echo "expected exactly 3 problems:"; echo "$out"; return 1; }
}
self_test_database() {
  local out rc=0
  out=$(paths database --files "$bogus_paths") || rc=$?
  [ "$rc" -eq 1 ] || { echo "exit $rc, expected 1: $out"; return 1; }
  if ! grep -qF "$bogus_paths:7: docker run of $project-api:latest without -e DATABASE_URL" <<<"$out" ||
    ! grep -qF "$bogus_paths:9: docker run of ghcr.io/o/r/$project-api@sha256:abc without -e DATABASE_URL" <<<"$out"; then
    echo "$out"
    return 1
  fi
  [ "$(grep -c 'without -e DATABASE_URL' <<<"$out")" -eq 2 ] || { echo "expected exactly 2 problems:"; echo "$out"; return 1; }
}
t "a doc and a script naming missing paths: each reported as file:line (placeholders, ignored outputs and strings are not)" self_test_paths
t "docker/podman runs of the API without -e DATABASE_URL are reported (a prefix assignment does not reach the container)" self_test_database
t "every repository path named in the docs (every Markdown file) and the code's comments exists" paths paths
t "every docker/podman run of the API image in the docs passes DATABASE_URL" paths database

if ! command -v nix >/dev/null 2>&1; then
  t_unavailable "nix build/develop attributes in the docs (needs nix)"
else
  # shellcheck source=../lib-nix.sh disable=SC1091
  source "$repo/proof/lib-nix.sh" # copy_flake, stub_eval
  t "the flake as committed (temp git copy)" copy_flake "$repo" "$WORK/flake"
  self_test_nix() {
    local out rc=0
    out=$(check nix "$WORK/flake" --files "$bogus") || rc=$?
    [ "$rc" -eq 1 ] || { echo "exit $rc, expected 1: $out"; return 1; }
    if ! grep -qF "$bogus:11: nix build .#no-such-image: the flake defines no packages.x86_64-linux.no-such-image" <<<"$out" ||
      ! grep -qF "$bogus:12: nix develop .#no-such-shell: the flake defines no devShells.x86_64-linux.no-such-shell" <<<"$out"; then
      echo "$out"
      return 1
    fi
    [ "$(grep -c "^$bogus:" <<<"$out")" -eq 2 ] || { echo "expected exactly 2 problems (.#image-web exists):"; echo "$out"; return 1; }
  }
  t "a doc with a bogus .#attribute: reported as file:line (evaluated against the stand-ins)" self_test_nix
  t "the docs: every nix build/develop .#attribute is defined by the flake" check nix "$WORK/flake"
fi
t_summary
