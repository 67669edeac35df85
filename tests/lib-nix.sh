#!/usr/bin/env bash
# Evaluating the flake offline against the stand-in inputs in tests/nix/stub (nixpkgs and devenv functions with
# the real argument sets), shared by tests/nix (what the outputs hold) and tests/docs (which attributes the docs
# may name). Source it after tests/lib.sh; it needs nix (Debian's nix-bin is enough) and git.

NIX_STUB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/nix/stub" && pwd)
export NIX_CONFIG=$'experimental-features = nix-command flakes\nwarn-dirty = false'
# The flake's inputs replaced by the stand-ins: for any `nix eval`/`nix build` of a flake copy.
STUB_INPUTS=(--override-input nixpkgs "path:$NIX_STUB_DIR/nixpkgs" --override-input devenv "path:$NIX_STUB_DIR/devenv")

# copy_flake REPO DEST: the flake as Nix sees it once committed: tracked and untracked-but-not-ignored files, in a
# fresh git repository (flakes ignore untracked files; the real repository's index is never touched).
copy_flake() {
  local repo=$1 dest=$2 f
  mkdir -p "$dest"
  while IFS= read -r -d '' f; do
    [ -e "$repo/$f" ] || [ -L "$repo/$f" ] || continue # deleted in the work tree
    mkdir -p "$dest/$(dirname "$f")"
    cp -P "$repo/$f" "$dest/$f"
  done < <(git -C "$repo" ls-files -z --cached --others --exclude-standard)
  git -C "$dest" init -q &&
    git -C "$dest" add -A &&
    git -C "$dest" -c user.name=test -c user.email=test@localhost commit -qm tree
}

# stub_eval FLAKE ATTR APPLY [NIX ARGS]: `nix eval --json FLAKE#ATTR --apply APPLY` against the stand-ins.
# Impure like `nix develop --impure` and `nix flake check --impure`: devenv reads $PWD.
stub_eval() {
  nix --offline eval --no-write-lock-file --impure "${@:4}" "${STUB_INPUTS[@]}" --json "$1#$2" --apply "$3"
}
