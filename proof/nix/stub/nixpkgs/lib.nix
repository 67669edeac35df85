# The handful of nixpkgs lib functions the flake uses, with nixpkgs' semantics (lib/attrsets.nix,
# lib/lists.nix, lib/strings.nix, lib/trivial.nix). Anything else is missing on purpose: using a new
# lib function means adding it here, after reading its source.
let
  lib = rec {
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (builtins.attrNames attrs);
    nameValuePair = name: value: { inherit name value; };
    mapAttrs' = f: set: builtins.listToAttrs (mapAttrsToList f set);
    optional = cond: elem: if cond then [ elem ] else [ ];
    optionals = cond: elems: if cond then elems else [ ];
    optionalAttrs = cond: attrs: if cond then attrs else { };
    optionalString = cond: string: if cond then string else "";
    # lib/attrsets.nix filterAttrs
    filterAttrs = pred: set: removeAttrs set (builtins.filter (name: !pred name set.${name}) (builtins.attrNames set));
    inherit (builtins) concatStringsSep;
    # lib/strings.nix splitString: the separator is a literal string (regex characters escaped).
    splitString =
      sep: s:
      let
        specials = [ "\\" "[" "]" "(" ")" "{" "}" "." "*" "+" "?" "^" "$" "|" ];
        escaped = builtins.replaceStrings specials (map (c: "\\${c}") specials) sep;
      in
      builtins.filter builtins.isString (builtins.split escaped s);
    # lib/strings.nix toInt: a decimal integer string (leading zeros rejected), else an error.
    toInt =
      s:
      if builtins.match "0|-?[1-9][0-9]*" s == null then
        throw "toInt: Could not convert ${s} to int."
      else
        builtins.fromJSON s;
    importJSON = path: builtins.fromJSON (builtins.readFile path);
    # lib/trivial.nix warn: nixpkgs prints "evaluation warning: MSG" (and throws with NIX_ABORT_ON_WARN=true).
    warn =
      msg: value:
      if builtins.getEnv "NIX_ABORT_ON_WARN" == "true" then
        throw "evaluation warning: ${msg}"
      else
        builtins.trace "evaluation warning: ${msg}" value;
    getExe = drv: "${drv}/bin/${drv.meta.mainProgram or drv.pname or drv.name}";
    concatMapStrings = f: list: builtins.concatStringsSep "" (map f list);
    hasPrefix =
      pref: str: builtins.substring 0 (builtins.stringLength pref) str == pref;
    removePrefix =
      pref: str:
      if hasPrefix pref str then
        builtins.substring (builtins.stringLength pref) (builtins.stringLength str) str
      else
        str;
    hasSuffix =
      suf: str:
      let
        l = builtins.stringLength str;
        s = builtins.stringLength suf;
      in
      l >= s && builtins.substring (l - s) s str == suf;
    removeSuffix =
      suf: str:
      if hasSuffix suf str then
        builtins.substring 0 (builtins.stringLength str - builtins.stringLength suf) str
      else
        str;
    # lib/sources.nix: the file's contents without the trailing newline.
    fileContents = file: removeSuffix "\n" (builtins.readFile file);
    platforms = {
      linux = [
        "x86_64-linux"
        "aarch64-linux"
      ];
    };
  };
in
lib
