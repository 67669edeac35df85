# nix-sample's flake: a table of contents. The work lives in small files under ./nix.
#
#   nix develop --impure          devShells.default (lean), .#ci (plus the e2e browser), .#dev-<app> per app
#                                 nix/shells.nix, nix/shell.nix
#   devenv up (in any shell)      the shells' PostgreSQL; devenv re-enters the shell it was run in
#   nix build                     packages.default: a directory with every image archive
#   nix build .#image-<app>       one OCI image (docker-archive, gzip)               nix/image.nix
#   nix build .#<app>             an app's runtime tree, by its runtime.kind         nix/next-app.nix, nix/node-app.nix
#   nix fmt                       nixfmt over the repo                               formatter
#   nix flake check --impure      builds the apps and images, evaluates the shells (devenv reads $PWD,
#                                 so a pure check fails on the shells; --impure, like nix develop)
#   nix flake init -t github:<owner>/<repo>   a copy of this repository to make your own   templates.default
#
# The apps are discovered: every apps/<name> whose package.json has a `runtime` field (nix/apps.nix).
# What every image shares (user, created, tag, labels) is plain data in nix/image-settings.nix.
# The pnpm dependency hash lives in nix/pnpm-deps-hash; scripts/update-pnpm-hash.sh rewrites it.
# Packages and images are Linux-only; the dev shells also run on Apple-silicon macOS.
{
  description = "nix-sample: pnpm + Turborepo monorepo (Next.js web, Express API) with devenv shells and docker-free OCI images";

  # devenv's binary cache, exactly as devenv's flake template (templates/flake/flake.nix at v2.2.2) sets
  # it: without it the first `nix develop` compiles devenv's Rust task runner. Nix asks before using it;
  # answer yes, or pass --accept-flake-config (a trusted user's choice; see docs/nix.md).
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
      # The systems devenv v2.2.2 builds for (its flake.nix: x86_64-linux, i686-linux, aarch64-linux,
      # aarch64-darwin), less i686-linux, which nothing here targets (the images are x86_64 and aarch64). An
      # Intel Mac (x86_64-darwin) gets no shell rather than one devenv's binary cache has never built.
      systems = linux ++ [ "aarch64-darwin" ];
      forSystems = names: f: nixpkgs.lib.genAttrs names (system: f system nixpkgs.legacyPackages.${system});
    in
    {
      # The apps and images. `devenv up` needs no package output: at v2.2.2 devenv's flake wrapper runs
      # `nix develop .#<shell> --impure -c devenv-flake-up`, which execs the shell's own process script
      # (src/modules/flake-compat.nix); the `<shell>-devenv-up` packages only its flake-parts module still
      # makes, deprecated (flake-module.nix).
      packages = forSystems linux (_system: pkgs: import ./nix/packages.nix { inherit pkgs; });

      devShells = forSystems systems (_system: pkgs: import ./nix/shells.nix { inherit pkgs inputs; });

      # nixfmt-tree: nixfmt (the RFC 166 formatter; `nixfmt-rfc-style` is only a deprecated alias at 26.05)
      # wrapped in treefmt, so a bare `nix fmt` formats the whole tree instead of waiting on stdin.
      formatter = forSystems systems (_system: pkgs: pkgs.nixfmt-tree);

      # What `nix flake check --impure` builds: every app and image (`default` only links the images,
      # `pnpm-deps` is built by all of them).
      checks = forSystems linux (
        system: _pkgs:
        removeAttrs self.packages.${system} [
          "default"
          "pnpm-deps"
        ]
      );

      # `nix flake init -t github:<owner>/<repo>`: the whole repository (tests, docs and workflows are part of
      # the template). Nix copies it without its git history; docs/apps.md says what to run next.
      templates.default = {
        path = ./.;
        description = "pnpm + Turborepo monorepo with a Nix flake: discovered apps, devenv shells, docker-free OCI images";
        # One string per line: a line marked for removal goes without touching the others.
        welcomeText = builtins.concatStringsSep "\n" [
          "# Your copy of nix-sample"
          ""
          "Make it yours, then start it:"
          ""
          "    pnpm rename <name> --owner <your GitHub owner>" # rename:line
          "    pnpm install && pnpm dev"
          ""
          "Add an app with `pnpm turbo gen app`; docs/apps.md says more."
          ""
        ];
      };
    };
}
