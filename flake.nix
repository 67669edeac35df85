# nix-sample's flake: a table of contents; the work lives in ./nix.
#
#   nix develop --impure       shells default, ci (plus the e2e browser, containers), dev-<app>   nix/shells.nix
#   nix build                  every image archive in one directory                             nix/packages.nix
#   nix build .#image-<app>    one OCI image (gzip docker-archive)                              nix/image.nix
#   nix build .#<app>          an app's runtime tree                                            nix/app.nix
#   nix flake check --impure   builds every app and image, evaluates the shells (devenv reads $PWD)
#   nix fmt                    nixfmt over the repository
#
# Apps are discovered: every apps/<name> whose package.json has a `runtime` field (nix/apps.nix).
{
  description = "nix-sample: pnpm + Turborepo monorepo (Next.js web, Express API) with devenv shells and docker-free OCI images";

  # devenv's binary cache, as devenv's own flake template sets it: without it the first shell compiles devenv.
  nixConfig = {
    extra-trusted-public-keys = "devenv.cachix.org-1:w1cLUi8dv3hnoSPGAuibQv+f9TZLr6cv/Hm9XgU50cw=";
    extra-substituters = "https://devenv.cachix.org";
  };

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";
    devenv.url = "github:cachix/devenv/v2.2.2";
    devenv.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs =
    { self, nixpkgs, ... }@inputs:
    let
      linux = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      # The shells also run on Apple-silicon macOS: the systems devenv's binary cache builds for.
      systems = linux ++ [ "aarch64-darwin" ];
      forSystems = names: f: nixpkgs.lib.genAttrs names (system: f system nixpkgs.legacyPackages.${system});
    in
    {
      packages = forSystems linux (_: pkgs: import ./nix/packages.nix { inherit pkgs; });
      devShells = forSystems systems (_: pkgs: import ./nix/shells.nix { inherit pkgs inputs; });
      formatter = forSystems systems (_: pkgs: pkgs.nixfmt-tree);
      # `default` only links the images, and every app builds `pnpm-deps`.
      checks = forSystems linux (
        system: _:
        removeAttrs self.packages.${system} [
          "default"
          "pnpm-deps"
        ]
      );

      templates.default = {
        path = ./.;
        description = "pnpm + Turborepo monorepo with a Nix flake: discovered apps, devenv shells, docker-free OCI images";
        # One string per line, so `pnpm rename` can drop a marked line. rename:line
        welcomeText = builtins.concatStringsSep "\n" [
          "# Your copy of nix-sample: make it yours, then start it"
          "    pnpm rename <name> --owner <your GitHub owner>" # rename:line
          "    pnpm install && pnpm dev"
          "Add an app with `pnpm turbo gen app`; docs/apps.md says more."
        ];
      };
    };
}
