# One app's OCI image: nodejs-slim (no npm) running the app's tree as an unprivileged user, no shell.
# A gzip docker-archive with a layer per popular store path, so a code change re-ships only the app's layer.
{
  lib,
  dockerTools,
  workspace,
  app,
  settings,
  user,
}:
let
  owner = "${toString user.uid}:${toString user.gid}";
in
assert
  app.cacheDir == null
  || builtins.elem app.cacheDir settings.writableDirs
  || throw "${settings.imageName}: cacheDir ${app.cacheDir} is not in writableDirs";
dockerTools.buildLayeredImage {
  name = settings.imageName;
  tag = "latest";

  contents = [
    (dockerTools.fakeNss.override {
      extraPasswdLines = [ "${user.name}:x:${owner}:${user.name}:/var/empty:/bin/false" ];
      extraGroupLines = [ "${user.name}:x:${toString user.gid}:" ];
    })
    dockerTools.caCertificates
  ];

  # Under fakeroot, in the image's root: /tmp sticky for all, every other writable directory the user's alone.
  fakeRootCommands = lib.concatMapStrings (dir: ''
    mkdir -p .${dir}
    ${if dir == "/tmp" then "chmod 1777 ./tmp" else "chown ${owner} .${dir}; chmod 0700 .${dir}"}
  '') settings.writableDirs;

  config = {
    User = owner;
    # The app's entry drains and exits 0 on SIGTERM itself: no init wrapper.
    Cmd = [
      "${workspace.nodejs-slim}/bin/node"
      "${app}/${app.entry}"
    ];
    # Node.js trusts its own CA list plus the file NODE_EXTRA_CA_CERTS names, read once at start (it ignores
    # SSL_CERT_FILE). A corporate CA: mount its PEM file and point NODE_EXTRA_CA_CERTS at that instead.
    Env = lib.mapAttrsToList (name: value: "${name}=${value}") settings.env ++ [
      "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-bundle.crt"
    ];
    ExposedPorts."${toString settings.port}/tcp" = { };
    # Where a runtime may mount tmpfs, for a read-only root.
    Labels = settings.labels // {
      writable-dirs = lib.concatStringsSep " " settings.writableDirs;
    };
    WorkingDir = "/tmp";
  };
}
