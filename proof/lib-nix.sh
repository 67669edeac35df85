# shellcheck shell=bash
# The flake as Nix sees it, evaluated offline against the stand-in inputs in proof/nix/stub (nixpkgs and devenv
# functions with the real argument sets): shared by proof/nix (what the outputs hold), proof/adopt (generated
# apps appear) and proof/docs (which attributes the docs may name). Source it after proof/lib.sh; needs nix
# (Debian's nix-bin is enough), git and jq.
#
#   copy_flake SRC DEST               SRC's tracked and untracked-but-not-ignored files, committed in a fresh git
#                                     repository at DEST (flakes ignore untracked files; SRC's index is untouched)
#   stub_eval FLAKE ATTR APPLY [ARGS] `nix eval --json FLAKE#ATTR --apply APPLY` against the stand-ins
#   eval_stub FLAKE OUTPUT [ARGS]     OUTPUT (packages, devShells, formatter, checks) of FLAKE as JSON, through
#                                     proof/nix/summary.nix

LIB_NIX_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/nix" && pwd)
export NIX_CONFIG=$'experimental-features = nix-command flakes\nwarn-dirty = false'
# The flake's inputs replaced by the stand-ins: for any `nix eval`/`nix build` of a flake copy.
STUB_INPUTS=(--override-input nixpkgs "path:$LIB_NIX_TESTS/stub/nixpkgs" --override-input devenv "path:$LIB_NIX_TESTS/stub/devenv")

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

# Impure like `nix develop --impure` (devenv reads $PWD); only the devenv shells need it.
stub_eval() {
  nix --offline eval --no-write-lock-file --impure "${@:4}" "${STUB_INPUTS[@]}" --json "$1#$2" --apply "$3"
}

eval_stub() {
  stub_eval "$1" "$2" "($(cat "$LIB_NIX_TESTS/summary.nix")).$2" "${@:3}"
}
