# packages.<system>, on Linux for every app nix/apps.nix finds: <app> (its runtime tree), image-<app>, and
#   default     every image archive in one directory (`nix build` → result/<project>-<app>.tar.gz)
# and on every system (its output is the same everywhere, so scripts/update-pnpm-hash.sh runs on macOS too)
#   pnpm-deps   the one fetchPnpmDeps every app builds from
{ pkgs }:
let
  inherit (pkgs) lib;
  settings = import ./apps.nix;
  workspace = pkgs.callPackage ./workspace.nix { };
  apps = builtins.mapAttrs (
    _: app:
    pkgs.callPackage ./app.nix {
      inherit workspace;
      settings = app;
    }
  ) settings.apps;
  images = builtins.mapAttrs (
    name: app:
    pkgs.callPackage ./image.nix {
      inherit workspace app;
      inherit (settings) user;
      settings = settings.apps.${name};
    }
  ) apps;
in
lib.optionalAttrs pkgs.stdenv.hostPlatform.isLinux (
  apps
  // lib.mapAttrs' (name: image: lib.nameValuePair "image-${name}" image) images
  // {
    default = pkgs.linkFarm "${settings.project}-images" (
      lib.mapAttrsToList (_: image: {
        inherit (image) name; # buildLayeredImage's <image name>.tar.gz
        path = image;
      }) images
    );
  }
)
// {
  pnpm-deps = workspace.pnpmDeps;
}
