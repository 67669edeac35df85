# What the whole JavaScript workspace shares: the toolchain, the build source, and one fetchPnpmDeps for
# every app, so there is one hash to keep (nix/pnpm-deps-hash, rewritten by scripts/update-pnpm-hash.sh).
{
  lib,
  pkgs,
  fetchPnpmDeps,
  nix-gitignore,
}:
let
  # The one Node.js knob for shells, builds and images: .nvmrc, which CI and nvm read too.
  nodeMajor = lib.fileContents ../.nvmrc;
  nodejs = pkgs."nodejs_${nodeMajor}";
  nodejs-slim = pkgs."nodejs-slim_${nodeMajor}";
  # On our Node.js: pnpm checks engines.node (engine-strict) against the node it runs on.
  pnpm = pkgs.pnpm_10.override { inherit nodejs-slim; };

  root = ../.;
  project = (lib.importJSON ../package.json).name;
  # What the builds read (so editing docs, scripts or Nix rebuilds nothing), less what .gitignore and the
  # lines below ignore: a copy outside git (`nix flake init`) has .env files, .data, node_modules, dist.
  topLevel = [
    "package.json"
    "pnpm-lock.yaml"
    "pnpm-workspace.yaml"
    ".npmrc"
    "apps"
    "packages"
    "tooling"
  ];
  topOf = path: builtins.head (lib.splitString "/" (lib.removePrefix "${toString root}/" path));
  src = builtins.path {
    path = root;
    name = "${project}-source";
    filter = nix-gitignore.gitignoreFilterPure (path: _: builtins.elem (topOf path) topLevel) [
      ../.gitignore
      ".env*" # local secrets, and the .envrc files no build reads
      "!.env.example"
    ] root;
  };
in
{
  inherit nodejs nodejs-slim pnpm src;

  # No telemetry from builds and shells.
  buildEnv = {
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  # The whole workspace's store, for the Linux platforms the images run on (x64 and arm64, glibc), so one
  # hash serves both. The fetcher's `pnpm install --force` would ignore those flags and fetch every
  # platform's binaries (a 2 GiB store): prePnpmInstall drops --force. `pnpm install` outside Nix is unchanged.
  pnpmDeps = fetchPnpmDeps {
    pname = project;
    inherit src pnpm;
    fetcherVersion = 3;
    pnpmInstallFlags = [
      "--os=linux"
      "--cpu=x64"
      "--cpu=arm64"
      "--libc=glibc"
    ];
    prePnpmInstall = ''
      pnpm() {
        local arg args=()
        for arg in "$@"; do [ "$arg" = --force ] || args+=("$arg"); done
        command pnpm "''${args[@]}"
      }
    '';
    hash = lib.fileContents ./pnpm-deps-hash;
  };
}
