#!/usr/bin/env node
// pnpm rename <name> [--owner <owner>]: make the template yours.
//
// The project's name is the root package.json's `name`; this rewrites every spelling of it (kebab
// `my-app`, snake `my_app`, SCREAMING `MY_APP`, Pascal `MyApp`, camel `myApp`, compact `myapp`) in the
// tracked text files, and the source URL https://github.com/<owner>/<name> (root package.json's
// `repository.url`, which becomes the images' org.opencontainers.image.source label). Without --owner the
// owner stays. Binary files are left alone.
//
// It refuses (exit 2, nothing written) a name that is not both a valid npm package name and an OCI
// repository path component, an owner GitHub would not accept, and (exit 3) uncommitted changes to
// tracked files (untracked ones are never touched), so that `git diff` shows exactly what it did and
// `git checkout .` undoes it.
//
// It runs once: having renamed, it removes itself and what proves the template rather than your project: this
// file, proof/ and .ci/, the `rename` and `bench` scripts in package.json (`verify` becomes turbo's own steps), and
// the lines about them elsewhere, marked `rename:begin` … `rename:end` around a block or `rename:line` on one
// line. The app generator (turbo/generators) stays.
// Logs go to stderr; the new name alone goes to stdout.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const log = (message) => process.stderr.write(`rename: ${message}\n`);
const refuse = (code, message) => {
  log(message);
  process.exit(code);
};
const usage = "usage: pnpm rename <name> [--owner <github owner>]";

// OCI distribution spec, a path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* — narrowed to one separator
// so the name also splits into words; npm: lowercase, ≤ 214 characters, no leading dot or underscore.
const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
// GitHub: alphanumerics and single hyphens, not at either end, ≤ 39 characters.
const OWNER = /^[A-Za-z0-9](-?[A-Za-z0-9])*$/;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { owner: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
} catch (error) {
  refuse(2, `${error.message}\n${usage}`);
}
if (parsed.values.help) {
  process.stderr.write(`${usage}\n`);
  process.exit(0);
}
if (parsed.positionals.length !== 1) refuse(2, usage);
const [name] = parsed.positionals;
if (!NAME.test(name) || name.length > 214)
  refuse(
    2,
    `'${name}' is not a project name: lowercase letters and digits, words joined by one '-', '_' or '.', at most 214 characters (an npm package name and an OCI repository name)`,
  );
const ownerArg = parsed.values.owner;
if (ownerArg !== undefined && (!OWNER.test(ownerArg) || ownerArg.length > 39))
  refuse(
    2,
    `'${ownerArg}' is not a GitHub owner: letters, digits and single hyphens inside, at most 39 characters`,
  );

const git = (...args) => execFileSync("git", args, { encoding: "utf8", maxBuffer: 64 << 20 });
let root;
try {
  root = git("rev-parse", "--show-toplevel").trim();
} catch {
  refuse(2, "not inside a git work tree: run it in your copy of the template");
}
const dirty = git("-C", root, "status", "--porcelain", "--untracked-files=no");
if (dirty)
  refuse(3, `the work tree has uncommitted changes; commit or stash them first:\n${dirty.trimEnd()}`);

const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const oldName = manifest.name;
if (typeof oldName !== "string" || !NAME.test(oldName))
  refuse(2, `the root package.json's name '${oldName}' is not a project name`);
const source = /^(?:git\+)?https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(
  manifest.repository?.url ?? "",
);
if (!source)
  refuse(
    2,
    `the root package.json's repository.url is not https://github.com/<owner>/<repo>: '${manifest.repository?.url}'`,
  );
const [, oldOwner, oldRepo] = source;
const owner = ownerArg ?? oldOwner;

// Every spelling of a name, from its words; a one-word name has one (`Shop` and `SHOP` are ordinary words).
const words = (n) => n.split(/[._-]/);
const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const spellings = (n) => {
  const w = words(n);
  if (words(oldName).length === 1) return { kebab: n };
  return {
    kebab: n,
    snake: w.join("_"),
    screaming: w.join("_").toUpperCase(),
    pascal: w.map(cap).join(""),
    camel: w[0] + w.slice(1).map(cap).join(""),
    compact: w.join(""),
  };
};
const from = spellings(oldName);
const to = spellings(name);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// One pass, longest first: the source URL as a whole (its owner may itself be spelt like the name), then the
// spellings. A spelling counts when no letter or digit is glued to it (`\n` before it is an escape, not a
// letter), so renaming `shop` leaves `workshop` alone.
const replacements = new Map([[`github.com/${oldOwner}/${oldRepo}`, `github.com/${owner}/${name}`]]);
for (const key of Object.keys(from)) if (!replacements.has(from[key])) replacements.set(from[key], to[key]);
const alternatives = [...replacements.keys()].sort((a, b) => b.length - a.length).map(escape);
const pattern = new RegExp(`(?<=^|[^A-Za-z0-9]|\\\\[nrt])(?:${alternatives.join("|")})(?![a-z0-9])`, "g");

const self = "scripts/rename.mjs";
const removed = ["proof/", ".ci/"];
const skip = (file) => file === self || removed.some((dir) => file.startsWith(dir));

/** The text without the lines about renaming: `rename:line` lines, and `rename:begin` … `rename:end` blocks. */
const withoutRename = (text) => {
  let inside = false;
  const kept = text.split("\n").filter((line) => {
    if (line.includes("rename:begin")) inside = true;
    const keep = !inside && !line.includes("rename:line");
    if (line.includes("rename:end")) inside = false;
    return keep;
  });
  return kept.join("\n");
};
const files = git("-C", root, "ls-files", "-z")
  .split("\0")
  .filter((f) => f && !skip(f));
const changes = [];
for (const file of files) {
  let bytes;
  try {
    bytes = readFileSync(join(root, file));
  } catch {
    continue; // a symlink to a directory, a submodule
  }
  if (bytes.subarray(0, 8000).includes(0)) continue; // binary
  const text = bytes.toString("utf8");
  let renamed = withoutRename(text.replace(pattern, (match) => replacements.get(match)));
  if (file === "package.json") {
    const json = JSON.parse(renamed);
    delete json.scripts?.rename;
    delete json.scripts?.bench;
    if (json.scripts?.verify) json.scripts.verify = "turbo run lint typecheck build test test:e2e";
    renamed = `${JSON.stringify(json, null, 2)}\n`;
  }
  if (renamed !== text) changes.push([file, renamed]);
}
// Computed first, written after: a failure above leaves every file as it was.
for (const [file, text] of changes) writeFileSync(join(root, file), text);
rmSync(join(root, self));
for (const dir of removed) rmSync(join(root, dir), { recursive: true, force: true });

// What still names them would break (a link, a command): say where, so it can be marked or fixed.
const leftover = files.filter((file) => {
  try {
    return /(^|[^\w.-])(proof|\.ci)\//m.test(readFileSync(join(root, file), "utf8"));
  } catch {
    return false; // a directory, a submodule
  }
});
if (leftover.length) log(`warning: these still name proof/ or .ci/: ${leftover.join(", ")}`);

log(
  `${oldName} -> ${name}, github.com/${oldOwner}/${oldRepo} -> github.com/${owner}/${name}: ${changes.length + 1} files changed; ${self}, proof/ and .ci/ removed (they have done their job)`,
);
log("next: git diff, pnpm install, commit");
process.stdout.write(`${name}\n`);
