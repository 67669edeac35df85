# The devenv module behind every dev shell (nix/shells.nix): `app` is the app of a dev-<app> shell (null:
# the whole repository), `ci` adds the e2e browser and containers. Options: devenv.sh/reference/options.
{
  workspace,
  settings,
  name,
  root,
  app ? null,
  ci ? false,
}:
{ pkgs, lib, ... }:
let
  inherit (settings) project apps;
  shellApps = if app == null then builtins.attrNames apps else [ app ];
  withTestTools = ci && pkgs.stdenv.hostPlatform.isLinux; # nixpkgs builds none of them for macOS

  # Off 5432, so a system PostgreSQL keeps its port; DEV_POSTGRES_PORT (in .envrc.local) moves it.
  portVar = builtins.getEnv "DEV_POSTGRES_PORT";
  port = if portVar == "" then 55432 else lib.toInt portVar;

  # An app's image variables on loopback, without what every image sets (`pnpm dev` sets NODE_ENV).
  devEnv =
    appName:
    builtins.mapAttrs (var: value: if lib.hasSuffix "_HOST" var then "127.0.0.1" else value) (
      removeAttrs apps.${appName}.env (builtins.attrNames settings.env)
    );
  urls = map (a: "${a} on http://localhost:${toString apps.${a}.port}") shellApps;
in
assert
  portVar == "" || builtins.match "[1-9][0-9]{0,4}" portVar != null && port < 65536
  || throw "DEV_POSTGRES_PORT must be a TCP port number (1-65535), got '${portVar}'";
{
  # What `devenv up` re-enters (src/modules/flake-compat.nix), and one .devenv for the whole checkout.
  _module.args.name = name;
  devenv.root = root;

  # What pnpm scripts and scripts/ call; ESLint, Prettier and turbo come from node_modules.
  packages = [
    workspace.nodejs
    workspace.pnpm
    pkgs.git
    pkgs.jq
    pkgs.curl
    pkgs.skopeo
    pkgs.postgresql_17 # psql, and the server devenv up runs
    pkgs.shellcheck
    pkgs.yamllint
    pkgs.kubectl
    pkgs.kustomize
  ]
  ++ lib.optionals withTestTools [
    pkgs.chromium
    pkgs.podman
    pkgs.runc
  ];

  env =
    workspace.buildEnv
    // {
      # nixpkgs' pnpm 10.x need not be packageManager's version: run it instead of downloading that one.
      npm_config_manage_package_manager_versions = "false";
      DEVENV_DATABASE_URL = "postgres://127.0.0.1:${toString port}/${project}";
    }
    // lib.optionalAttrs withTestTools { CHROMIUM_PATH = lib.getExe pkgs.chromium; }
    // builtins.foldl' (env: a: env // devEnv a) { } shellApps;

  # Only `devenv up` starts it (initdb on first start; you are its superuser).
  services.postgres = {
    enable = true;
    package = pkgs.postgresql_17;
    listen_addresses = "127.0.0.1";
    inherit port;
    initialDatabases = [ { name = project; } ];
  };

  enterShell = ''
    cat <<WELCOME
    ${project} ${name}: node $(node --version), pnpm $(pnpm --version)
      pnpm dev     ${lib.concatStringsSep ", " urls}
      devenv up    PostgreSQL on :${toString port}, then DATABASE_URL=\$DEVENV_DATABASE_URL pnpm dev
      nix build    every image into ./result (Linux); .#image-<app> for one
    WELCOME
  '';
}
