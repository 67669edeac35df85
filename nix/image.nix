# One OCI image for one app: `app` its runtime tree (nix/next-app.nix or nix/node-app.nix), `settings`
# its entry in nix/apps.nix, `common` the top of that file (user, created, tag).
#
# buildLayeredImage = streamLayeredImage piped through gzip: the result is a .tar.gz docker-archive
# (`docker load < result`), one layer per popular store path, so an app change re-ships only its own layer.
# Arguments as in pkgs/build-support/docker/default.nix (streamLayeredImage) and
# doc/build-helpers/images/dockertools.section.md.
{
  lib,
  dockerTools,
  workspace,
  app,
  settings,
  common,
}:
let
  inherit (common) user;
  owner = "${toString user.uid}:${toString user.gid}";

  # /etc/passwd and /etc/group with root, nobody and our user (pkgs/build-support/fake-nss).
  nss = dockerTools.fakeNss.override {
    extraPasswdLines = [
      "${user.name}:x:${toString user.uid}:${toString user.gid}:${user.name}:/var/empty:/bin/false"
    ];
    extraGroupLines = [ "${user.name}:x:${toString user.gid}:" ];
  };

  # The directories the user may write (settings.writableDirs): /tmp is sticky and world-writable as
  # everywhere; any other one belongs to the user alone. The app's cache directory must be one of them.
  writable = settings.writableDirs;
  shared = builtins.filter (dir: dir == "/tmp") writable;
  owned = builtins.filter (dir: dir != "/tmp") writable;
in
assert
  app.cacheDir == null
  || builtins.elem app.cacheDir writable
  || throw "${settings.imageName}: cacheDir ${app.cacheDir} is not in writableDirs";
dockerTools.buildLayeredImage {
  name = settings.imageName;
  inherit (common) tag created;

  contents = [
    nss
    dockerTools.caCertificates # /etc/ssl/certs/ca-bundle.crt and ca-certificates.crt
  ];

  # Runs under fakeroot in the image's root (relative paths) so chown sticks without real root or KVM.
  fakeRootCommands = ''
    ${lib.concatMapStrings (dir: ''
      mkdir -p .${dir}
      chmod 1777 .${dir}
    '') shared}
    ${lib.concatMapStrings (dir: ''
      mkdir -p .${dir}
      chown ${owner} .${dir}
      chmod 0700 .${dir}
    '') owned}
  '';

  config = {
    User = owner;
    # Bare node (nodejs-slim: no npm, no corepack) running the app's own start entry, which handles
    # SIGTERM itself (drains, exits 0): no shell, no init wrapper.
    Cmd = [
      "${workspace.nodejs-slim}/bin/node"
      "${app}/${app.entry}"
    ];
    Env =
      lib.mapAttrsToList (name: value: "${name}=${value}") settings.env
      ++ [
        # Node.js ships its own CA list; also trust the image's bundle (corporate CAs added to it).
        "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-bundle.crt"
        "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt"
      ];
    ExposedPorts = {
      "${toString settings.port}/tcp" = { };
    };
    # `writable-dirs`: where a runtime may mount tmpfs (space-separated absolute paths).
    Labels = settings.labels // {
      writable-dirs = lib.concatStringsSep " " writable;
    };
    WorkingDir = "/tmp";
  };
}
