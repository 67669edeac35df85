# devShells.<system>, all from one devenv module (nix/shell.nix): default; ci, plus on Linux the e2e
# tests' browser and the containers scripts/smoke-image.sh runs; dev-<app>, with that app's defaults.
# devenv reads $PWD: enter them with `nix develop --impure` or direnv (.envrc). A pure evaluation
# (`nix flake check`) gets shells that say so instead, so it stays pure.
{ pkgs, inputs }:
let
  inherit (pkgs) lib;
  workspace = pkgs.callPackage ./workspace.nix { };
  settings = import ./apps.nix;

  # devenv keeps .devenv (its state, the PostgreSQL cluster) in $PWD unless told: use the checkout
  # around $PWD, so apps/web/.envrc shares the root's. Pure evaluation leaves $PWD "".
  pwd = builtins.getEnv "PWD";
  checkoutOf =
    dir:
    if builtins.pathExists "${dir}/flake.nix" then
      dir
    else if dir == "/" then
      pwd
    else
      checkoutOf (dirOf dir);
  root = checkoutOf pwd;

  shell =
    name: args:
    if pwd == "" then
      pkgs.mkShell {
        name = "${name}-needs-impure";
        shellHook = ''
          echo "devenv reads \$PWD: nix develop --impure .#${name} (or direnv allow)" >&2
          exit 1
        '';
      }
    else
      inputs.devenv.lib.mkShell {
        inherit inputs pkgs;
        modules = [ (import ./shell.nix ({ inherit workspace settings name root; } // args)) ];
      };
in
{
  default = shell "default" { };
  ci = shell "ci" { ci = true; };
}
// lib.mapAttrs' (app: _: lib.nameValuePair "dev-${app}" (shell "dev-${app}" { inherit app; })) settings.apps
