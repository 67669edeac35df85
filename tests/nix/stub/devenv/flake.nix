# Stand-in for cachix/devenv v2.2.2: lib.mkShell with the real formals ({ pkgs, inputs, modules },
# flake.nix lib.mkConfig) and a tiny module evaluator that knows the options nix-sample sets, so a
# misspelt option fails; config.procfileScript and config.test (what `devenv up` / `devenv test` build) are
# stand-in derivations. Like the real one (src/modules/flake-compat.nix: devenv.root defaults to
# $PWD and is asserted non-empty), it fails under pure evaluation, where getEnv returns "".
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
          # What `devenv up` / `devenv test` build (the real ones are process-compose and test scripts).
          standIn = name: {
            type = "derivation";
            inherit name;
            outPath = "/nix/store/00000000000000000000000000000000-${name}";
          };
          config = {
            packages = builtins.concatMap (d: d.packages or [ ]) defs;
            env = builtins.foldl' (acc: d: acc // (d.env or { })) { } defs;
            enterShell = builtins.concatStringsSep "\n" (map (d: d.enterShell or "") defs);
            scripts = builtins.foldl' (acc: d: acc // (d.scripts or { })) { } defs;
            inherit services;
            procfileScript = standIn "devenv-up";
            test = standIn "devenv-test";
          };
          root = builtins.getEnv "PWD";
        in
        assert
          root != ""
          || throw "Failed assertions:\n- devenv was not able to determine the current directory.\n\n  See https://devenv.sh/guides/using-with-flakes/ how to use it with flakes.";
        assert unknown == [ ] || throw "devenv: unknown option(s) ${toString unknown}";
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
