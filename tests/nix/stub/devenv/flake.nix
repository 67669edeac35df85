# Stand-in for cachix/devenv v2.2.2: lib.mkShell with the real formals ({ pkgs, inputs, modules },
# flake.nix lib.mkConfig) and a tiny module evaluator that knows the options nix-sample sets, so a
# misspelt option fails. The real one also asserts devenv.root != "" (needs --impure); not modelled.
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
          config = {
            packages = builtins.concatMap (d: d.packages or [ ]) defs;
            env = builtins.foldl' (acc: d: acc // (d.env or { })) { } defs;
            enterShell = builtins.concatStringsSep "\n" (map (d: d.enterShell or "") defs);
          };
        in
        assert unknown == [ ] || throw "devenv: unknown option(s) ${toString unknown}";
        assert builtins.all builtins.isString (builtins.attrValues config.env) || throw "devenv: env values must be strings";
        {
          type = "derivation";
          name = "devenv-shell";
          outPath = "/nix/store/00000000000000000000000000000000-devenv-shell";
          inherit config;
          shellHook = config.enterShell;
        };
    };
}
