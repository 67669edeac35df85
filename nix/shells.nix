# devShells.<system>, all from one devenv module (nix/shell.nix):
#   default    lean: what `pnpm dev`, `pnpm build`, `pnpm lint` and the shipping scripts call
#   ci         default plus the e2e tests' browser and the image smoke test's containers (Linux)
#   dev-<app>  lean, with that app's own defaults; one per app under apps/ (nix/apps.nix finds them)
# devenv reads $PWD, so enter them impurely: `nix develop --impure` or the .envrc files (direnv).
{ pkgs, inputs }:
let
  inherit (pkgs) lib;
  workspace = pkgs.callPackage ./workspace.nix { };
  settings = import ./apps.nix;

  # devenv's root (its .devenv: state, the PostgreSQL cluster) is $PWD unless set (src/modules/flake-compat.nix
  # at devenv v2.2.2), so apps/web/.envrc would make apps/web a second project. The root is instead the
  # nearest directory from $PWD up that holds flake.nix: the checkout, wherever in it you enter, as Nix
  # itself finds the flake of `.`. From outside a checkout it stays $PWD (devenv's default); under pure
  # evaluation $PWD is "" and devenv's own assertion says to use --impure.
  pwd = builtins.getEnv "PWD";
  flakeDirAbove =
    dir:
    if builtins.pathExists (dir + "/flake.nix") then
      dir
    else if dir == "/" || dir == "." then
      null
    else
      flakeDirAbove (dirOf dir);
  root =
    let
      found = if pwd == "" then null else flakeDirAbove pwd;
    in
    if found == null then pwd else found;

  shell =
    name: args:
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
