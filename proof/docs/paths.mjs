#!/usr/bin/env node
// Two promises the docs and comments make, checked:
//   paths   every repository path named in a doc (every tracked Markdown file: prose and code alike) or in a
//           code comment (// # /* * in the tracked source, scripts, Nix, workflow and config files) exists, unless
//           git ignores it (a build output such as apps/web/.next/cache). A path is a word starting with one of
//           the repository's top-level directories (apps/, docs/, nix/, scripts/, …), or with ./ or ../ (relative
//           to the file, or to the root); placeholders (<app>, *, {a,b}, $VAR, …) are skipped.
//   database  every `docker run` / `podman run` of an image that needs a database (DATABASE_IMAGES) in the docs'
//           shell blocks passes DATABASE_URL into the container (-e/--env DATABASE_URL[=…]): without it the image
//           exits 1 at start, so the example cannot work as written.
// Usage: node paths.mjs paths|database [--files FILE...]. Prints `file:line: problem` lines; exit 1 when any.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { docFiles } from "./doc-files.mjs";

const root = join(import.meta.dirname, "..", "..");
const [mode, ...rest] = process.argv.slice(2);
const filesAt = rest.indexOf("--files");
const given = filesAt >= 0 ? rest.slice(filesAt + 1) : undefined;
if (!["paths", "database"].includes(mode)) {
  process.stderr.write("usage: paths.mjs paths|database [--files FILE...]\n");
  process.exit(2);
}

const project = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name;
// The apps whose image cannot start without DATABASE_URL (production requires it: apps/api/src/env.ts).
const DATABASE_IMAGES = ["api"].map((app) => `${project}-${app}`);

const docs = docFiles;
const tracked = () =>
  spawnSync("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  })
    .stdout.split("\0")
    .filter((f) => f && existsSync(join(root, f)));

const problems = [];

if (mode === "paths") {
  const topDirs = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !["node_modules", ".git", ".tools"].includes(e.name))
    .map((e) => e.name.replace(/\./g, "\\."));
  // A path: a top-level directory (or ./ ../ in a doc), then path characters; it ends at a space, quote, bracket,
  // backtick or comma, and trailing sentence punctuation is dropped.
  const pathRe = new RegExp(
    String.raw`(?<![\w@/.$-])((?:\.{1,2}/)+[\w.-][^\s'"\`,;()\[\]]*|(?:${topDirs.join("|")})/[^\s'"\`,;()\[\]]*)`,
    "g",
  );
  const placeholder = /[<>*{}$…|\\]|\.\.\.|XXX/;
  const codeExt = /\.(ts|tsx|mts|js|mjs|cjs|sh|nix|ya?ml|json5?)$|(^|\/)(\.envrc|Dockerfile|run)$/;
  const commentOf = (file, line) => {
    if (/\.(ts|tsx|mts|js|mjs|cjs|json5)$/.test(file)) {
      const m = /(?:^|\s)(\/\/|\/\*|\*)(.*)$/.exec(line);
      return m && (m[1] !== "*" || /^\s*\*/.test(line)) ? m[2] : undefined;
    }
    if (/^#!/.test(line)) return undefined;
    const m = /(?:^|\s)#(.*)$/.exec(line);
    return m ? m[1] : undefined;
  };
  // a path that does not exist yet may still be a directory a pattern like `dist/` ignores
  const ignored = (path) =>
    [path, `${path}/`].some(
      (p) => spawnSync("git", ["-C", root, "check-ignore", "-q", "--no-index", p]).status === 0,
    );

  const files = given ?? [
    ...docs(),
    ...tracked().filter(
      (f) => codeExt.test(f) && !f.startsWith("proof/nix/fixtures/") && !f.endsWith("pnpm-lock.yaml"),
    ),
  ];
  let named = 0;
  for (const file of files) {
    const isDoc = file.endsWith(".md");
    readFileSync(join(root, file), "utf8")
      .split("\n")
      .forEach((line, i) => {
        const text = isDoc ? line : commentOf(file, line);
        if (!text || /eslint-(disable|enable)/.test(text)) return; // ESLint rule names look like paths
        for (const [, raw] of text.matchAll(pathRe)) {
          const word = raw.replace(/#.*$/, "").replace(/[.:!?]+$/, "");
          if (placeholder.test(word) || /^\.{1,2}\/$/.test(word)) continue;
          // ./ and ../ are relative to the file (a doc's link, a script's neighbour), or to the root (a workflow's
          // `uses: ./.github/…` quoted in a doc); the rest to the root.
          const candidates = /^\.{1,2}\//.test(word)
            ? [posix.join(dirname(file), word), word].map((p) => posix.normalize(p))
            : [posix.normalize(word)];
          if (candidates.every((p) => p.startsWith(".."))) continue; // outside the repository
          named++;
          const path = candidates[0];
          if (!candidates.some((p) => existsSync(join(root, p))) && !ignored(path))
            problems.push(`${file}:${i + 1}: no such file or directory: ${word}`);
        }
      });
  }
  process.stdout.write(`${named} repository paths named in ${files.length} files\n`);
} else {
  const files = given ?? docs();
  const image = new RegExp(
    String.raw`(^|/)(${DATABASE_IMAGES.map((n) => n.replace(/-/g, "\\-")).join("|")})([:@]|$)`,
  );
  let runs = 0;
  for (const file of files) {
    const lines = readFileSync(join(root, file), "utf8").split("\n");
    let fence;
    for (let i = 0; i < lines.length; i++) {
      const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
      if (!fence && open) {
        fence = ["bash", "sh", "shell", "console"].includes(open[2]) ? open[1] : "-";
        continue;
      }
      if (fence && lines[i].trim().startsWith(fence === "-" ? "```" : fence)) {
        fence = undefined;
        continue;
      }
      if (!fence || fence === "-") continue;
      const start = i;
      let text = lines[i].replace(/^\s*\$ /, "");
      while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, " ") + lines[++i];
      // each simple command of the line (split at ; && || |), comments dropped
      for (const command of text.replace(/(^|\s)#.*$/, "").split(/;|&&|\|\||\|/)) {
        const words = command.trim().split(/\s+/);
        const at = words.findIndex((w) => w === "docker" || w === "podman");
        if (at < 0 || words[at + 1] !== "run") continue;
        const args = words.slice(at + 2);
        if (!args.some((w) => image.test(w.replace(/^["']|["']$/g, "")))) continue;
        runs++;
        const passes = args.some(
          (w, k) =>
            (/^(-e|--env)$/.test(w) && /^["']?DATABASE_URL(=|["']?$)/.test(args[k + 1] ?? "")) ||
            /^(-e|--env=)["']?DATABASE_URL(=|["']?$)/.test(w),
        );
        if (!passes)
          problems.push(
            `${file}:${start + 1}: ${words[at]} run of ${args.find((w) => image.test(w))} without -e DATABASE_URL (it exits 1 without one)`,
          );
      }
    }
  }
  process.stdout.write(
    `${runs} docker/podman runs of ${DATABASE_IMAGES.join(", ")} in ${files.length} files\n`,
  );
}

for (const problem of problems) process.stdout.write(`${problem}\n`);
process.exit(problems.length ? 1 : 0);
