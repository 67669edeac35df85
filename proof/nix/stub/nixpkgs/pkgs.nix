# pkgs for one system. Every function here takes exactly the formals of the real one; derivations are
# plain attribute sets (type = "derivation", a made-up outPath) that keep their arguments, so
# proof/nix/run.sh can read e.g. the build phases or the image config with `nix eval`.
{ lib, system }:
let
  # Nix's base-32 alphabet has no e, o, t, u: with a valid hash part, `nix flake check` accepts the paths.
  fakePath = name: "/nix/store/${builtins.replaceStrings [ "e" ] [ "z" ] (builtins.substring 0 32 (builtins.hashString "sha256" "${system}-${name}"))}-${name}";
  mkFake =
    name: extra:
    {
      type = "derivation";
      inherit name system;
      outPath = fakePath name;
      drvPath = fakePath "${name}.drv";
    }
    // extra;

  # stdenv's attributes (pkgs/stdenv/generic/make-derivation.nix, setup.sh phases and flags) that
  # nix-sample may use, plus the variables pnpmConfigHook reads. The real mkDerivation passes unknown
  # attributes on as environment variables, so a typo there is silent; here it is an error.
  knownDrvAttrs = [
    "pname"
    "version"
    "name"
    "src"
    "sourceRoot"
    "nativeBuildInputs"
    "buildInputs"
    "propagatedBuildInputs"
    "env"
    "strictDeps"
    "__structuredAttrs"
    "dontUnpack"
    "dontConfigure"
    "dontBuild"
    "dontInstall"
    "dontFixup"
    "dontPatchShebangs"
    "dontStrip"
    "dontPatchELF"
    "dontCheckForBrokenSymlinks"
    "doCheck"
    "doInstallCheck"
    "configurePhase"
    "buildPhase"
    "checkPhase"
    "installPhase"
    "installCheckPhase"
    "preConfigure"
    "postConfigure"
    "preBuild"
    "postBuild"
    "preInstall"
    "shellHook"
    "postInstall"
    "outputHash"
    "outputHashAlgo"
    "outputHashMode"
    "impureEnvVars"
    "allowedReferences"
    "allowedRequisites"
    "disallowedReferences"
    "disallowedRequisites"
    "preferLocalBuild"
    "passthru"
    "meta"
    # read by pnpmConfigHook (pkgs/build-support/node/fetch-pnpm-deps/pnpm-config-hook.sh)
    "pnpmDeps"
    "pnpmRoot"
    "pnpmWorkspaces"
    "pnpmInstallFlags"
    "prePnpmInstall"
  ];
  checkAttrNames =
    what: attrs:
    let
      unknown = builtins.filter (n: !(builtins.elem n knownDrvAttrs)) (builtins.attrNames attrs);
    in
    if unknown == [ ] then true else throw "${what}: unknown attribute(s) ${toString unknown}";
  isStr = v: builtins.isString v || builtins.isBool v || builtins.isInt v || (builtins.isAttrs v && v ? outPath);

  mkDerivation =
    fnOrAttrs:
    let
      attrs = if builtins.isFunction fnOrAttrs then fnOrAttrs finalAttrs else fnOrAttrs;
      finalAttrs = attrs // {
        passthru = attrs.passthru or { };
        finalPackage = drv;
      };
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      inputs = attrs.nativeBuildInputs or [ ];
      hasInput = d: builtins.any (i: i.outPath == d.outPath) inputs;
      usesPnpmHook = builtins.any (i: (i.name or "") == "pnpm-config-hook") inputs;
      drv =
        assert checkAttrNames "mkDerivation ${name}" attrs;
        assert builtins.all (v: isStr v) (builtins.attrValues (attrs.env or { }))
          || throw "mkDerivation ${name}: env values must be strings";
        # pnpmConfigHook needs pnpmDeps, and pnpm on PATH; the fetcher's pnpm must be that same pnpm.
        assert !usesPnpmHook || (attrs ? pnpmDeps) || throw "${name}: pnpmConfigHook without pnpmDeps";
        assert !usesPnpmHook || hasInput attrs.pnpmDeps.pnpm
          || throw "${name}: pnpmDeps was fetched with another pnpm than the one in nativeBuildInputs";
        mkFake name (attrs // (attrs.passthru or { }) // { stubKind = "mkDerivation"; });
    in
    drv;

  # nodejs = nodejs-slim + npm + corepack (pkgs/development/web/nodejs/symlink.nix)
  nodejs_26 = mkFake "nodejs-26.0.0" {
    version = "26.0.0";
    bins = [ "node" "npm" "npx" "corepack" ];
  };

  # pkgs/development/tools/pnpm/generic.nix since "pnpm: switch to nodejs-slim" (in
  # 26.05): pnpm runs on `nodejs-slim`; `nodejs` survives only as a deprecated alias that prints
  # "evaluation warning: pnpm: Override nodejs-slim instead of nodejs" (newer nixpkgs rejects it as an
  # unexpected argument). pnpm/default.nix passes `nodejs = null`. The version is the pnpm_10 of a recent
  # nixpkgs, not read at the pin.
  mkPnpm =
    args:
    mkFake "pnpm-${args.version}" {
      inherit (args) version;
      stubArgs = args;
      bins = [ "pnpm" "pnpx" ];
      override =
        {
          lib ? null,
          stdenvNoCC ? null,
          callPackages ? null,
          fetchurl ? null,
          installShellFiles ? null,
          nodejs-slim ? args.nodejs-slim,
          nodejs ? null,
          testers ? null,
          withNode ? true,
          version ? args.version,
          hash ? null,
        }:
        mkPnpm {
          inherit version;
          nodejs-slim =
            if nodejs != null then lib'.warn "pnpm: Override nodejs-slim instead of nodejs" nodejs else nodejs-slim;
        };
    };
  lib' = lib;

  fakeNssWith =
    {
      extraPasswdLines ? [ ],
      extraGroupLines ? [ ],
    }:
    mkFake "fake-nss" {
      inherit extraPasswdLines extraGroupLines;
      # pkgs/build-support/fake-nss/default.nix takes these two extras (plus its callPackage inputs).
      override =
        {
          extraPasswdLines ? [ ],
          extraGroupLines ? [ ],
        }:
        fakeNssWith { inherit extraPasswdLines extraGroupLines; };
    };

  ociConfigKeys = [
    "User"
    "ExposedPorts"
    "Env"
    "Entrypoint"
    "Cmd"
    "Volumes"
    "WorkingDir"
    "Labels"
    "StopSignal"
    "Healthcheck"
  ];

  # streamLayeredImage's formals (pkgs/build-support/docker/default.nix; the signature listed in
  # doc/build-helpers/images/dockertools.section.md), plus buildLayeredImage's own `compressor`.
  # No `...`: the real streamLayeredImage rejects unknown arguments too.
  buildLayeredImage =
    {
      name,
      tag ? null,
      fromImage ? null,
      contents ? [ ],
      config ? { },
      architecture ? null,
      created ? "1970-01-01T00:00:01Z",
      mtime ? "1970-01-01T00:00:01Z",
      uid ? 0,
      gid ? 0,
      uname ? "root",
      gname ? "root",
      maxLayers ? 100,
      extraCommands ? "",
      fakeRootCommands ? "",
      enableFakechroot ? false,
      includeStorePaths ? true,
      includeNixDB ? false,
      passthru ? { },
      meta ? { },
      layeringPipeline ? null,
      debug ? false,
      compressor ? "gz",
    }@args:
    let
      unknown = builtins.filter (k: !(builtins.elem k ociConfigKeys)) (builtins.attrNames config);
      envOk = builtins.all (e: builtins.match "[A-Za-z_][A-Za-z0-9_]*=.*" e != null) (config.Env or [ ]);
      portsOk = builtins.all (p: builtins.match "[0-9]+/(tcp|udp)" p != null) (
        builtins.attrNames (config.ExposedPorts or { })
      );
    in
    assert unknown == [ ] || throw "image ${name}: unknown config key(s) ${toString unknown}";
    assert envOk || throw "image ${name}: Env entries must be NAME=value";
    assert portsOk || throw "image ${name}: ExposedPorts keys must be PORT/tcp";
    mkFake "${baseNameOf name}.tar.gz" {
      imageName = name;
      imageTag = tag;
      stubArgs = args;
    };

  # Dev-shell tools: `bins` = the commands each puts on PATH (what proof/nix/run.sh checks the suites'
  # tools against). Versions are made up; `platforms` as in each package's meta.
  tool =
    name: bins: meta:
    mkFake name {
      inherit bins;
      meta = {
        mainProgram = builtins.head bins;
      }
      // meta;
    };
  linuxOnly = {
    platforms = lib.platforms.linux;
  };
in
{
  inherit lib system;
  pkgs = import ./pkgs.nix { inherit lib system; };

  # lib/customisation.nix callPackage: fill the function's formals from pkgs, then the overrides.
  callPackage =
    fn: overrides:
    let
      f = if builtins.isFunction fn then fn else import fn;
      formals = builtins.functionArgs f;
      auto = builtins.intersectAttrs formals (import ./pkgs.nix { inherit lib system; });
      missing = builtins.filter (n: !formals.${n} && !(auto ? ${n}) && !(overrides ? ${n})) (
        builtins.attrNames formals
      );
    in
    assert missing == [ ] || throw "callPackage: nothing provides ${toString missing}";
    f (auto // overrides);

  stdenvNoCC = {
    inherit mkDerivation;
  };

  inherit nodejs_26;
  nodejs-slim_26 = mkFake "nodejs-slim-26.0.0" {
    version = "26.0.0";
    bins = [ "node" ];
  };
  pnpm_10 = mkPnpm {
    version = "10.34.4";
    nodejs-slim = mkFake "nodejs-slim-24.0.0" { };
  };

  # pkgs/build-support/node/fetch-pnpm-deps/pnpm-fetch-deps.nix (stored copy 0950c39; 00d3e94 adds
  # pnpm 11 handling, the pin also fetcherVersion 4): these formals, and `...` passed to mkDerivation.
  fetchPnpmDeps =
    {
      hash ? "",
      pname,
      pnpm ? null,
      pnpmWorkspaces ? [ ],
      prePnpmInstall ? "",
      pnpmInstallFlags ? [ ],
      fetcherVersion ? null,
      nativeBuildInputs ? [ ],
      impureEnvVars ? [ ],
      passthru ? { },
      ...
    }@args:
    let
      rest = removeAttrs args [
        "hash"
        "pname"
        "pnpm"
        "pnpmWorkspaces"
        "prePnpmInstall"
        "pnpmInstallFlags"
        "fetcherVersion"
        "nativeBuildInputs"
        "impureEnvVars"
        "passthru"
      ];
    in
    assert fetcherVersion != null || throw "fetchPnpmDeps: `fetcherVersion` is not set";
    assert builtins.elem fetcherVersion [ 1 2 3 4 ] || throw "fetchPnpmDeps: unsupported fetcherVersion";
    assert hash == "" || builtins.match "sha256-[A-Za-z0-9+/]{43}=" hash != null
      || throw "fetchPnpmDeps: hash must be an SRI sha256 (or empty), got '${hash}'";
    assert checkAttrNames "fetchPnpmDeps ${pname}" rest;
    mkFake "${pname}-pnpm-deps" (
      rest
      // {
        inherit
          hash
          pnpm
          pnpmWorkspaces
          pnpmInstallFlags
          prePnpmInstall
          fetcherVersion
          ;
        outputHash = hash;
      }
    );

  pnpmConfigHook = mkFake "pnpm-config-hook" { };

  # pkgs/build-support/mkshell: packages become nativeBuildInputs, the rest goes to mkDerivation.
  mkShell =
    {
      name ? "nix-shell",
      packages ? [ ],
      inputsFrom ? [ ],
      ...
    }@attrs:
    mkDerivation (removeAttrs attrs [ "packages" "inputsFrom" ] // { inherit name; nativeBuildInputs = packages; });

  # pkgs/build-support/nix-gitignore: gitignoreFilterPure predicate patterns root is a filter for builtins.path;
  # patterns are .gitignore lines or files of them, and the last line matching a path (relative to root)
  # decides. Written from gitignore(5) for the forms a .gitignore here uses: `#`, `!`, `*`, `**/`, `?`, a
  # leading or inner `/` anchoring, a trailing `/`.
  nix-gitignore.gitignoreFilterPure =
    predicate: patterns: root:
    let
      text = builtins.concatStringsSep "\n" (map (p: if builtins.isPath p then builtins.readFile p else p) patterns);
      lines = builtins.filter (l: builtins.isString l && builtins.match "[[:space:]]*(#.*)?" l == null) (builtins.split "\n" text);
      glob = builtins.replaceStrings
        [ "**/" "**" "*" "?" "." "+" "(" ")" "{" "}" "$" "^" "|" ]
        [ "(.*/)?" ".*" "[^/]*" "[^/]" "\\." "\\+" "\\(" "\\)" "\\{" "\\}" "\\$" "\\^" "\\|" ];
      rule =
        line:
        let
          negated = builtins.match "!(.*)" line;
          body = lib.removeSuffix "/" (if negated == null then line else builtins.head negated);
          anchored = builtins.match ".*/.*" body != null;
        in
        {
          keep = negated != null;
          regex = (if anchored then "" else "(.*/)?") + glob (lib.removePrefix "/" body) + "(/.*)?";
        };
      rules = map rule lines;
    in
    name: type:
    let
      rel = lib.removePrefix "${toString root}/" (toString name);
    in
    builtins.foldl' (keep: r: if builtins.match r.regex rel != null then r.keep else keep) true rules
    && predicate name type;

  dockerTools = {
    inherit buildLayeredImage;
    fakeNss = fakeNssWith { };
    caCertificates = mkFake "ca-certificates" { };
  };

  # pkgs/build-support/trivial-builders: linkFarm name entries (a list of { name; path; } or an attrset).
  linkFarm =
    name: entries:
    assert builtins.isList entries -> builtins.all (e: builtins.attrNames e == [ "name" "path" ]) entries;
    mkFake name { inherit entries; };

  git = tool "git-2.51.0" [ "git" ] { };
  jq = tool "jq-1.8.1" [ "jq" ] { };
  curl = tool "curl-8.16.0" [ "curl" ] { };
  zstd = tool "zstd-1.5.7" [ "zstd" "unzstd" "zstdcat" ] { };
  skopeo = tool "skopeo-1.20.0" [ "skopeo" ] { };
  shellcheck = tool "shellcheck-0.11.0" [ "shellcheck" ] { };
  yamllint = tool "yamllint-1.37.1" [ "yamllint" ] { };
  # apacheHttpd's bin/ holds htpasswd (Debian: apache2-utils).
  apacheHttpd = tool "apache-httpd-2.4.65" [ "httpd" "htpasswd" ] { };
  postgresql_17 = tool "postgresql-17.6" [ "postgres" "initdb" "pg_ctl" "psql" "pg_isready" ] { };
  # pkgs/by-name/ku/kubectl (mainProgram kubectl; unix); kustomize: pkgs/development/tools/kustomize.
  kubectl = tool "kubectl-1.34.1" [ "kubectl" ] { };
  kustomize = tool "kustomize-5.7.1" [ "kustomize" ] { };
  # pkgs/by-name/di/distribution: the CNCF registry, mainProgram "registry" (Debian: docker-registry).
  distribution = tool "distribution-3.0.0" [ "registry" ] { };
  podman = tool "podman-5.6.1" [ "podman" ] linuxOnly;
  runc = tool "runc-1.3.1" [ "runc" ] linuxOnly;
  chromium = tool "chromium-140.0.7339.207" [ "chromium" ] linuxOnly;
  util-linux = tool "util-linux-2.41.1" [ "unshare" "setpriv" "nsenter" "mount" "flock" ] linuxOnly;
  iproute2 = tool "iproute2-6.16.0" [ "ip" "ss" ] linuxOnly;
  # glibc's `bin` output holds ldd (the smoke tests copy Node.js's libraries by it).
  glibc = mkFake "glibc-2.40" { bin = tool "glibc-2.40-bin" [ "ldd" "ldconfig" "getconf" ] linuxOnly; };
  # python3.withPackages (pkgs/development/interpreters/python/with-packages.nix): the function gets the
  # package set and returns a list; the environment puts python3 on PATH.
  python3 = tool "python3-3.13.7" [ "python3" "python" ] { } // {
    withPackages =
      f:
      assert builtins.isList (f { pyyaml = mkFake "python3.13-pyyaml-6.0.2" { }; });
      tool "python3-3.13.7-env" [ "python3" "python" ] { };
  };
  # The platform flags belong to stdenv.hostPlatform (lib/systems). nixpkgs after 26.05 warns on the
  # old stdenv.isLinux / isDarwin aliases; the stand-in warns already, so the suite (which fails on any
  # evaluation warning) keeps the flake on hostPlatform.
  stdenv = {
    isLinux = lib'.warn "stdenv.isLinux is deprecated, use stdenv.hostPlatform.isLinux" (
      builtins.elem system lib.platforms.linux
    );
    isDarwin = lib'.warn "stdenv.isDarwin is deprecated, use stdenv.hostPlatform.isDarwin" (
      !(builtins.elem system lib.platforms.linux)
    );
    hostPlatform = {
      inherit system;
      isLinux = builtins.elem system lib.platforms.linux;
      isDarwin = !(builtins.elem system lib.platforms.linux);
    };
  };
  nixfmt-tree = mkFake "nixfmt-tree" { };
}
