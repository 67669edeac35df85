# devShells.<system>: default (repo root) and dev-<app> for every app under apps/ (nix/apps.nix finds
# them), all from one module. devenv reads $PWD, so enter them impurely: `nix develop --impure` or the
# .envrc files (direnv).
{ pkgs, inputs }:
let
  inherit (pkgs) lib;
  workspace = pkgs.callPackage ./workspace.nix { };
  settings = import ./apps.nix;
  shell =
    app:
    inputs.devenv.lib.mkShell {
      inherit inputs pkgs;
      modules = [ (import ./shell.nix { inherit workspace settings app; }) ];
    };
in
{
  default = shell null;
}
// lib.mapAttrs' (name: _: lib.nameValuePair "dev-${name}" (shell name)) settings.apps
