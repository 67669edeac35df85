# packages.<linux system>, one set per app under apps/ (nix/apps.nix finds them):
#   <app>          its runtime tree (nix/next-app.nix or nix/node-app.nix, by runtime.kind)
#   image-<app>    its OCI image (nix/image.nix)
#   default        a directory with every image archive (`nix build` → result/<project>-<app>.tar.gz)
#   pnpm-deps      the one fetchPnpmDeps every app builds from (scripts/update-pnpm-hash.sh builds it)
{ pkgs }:
let
  inherit (pkgs) lib;
  settings = import ./apps.nix;

  workspace = pkgs.callPackage ./workspace.nix { };

  builders = {
    next = ./next-app.nix;
    node = ./node-app.nix;
  };
  apps = builtins.mapAttrs (
    _name: app:
    pkgs.callPackage builders.${app.kind} {
      inherit workspace;
      settings = app;
    }
  ) settings.apps;

  images = builtins.mapAttrs (
    name: app:
    pkgs.callPackage ./image.nix {
      inherit workspace app;
      settings = settings.apps.${name};
      common = settings;
    }
  ) apps;

  prefixed = prefix: set: lib.mapAttrs' (name: value: lib.nameValuePair "${prefix}${name}" value) set;
in
apps
// prefixed "image-" images
// {
  # Entry names are the archives' own names (buildLayeredImage names its output "<image name>.tar.gz").
  default = pkgs.linkFarm "${settings.project}-images" (
    lib.mapAttrsToList (name: image: {
      name = "${settings.apps.${name}.imageName}.tar.gz";
      path = image;
    }) images
  );

  pnpm-deps = workspace.pnpmDeps;
}
