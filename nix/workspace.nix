# What the whole JavaScript workspace shares: the toolchain (one Node.js knob), the source the builds
# see, and ONE fetchPnpmDeps for every app, so there is one hash to keep (nix/pnpm-deps-hash).
{
  lib,
  pkgs,
  fetchPnpmDeps,
}:
let
  # The one Node.js knob: the dev shells, the builds and the images all follow it. Keep .nvmrc equal
  # (tests/nix/run.sh checks that).
  nodeMajor = "22";

  nodejs = pkgs."nodejs_${nodeMajor}";

  # pnpm 10 (lockfile v9). Run it on our Node.js rather than nixpkgs' default one: the root package.json
  # has engines.node ">=22.12 <23" and .npmrc engine-strict=true, and pnpm checks engines against the
  # Node.js it runs on (pkgs/development/tools/pnpm/generic.nix takes `nodejs` as an argument).
  pnpm = pkgs.pnpm_10.override { inherit nodejs; };

  root = ../.;

  # Files that are not part of the JavaScript build: editing them must not rebuild the apps.
  # Build leftovers are dropped too, so `nix build path:.` in a used checkout sees a clean tree.
  topLevelOnly = [
    "nix"
    "flake.nix"
    "flake.lock"
    "tests"
    ".github"
    ".ci"
    ".drafts"
    "README.md"
    "LESSONS.md"
  ];
  anywhere = [
    "node_modules"
    ".next"
    "dist"
    ".turbo"
    "coverage"
    ".reports"
    ".direnv"
    ".devenv"
    ".envrc"
    ".image-digest"
  ];
  keep =
    path: type:
    let
      rel = lib.removePrefix (toString root + "/") (toString path);
      name = baseNameOf path;
    in
    !(builtins.elem rel topLevelOnly)
    && !(builtins.elem name anywhere)
    && !(type == "symlink" && lib.hasPrefix "result" name);

  src = builtins.path {
    path = root;
    name = "nix-sample-source";
    filter = keep;
  };

  packageJSON = dir: builtins.fromJSON (builtins.readFile (root + "/${dir}/package.json"));
in
{
  inherit
    nodeMajor
    nodejs
    pnpm
    src
    ;
  nodejs-slim = pkgs."nodejs-slim_${nodeMajor}";

  versionOf = dir: (packageJSON dir).version;

  # The same variables the tests' offline rehearsal sets (tests/nix/run.sh).
  buildEnv = {
    NEXT_TELEMETRY_DISABLED = "1";
    TURBO_TELEMETRY_DISABLED = "1";
    DO_NOT_TRACK = "1";
  };

  # One store for the whole workspace (no pnpmWorkspaces filter: the build installs the whole workspace
  # too, exactly `pnpm install --offline --frozen-lockfile --ignore-scripts`). The fetcher runs
  # `pnpm install --force`, which fetches optional packages for every platform, so the same hash serves
  # x86_64-linux and aarch64-linux. fetcherVersion 3 = reproducible pnpm-store.tar.zst (pnpm 10).
  # Source read: pkgs/build-support/node/fetch-pnpm-deps/default.nix (stored copy at nixpkgs 00d3e94).
  pnpmDeps = fetchPnpmDeps {
    pname = "nix-sample";
    inherit src pnpm;
    fetcherVersion = 3;
    hash = lib.fileContents ./pnpm-deps-hash;
  };
}
