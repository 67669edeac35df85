# nix-sample's flake: a table of contents; the work lives in ./nix.
#
#   nix develop --impure       shells default, ci (plus the e2e browser, containers), dev-<app>   nix/shells.nix
#   nix build                  every image archive in one directory                             nix/packages.nix
#   nix build .#image-<app>    one OCI image (gzip docker-archive)                              nix/image.nix
#   nix build .#<app>          an app's runtime tree                                            nix/app.nix
#   nix flake check            builds every app and image; with --impure it also evaluates the shells
#   nix fmt                    nixfmt over the repository
#
# Apps are discovered: every apps/<name> whose package.json has a `runtime` field (nix/apps.nix).
{
  description = "nix-sample: pnpm + Turborepo monorepo (Next.js web, Express API) with devenv shells and docker-free OCI images";

  # devenv's binary cache, as devenv's own flake template sets it; Nix honours it for trusted users only.
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
      packages = forSystems systems (_: pkgs: import ./nix/packages.nix { inherit pkgs; });
      devShells = forSystems systems (_: pkgs: import ./nix/shells.nix { inherit pkgs inputs; });
      formatter = forSystems systems (_: pkgs: pkgs.nixfmt-tree);
      # `default` only links the images, and every app builds `pnpm-deps`. Pure: shells need --impure.
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
          "    git init && git add -A   # a flake in git sees only the files git tracks"
          "    pnpm rename <name> --owner <your GitHub owner>" # rename:line
          "    pnpm install && pnpm dev"
          "Not a trusted Nix user? Put `trusted-users = root <you>` in /etc/nix/nix.conf and restart nix-daemon, or"
          "the first `nix develop --impure` compiles devenv's task runner (minutes); docs/nix.md has the details."
          "Add an app with `pnpm turbo gen app`; docs/apps.md says more."
        ];
      };
    };
}
