# packages.<linux system>: the two apps, their images, and `default` = a directory with both archives
# (`nix build` → result/nix-sample-web.tar.gz and result/nix-sample-api.tar.gz).
{ pkgs }:
let
  common = import ./image-settings.nix;

  workspace = pkgs.callPackage ./workspace.nix { };

  web = pkgs.callPackage ./web.nix {
    inherit workspace;
    settings = common.web;
  };
  api = pkgs.callPackage ./api.nix {
    inherit workspace;
    settings = common.api;
  };

  image =
    app: settings:
    pkgs.callPackage ./image.nix {
      inherit
        workspace
        app
        settings
        common
        ;
    };
  image-web = image web common.web;
  image-api = image api common.api;
in
{
  inherit
    web
    api
    image-web
    image-api
    ;

  # Entry names are the archives' own names (buildLayeredImage names its output "<image name>.tar.gz").
  default = pkgs.linkFarm "nix-sample-images" [
    {
      name = "${common.web.imageName}.tar.gz";
      path = image-web;
    }
    {
      name = "${common.api.imageName}.tar.gz";
      path = image-api;
    }
  ];
}
