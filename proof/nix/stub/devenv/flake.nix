# Stand-in for cachix/devenv v2.2.2: lib.mkShell with the real formals ({ pkgs, inputs, modules },
# flake.nix lib.mkConfig) and a tiny module evaluator that knows the options nix-sample sets, so a
# misspelt option fails; config.procfileScript and config.test (what `devenv up` / `devenv test` run) are
# stand-in derivations. As in the real one:
#   - src/modules/flake-compat.nix: devenv.root defaults to $PWD and is asserted non-empty (so a pure
#     evaluation fails); the shell's name is `config._module.args.name or "default"`, exported as
#     DEVENV_FLAKE_SHELL, and `devenv up` outside direnv runs `nix develop .#<name> --impure -c devenv-flake-up`
#     (config.devenvUpCommand here);
#   - src/modules/top-level.nix: DEVENV_ROOT, DEVENV_DOTFILE = <root>/.devenv, DEVENV_STATE = <dotfile>/state;
#   - src/modules/services/postgres.nix: PGPORT = services.postgres.port (no devenv CLI allocates ports in a
#     flake shell), PGDATA = <state>/postgres.
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05"; # followed from the root, never fetched

  outputs =
    { self, nixpkgs }:
    {
      lib.mkShell =
        {
          pkgs,
          inputs,
          modules,
        }:
        let
          known = [
            "packages"
            "env"
            "enterShell"
            "name"
            "scripts"
            "processes"
            "languages"
            "services"
            "devenv"
            "_module"
          ];
          args = {
            inherit pkgs inputs config;
            lib = nixpkgs.lib;
          };
          defs = map (m: if builtins.isFunction m then m args else m) modules;
          unknown = builtins.concatMap (d: builtins.filter (n: !(builtins.elem n known)) (builtins.attrNames d)) defs;
          # The real options of services.postgres (src/modules/services/postgres.nix), so a misspelt one fails.
          postgresOptions = [
            "enable"
            "package"
            "extensions"
            "listen_addresses"
            "port"
            "createDatabase"
            "initdbArgs"
            "settings"
            "initialDatabases"
            "initialScript"
          ];
          services = builtins.foldl' (acc: d: acc // (d.services or { })) { } defs;
          devenvDefs = builtins.foldl' (acc: d: acc // (d.devenv or { })) { } defs;
          moduleArgs = builtins.foldl' (acc: d: acc // ((d._module or { }).args or { })) { } defs;
          shellName = moduleArgs.name or "default";
          root = devenvDefs.root or (builtins.getEnv "PWD");
          dotfile = root + "/.devenv";
          # What `devenv up` / `devenv test` build (the real ones are process-compose and test scripts).
          standIn = name: {
            type = "derivation";
            inherit name;
            outPath = "/nix/store/00000000000000000000000000000000-${name}";
          };
          config = {
            packages = builtins.concatMap (d: d.packages or [ ]) defs;
            env =
              builtins.foldl' (acc: d: acc // (d.env or { })) { } defs
              // {
                DEVENV_ROOT = root;
                DEVENV_DOTFILE = dotfile;
                DEVENV_STATE = dotfile + "/state";
                DEVENV_FLAKE_SHELL = shellName;
              }
              // (
                if (services.postgres.enable or false) then
                  {
                    PGPORT = toString services.postgres.port;
                    PGDATA = dotfile + "/state/postgres";
                  }
                else
                  { }
              );
            devenv = {
              inherit root dotfile;
            };
            devenvUpCommand = "nix develop .#${shellName} --impure --show-trace --extra-experimental-features nix-command --extra-experimental-features flakes -c devenv-flake-up";
            enterShell = builtins.concatStringsSep "\n" (map (d: d.enterShell or "") defs);
            scripts = builtins.foldl' (acc: d: acc // (d.scripts or { })) { } defs;
            inherit services;
            procfileScript = standIn "devenv-up";
            test = standIn "devenv-test";
          };
        in
        assert
          config.devenv.root != ""
          || throw "Failed assertions:\n- devenv was not able to determine the current directory.\n\n  See https://devenv.sh/guides/using-with-flakes/ how to use it with flakes.";
        assert unknown == [ ] || throw "devenv: unknown option(s) ${toString unknown}";
        assert
          builtins.all (n: builtins.elem n [ "root" ]) (builtins.attrNames devenvDefs)
          || throw "devenv: only devenv.root is set here";
        assert builtins.isString root || throw "devenv: devenv.root must be a string";
        assert
          builtins.all (d: builtins.attrNames (d._module or { args = { }; }) == [ "args" ]) defs
          || throw "devenv: only _module.args is set here";
        assert
          builtins.all (s: builtins.attrNames s == [ "exec" ] && builtins.isString s.exec) (builtins.attrValues config.scripts)
          || throw "devenv: scripts.<name> takes exec (a string) here";
        assert builtins.all builtins.isString (builtins.attrValues config.env) || throw "devenv: env values must be strings";
        assert
          builtins.all (n: builtins.elem n postgresOptions) (builtins.attrNames (services.postgres or { }))
          || throw "devenv: unknown services.postgres option(s)";
        {
          type = "derivation";
          name = "devenv-shell";
          outPath = "/nix/store/00000000000000000000000000000000-devenv-shell";
          inherit config;
          shellHook = config.enterShell;
        };
    };
}
