#!/usr/bin/env node
// pnpm rename <name> [--owner <owner>]: make the template yours, once.
//
// Rewrites every spelling of the root package.json's name (my-app, my_app, MY_APP, MyApp, myApp, myapp) and the
// source URL github.com/<owner>/<repo> in the tracked text files. Then removes what proves the template rather
// than your project: this file, proof/, .ci/, the `rename` and `bench` scripts, and the lines marked
// `rename:line` or between `rename:begin` and `rename:end`. Refuses a bad name or owner (exit 2) and uncommitted
// changes (exit 3), so `git diff` shows exactly what it did. Logs on stderr; the new name alone on stdout.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const refuse = (code, message) => {
  process.stderr.write(`rename: ${message}\n`);
  process.exit(code);
};
const usage = "usage: pnpm rename <name> [--owner <github owner>]";
// Both an npm package name and an OCI repository path component, with one separator between words.
const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const OWNER = /^[A-Za-z0-9](-?[A-Za-z0-9])*$/;

let args;
try {
  args = parseArgs({ allowPositionals: true, options: { owner: { type: "string" } } });
} catch (error) {
  refuse(2, `${error.message}\n${usage}`);
}
if (args.positionals.length !== 1) refuse(2, usage);
const [name] = args.positionals;
if (!NAME.test(name) || name.length > 214)
  refuse(2, `'${name}' is not a project name: lowercase words joined by one '-', '_' or '.'`);
const { owner } = args.values;
if (owner !== undefined && (!OWNER.test(owner) || owner.length > 39))
  refuse(2, `'${owner}' is not a GitHub owner: letters, digits and single inner hyphens, at most 39`);

const git = (...a) => execFileSync("git", a, { encoding: "utf8", maxBuffer: 64 << 20 });
const root = git("rev-parse", "--show-toplevel").trim();
const dirty = git("-C", root, "status", "--porcelain", "--untracked-files=no");
if (dirty) refuse(3, `the work tree has uncommitted changes; commit or stash them first:\n${dirty}`);

const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const oldName = manifest.name;
const url = manifest.repository?.url ?? "";
const source = /^(?:git\+)?https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
if (!source)
  refuse(2, `the root package.json's repository.url is not https://github.com/<owner>/<repo>: '${url}'`);
const [, oldOwner, oldRepo] = source;
const newUrl = `github.com/${owner ?? oldOwner}/${name}`;

// A one-word name has one spelling (`Shop` and `SHOP` are ordinary words).
const cap = (w) => w.charAt(0).toUpperCase() + w.slice(1);
const spellings = (n, w = n.split(/[._-]/), snake = w.join("_"), pascal = w.map(cap).join("")) =>
  /[._-]/.test(oldName)
    ? [n, snake, snake.toUpperCase(), pascal, w[0] + pascal.slice(w[0].length), w.join("")]
    : [n];
const to = spellings(name);
const replacements = new Map([[`github.com/${oldOwner}/${oldRepo}`, newUrl]]);
spellings(oldName).forEach((s, i) => replacements.has(s) || replacements.set(s, to[i]));
// Longest first; a spelling counts when no letter or digit is glued to it (`\n` before it is an escape), so
// renaming `shop` leaves `workshop` alone.
const alternatives = [...replacements.keys()]
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
const pattern = new RegExp(`(?<=^|[^A-Za-z0-9]|\\\\[nrt])(?:${alternatives.join("|")})(?![a-z0-9])`, "g");

const self = "scripts/rename.mjs";
const removed = ["proof/", ".ci/"];
let inside = false;
const withoutRename = (text) =>
  text
    .split("\n")
    .filter((line) => {
      if (line.includes("rename:begin")) inside = true;
      const keep = !inside && !line.includes("rename:line");
      if (line.includes("rename:end")) inside = false;
      return keep;
    })
    .join("\n");

const changes = [];
for (const file of git("-C", root, "ls-files", "-z").split("\0")) {
  if (!file || file === self || removed.some((dir) => file.startsWith(dir))) continue;
  const bytes = readFileSync(join(root, file));
  if (bytes.subarray(0, 8000).includes(0)) continue; // binary
  const text = bytes.toString("utf8");
  let renamed = withoutRename(text.replace(pattern, (match) => replacements.get(match)));
  if (file === "package.json") {
    const json = JSON.parse(renamed);
    delete json.scripts.rename;
    delete json.scripts.bench;
    json.scripts.verify = "turbo run lint typecheck build test test:e2e";
    renamed = `${JSON.stringify(json, null, 2)}\n`;
  }
  if (renamed !== text) changes.push([file, renamed]);
}
// Computed first, written after: a failure above leaves every file as it was.
for (const [file, text] of changes) writeFileSync(join(root, file), text);
for (const path of [self, ...removed]) rmSync(join(root, path), { recursive: true, force: true });

process.stderr.write(
  `rename: ${oldName} -> ${name}, ${newUrl}: ${changes.length} files changed; ${self}, proof/ and .ci/ removed\n`,
);
process.stdout.write(`${name}\n`);
