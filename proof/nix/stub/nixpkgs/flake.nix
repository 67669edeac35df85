# Stand-in for nixpkgs (nixos-26.05) used by proof/nix/run.sh: only the attributes nix-sample's flake
# uses, each function taking exactly the argument set of the real one, so an unknown or misspelt
# argument fails evaluation here instead of on a user's machine. Evaluates with Debian's Nix 2.8,
# offline. Argument sets were read from stored copies of NixOS/nixpkgs (commits named in pkgs.nix);
# where the copy predates the pin, the comment says what changed since.
{
  outputs =
    { self }:
    let
      lib = import ./lib.nix;
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ] (system: import ./pkgs.nix { inherit lib system; });
    };
}
