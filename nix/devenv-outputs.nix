# What `devenv up` and `devenv test` build inside a flake shell: devenv's flake wrapper (src/devenv-devShell.nix at
# cachix/devenv v2.2.2) runs `nix build .#<prefix>devenv-up` / `devenv-test`, where the prefix is "" for the default
# shell and "<name>-" for the others. Plain data: one pair of outputs per shell.
shells:
builtins.foldl' (
  outputs: name:
  let
    prefix = if name == "default" then "" else "${name}-";
  in
  outputs
  // {
    "${prefix}devenv-up" = shells.${name}.config.procfileScript;
    "${prefix}devenv-test" = shells.${name}.config.test;
  }
) { } (builtins.attrNames shells)
