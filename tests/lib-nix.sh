# shellcheck shell=bash
# The flake as Nix sees it, evaluated offline against the stand-in inputs in tests/nix/stub (nixpkgs and
# devenv functions with the real argument sets): shared by tests/nix and tests/adopt. Source it; needs nix,
# git and jq, and NIX_CONFIG with the nix-command and flakes features.
#
#   copy_flake SRC DEST         SRC's tracked and untracked-but-not-ignored files, committed in a fresh git
#                               repository at DEST (flakes ignore untracked files; SRC's index is untouched)
#   eval_stub FLAKE OUTPUT [NIX ARGS]
#                               OUTPUT (packages, devShells, formatter, checks) of FLAKE as JSON, through
#                               tests/nix/summary.nix, against the stand-ins

LIB_NIX_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/nix" && pwd)

copy_flake() {
  local src=$1 dest=$2 f
  mkdir -p "$dest"
  while IFS= read -r -d '' f; do
    [ -e "$src/$f" ] || [ -L "$src/$f" ] || continue # deleted in the work tree
    mkdir -p "$dest/$(dirname "$f")"
    cp -P "$src/$f" "$dest/$f"
  done < <(git -C "$src" ls-files -z --cached --others --exclude-standard)
  git -C "$dest" init -q &&
    git -C "$dest" add -A &&
    git -C "$dest" -c user.name=test -c user.email=test@localhost commit -qm tree
}

# Impure like `nix develop --impure` and `nix flake check --impure`: devenv reads $PWD.
eval_stub() {
  nix --offline eval --no-write-lock-file --impure "${@:3}" \
    --override-input nixpkgs "path:$LIB_NIX_TESTS/stub/nixpkgs" --override-input devenv "path:$LIB_NIX_TESTS/stub/devenv" \
    --json "$1#$2" --apply "($(cat "$LIB_NIX_TESTS/summary.nix")).$2"
}
