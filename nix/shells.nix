# devShells.<system>: default (repo root), dev-web (apps/web), dev-api (apps/api), all from one module.
# devenv reads $PWD, so enter them impurely: `nix develop --impure` or the .envrc files (direnv).
{ pkgs, inputs }:
let
  workspace = pkgs.callPackage ./workspace.nix { };
  settings = import ./image-settings.nix;
  shell =
    app:
    inputs.devenv.lib.mkShell {
      inherit inputs pkgs;
      modules = [ (import ./shell.nix { inherit workspace settings app; }) ];
    };
in
{
  default = shell null;
  dev-web = shell "web";
  dev-api = shell "api";
}
