#!/usr/bin/env node
// Every shell command the docs show must exist in this repository. Reads the fenced ```bash / ```sh / ```shell /
// ```console blocks of every tracked Markdown file (or the files given after --files) and reports, as
// `file:line: problem`, any:
//   - `pnpm <script>` that is neither a pnpm command nor a script of the package it runs in (the root, the
//     directory a preceding `cd` entered, or the `--filter` package), `pnpm turbo <task>` that no turbo.json
//     defines, `pnpm turbo gen <name>` without that generator, `pnpm verify <step>` that is not a step;
//   - repository path (`scripts/…`, `proof/…/run.sh`, `../../scripts/…`, `apps/web`) that does not exist, unless
//     git ignores it (a build output such as `apps/web/.next/standalone/…`);
//   - command that is none of these and not in EXTERNAL_TOOLS below;
//   - with `nix FLAKE_COPY`: `nix build` / `develop` / `run` / `shell` attribute (`.#name`) that the flake does not
//     define, checked by evaluating the copy against the stand-in inputs (proof/lib-nix.sh's stub_eval).
// Usage: node commands.mjs static|nix [FLAKE_COPY] [--files FILE...]. Exit 1 when anything is reported.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { docFiles } from "./doc-files.mjs";

const root = join(import.meta.dirname, "..", "..");
const [mode, ...rest] = process.argv.slice(2);
const filesAt = rest.indexOf("--files");
const flakeCopy = mode === "nix" ? rest[0] : undefined;
if (!["static", "nix"].includes(mode) || (mode === "nix" && !flakeCopy)) {
  process.stderr.write("usage: commands.mjs static|nix FLAKE_COPY [--files FILE...]\n");
  process.exit(2);
}

// Commands about tools outside this repository: what they do is their own documentation's business. Keep it
// short; a command that is not here and not a repository thing is reported.
const EXTERNAL_TOOLS = new Set([
  ...[
    "cd",
    "echo",
    "printf",
    "cat",
    "export",
    "eval",
    "source",
    "rm",
    "mkdir",
    "cp",
    "mv",
    "ls",
    "head",
    "tail",
  ],
  ...["tar", "gunzip", "sha256sum", "curl", "jq", "git", "sed", "grep", "ssh", "sudo", "env", "ps", "kill"],
  ...[
    "direnv",
    "devenv",
    "nvm",
    "fnm",
    "corepack",
    "brew",
    "apt-get",
    "apt",
    "node",
    "bash",
    "sh",
    "npm",
    "npx",
  ],
  ...[
    "docker",
    "podman",
    "skopeo",
    "kubectl",
    "gcloud",
    "aws",
    "az",
    "helm",
    "flyctl",
    "gh",
    "psql",
    "pg_isready",
    "createdb",
    "nix-collect-garbage",
  ],
]);
// nix subcommands other than build/develop/run/shell (whose attributes are checked) that the docs may show.
const NIX_COMMANDS = new Set([
  "flake",
  "fmt",
  "profile",
  "hash",
  "path-info",
  "store",
  "eval",
  "--version",
  "log",
]);
const NIX_FLAKE_COMMANDS = new Set(["check", "init", "update", "lock", "metadata", "show", "new"]);
// pnpm's own commands (pnpm runs these rather than a script of the same name); `test`, `start` and `run` run scripts.
const PNPM_BUILTINS = new Set(
  (
    "add i install update up upgrade remove rm uninstall link ln unlink import rebuild rb prune fetch patch " +
    "patch-commit audit list ls outdated why licenses exec dlx create init env store config c get set root bin " +
    "setup publish pack deploy doctor self-update help approve-builds ignored-builds --version -v --help"
  ).split(" "),
);
const PNPM_VALUE_FLAGS = new Set([
  "--filter",
  "-F",
  "--dir",
  "-C",
  "--reporter",
  "--loglevel",
  "--workspace-concurrency",
]);
const TURBO_BUILTINS = new Set([
  "ls",
  "prune",
  "login",
  "logout",
  "link",
  "unlink",
  "daemon",
  "info",
  "telemetry",
  "query",
]);
const TURBO_VALUE_FLAGS = new Set([
  "--filter",
  "-F",
  "--concurrency",
  "--cache-dir",
  "--output-logs",
  "--log-order",
]);
const NIX_VALUE_FLAGS = new Set([
  ...["--system", "--builders", "--extra-experimental-features", "--max-jobs", "-j", "--cores"],
  ...["-o", "--out-link", "--profile", "--store", "--eval-store", "--extra-substituters"],
]);
const NIX_TWO_VALUE_FLAGS = new Set(["--override-input", "--option", "--arg", "--argstr"]);
const FLAKE_OUTPUTS = new Set(["packages", "devShells", "checks", "apps", "formatter", "legacyPackages"]);
const SYSTEM = "x86_64-linux"; // images exist only on Linux; `.#packages.<system>.x` names its system itself

// --- what the repository defines ------------------------------------------------------------------------------
const readJson = (file) => JSON.parse(readFileSync(join(root, file), "utf8"));
const workspaceDirs = ["apps", "packages"].flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, dir, e.name, "package.json")))
    .map((e) => `${dir}/${e.name}`),
);
const packages = [".", ...workspaceDirs].map((dir) => {
  const manifest = readJson(join(dir, "package.json"));
  return { dir, name: manifest.name, scripts: Object.keys(manifest.scripts ?? {}) };
});
const turboTasks = new Set(
  [".", ...workspaceDirs]
    .filter((dir) => existsSync(join(root, dir, "turbo.json")))
    .flatMap((dir) => Object.keys(readJson(join(dir, "turbo.json")).tasks ?? {}))
    .flatMap((task) => [task, task.replace(/^[^#]*#/, "")]),
);
const generatorsFile = ["turbo/generators/config.ts", "turbo/generators/config.js"].find((f) =>
  existsSync(join(root, f)),
);
const verifySteps = new Set([
  ...[...readFileSync(join(root, "proof/verify.mjs"), "utf8").matchAll(/\{ name: "([\w:-]+)"/g)].map(
    (m) => m[1],
  ),
  ...readdirSync(join(root, "proof")).filter((d) =>
    ["run.sh", "vitest.config.ts"].some((f) => existsSync(join(root, "proof", d, f))),
  ),
]);

// --- reading the docs ---------------------------------------------------------------------------------------------
const files = filesAt >= 0 ? rest.slice(filesAt + 1) : docFiles();

/** The command lines of a file's shell blocks: { file, line, text, block } with continuation lines joined. */
function commandLines(file) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const out = [];
  let fence;
  let lang;
  let block = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence && open) {
      [fence, lang] = [open[1], open[2]];
      block++;
      continue;
    }
    if (fence && line.trim().startsWith(fence)) {
      fence = undefined;
      continue;
    }
    if (!fence || !["bash", "sh", "shell", "console"].includes(lang)) continue;
    let text = line;
    if (lang === "console") {
      if (!/^\s*\$ /.test(text)) continue; // output, not a command
      text = text.replace(/^\s*\$ /, "");
    }
    const start = i;
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, " ") + lines[++i];
    out.push({ file, line: start + 1, text, block: `${file}#${block}` });
  }
  return out;
}

/** Splits a line into simple commands (words, quotes removed); `$(…)` contents become commands of their own. */
function simpleCommands(text) {
  const commands = [];
  let words = [];
  let word = "";
  let inWord = false;
  let quote = "";
  const endWord = () => {
    if (inWord) words.push(word);
    [word, inWord] = ["", false];
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = "";
      else if (quote === '"' && c === "$" && text[i + 1] === "(") i = substitution(i);
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') [quote, inWord] = [c, true];
    else if (c === "$" && text[i + 1] === "(") i = substitution(i);
    else if (c === "#" && !inWord)
      break; // a comment
    else if (/\s/.test(c)) endWord();
    else if (c === ";" || c === "|" || c === "&" || c === "(" || c === ")") endCommand();
    else if (c === ">" || c === "<") {
      endWord(); // a redirection: its target is skipped
      while (/[<>&0-9]/.test(text[i + 1] ?? "")) i++;
      while (/\s/.test(text[i + 1] ?? "")) i++;
      while (i + 1 < text.length && !/[\s;|&]/.test(text[i + 1])) i++;
    } else [word, inWord] = [word + c, true];
  }
  endCommand();
  return commands;

  function substitution(at) {
    let depth = 0;
    for (let j = at + 1; j < text.length; j++) {
      if (text[j] === "(") depth++;
      if (text[j] === ")" && --depth === 0) {
        commands.push(...simpleCommands(text.slice(at + 2, j)));
        word += "$SUBST";
        inWord = true;
        return j;
      }
    }
    return text.length;
  }
}

// --- the checks -----------------------------------------------------------------------------------------------------
const problems = [];
const nixRefs = [];
let checked = 0;

/** A word that names a repository path, resolved from cwd; undefined when it names something else. */
function repoPath(word, cwd) {
  if (!word.includes("/") || /[$*{}<>…:#@=\\]/.test(word) || /^[-/~]/.test(word)) return undefined;
  const path = posix.normalize(posix.join(cwd, word)).replace(/\/$/, "");
  if (path.startsWith("..") || path === ".") return undefined;
  return existsSync(join(root, cwd, word.split("/")[0])) ? path : undefined; // its first part is ours
}
const ignored = (path) =>
  spawnSync("git", ["-C", root, "check-ignore", "-q", "--no-index", path]).status === 0;
function checkPath(where, word, cwd) {
  const path = repoPath(word, cwd);
  if (path && !existsSync(join(root, path)) && !ignored(path))
    problems.push(`${where}: no such file: ${word}`);
}

function packageAt(cwd) {
  for (let dir = cwd; ; dir = posix.dirname(dir)) {
    const pkg = packages.find((p) => p.dir === dir);
    if (pkg || dir === ".") return pkg ?? packages[0];
  }
}
function filterPackages(filter, cwd) {
  const byPath = /^\{?(\.{1,2}\/[^}]*)\}?$/.exec(filter);
  if (byPath)
    return packages.filter((p) => p.dir === posix.normalize(posix.join(cwd, byPath[1])).replace(/\/$/, ""));
  if (/[.[*{]/.test(filter.replace(/^@repo\//, ""))) return packages; // a graph or glob selector
  return packages.filter((p) => p.name === filter);
}

function checkPnpm(where, args, cwd) {
  const filters = [];
  let recursive = false;
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (positional.length && (a === "--" || !a.startsWith("-"))) positional.push(a);
    else if (PNPM_VALUE_FLAGS.has(a)) {
      if (a === "--filter" || a === "-F") filters.push(args[i + 1]);
      if (a === "--dir" || a === "-C") cwd = posix.normalize(posix.join(cwd, args[i + 1]));
      i++;
    } else if (a.startsWith("--filter=")) filters.push(a.slice("--filter=".length));
    else if (a === "-r" || a === "--recursive") recursive = true;
    else if (a === "-w" || a === "--workspace-root") cwd = ".";
    else if (!a.startsWith("-") || positional.length) positional.push(a);
  }
  let [command, ...more] = positional;
  if (command === undefined) return;
  if (command === "turbo") return checkTurbo(where, more);
  let script = command;
  if (command === "run" || command === "run-script") {
    script = more[0];
    more = more.slice(1);
    if (script === undefined) return; // lists the scripts
  } else if (PNPM_BUILTINS.has(command)) return;
  const scope = recursive
    ? packages
    : filters.length
      ? filters.flatMap((f) => filterPackages(f, cwd))
      : [packageAt(cwd)];
  if (!scope.some((p) => p.scripts.includes(script))) {
    const names =
      scope.map((p) => (p.dir === "." ? "the root package.json" : p.name)).join(", ") ||
      `--filter ${filters}`;
    problems.push(`${where}: pnpm ${script}: no such script in ${names}`);
  }
  if (script === "verify" && scope.includes(packages[0])) {
    for (const step of more.filter((a) => !a.startsWith("-")))
      if (!verifySteps.has(step))
        problems.push(`${where}: pnpm verify ${step}: no such step (${[...verifySteps].join(" ")})`);
  }
}

function checkTurbo(where, args) {
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    if (TURBO_VALUE_FLAGS.has(args[i])) i++;
    else if (args[i] === "--") break;
    else if (!args[i].startsWith("-")) positional.push(args[i]);
  }
  let [command, ...tasks] = positional;
  if (command === undefined || TURBO_BUILTINS.has(command)) return;
  if (command === "gen" || command === "generate") {
    const name = tasks.find((t) => !["run", "workspace"].includes(t));
    const config = generatorsFile ? readFileSync(join(root, generatorsFile), "utf8") : "";
    if (!generatorsFile) problems.push(`${where}: turbo ${command}: no turbo/generators/config.ts`);
    else if (name && !new RegExp(`setGenerator\\(\\s*["'\`]${name}["'\`]`).test(config))
      problems.push(`${where}: turbo ${command} ${name}: ${generatorsFile} defines no generator "${name}"`);
    return;
  }
  if (command !== "run" && command !== "watch") tasks = [command, ...tasks];
  for (const task of tasks)
    if (!turboTasks.has(task)) problems.push(`${where}: turbo ${task}: no turbo.json defines that task`);
}

function checkNix(where, args, cwd) {
  const positional = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === "-c" || a === "--command" || a === "--") break;
    if (NIX_VALUE_FLAGS.has(a)) i++;
    else if (NIX_TWO_VALUE_FLAGS.has(a)) i += 2;
    else if (!a.startsWith("-") || (positional.length === 0 && a === "--version")) positional.push(a);
  }
  const [command, ...installables] = positional;
  if (i < args.length && args[i] !== "--") checkCommand(where, args.slice(i + 1), cwd); // develop/shell -c CMD
  if (["build", "develop", "run", "shell"].includes(command)) {
    const kind = command === "develop" ? "develop" : "build";
    for (const installable of installables.length ? installables : ["."]) {
      const [ref, attr = "default"] = installable.split("#");
      const dir =
        ref === "" ? cwd : /^(\.|\.\.|\/)/.test(ref) ? posix.normalize(posix.join(cwd, ref)) : undefined;
      if (dir !== ".") continue; // another flake (nixpkgs#direnv, github:…): not ours to check
      nixRefs.push({ where, installable, kind, attr: attr.split(".") });
    }
  } else if (command === "flake") {
    if (!NIX_FLAKE_COMMANDS.has(installables[0]))
      problems.push(`${where}: nix flake ${installables[0]}: not an allowed nix command`);
  } else if (!NIX_COMMANDS.has(command))
    problems.push(`${where}: nix ${command}: not an allowed nix command`);
}

function checkCommand(where, words, cwd) {
  words = [...words];
  for (;;) {
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=(.*)$/.exec(words[0] ?? "");
    if (!assignment) break;
    checkPath(where, assignment[1], cwd);
    words.shift();
  }
  const [head, ...args] = words;
  if (head === undefined || head === "$SUBST") return;
  checked++;
  // outputs need not exist: mkdir/touch arguments, the target of cp/mv/ln
  const outputs = ["mkdir", "touch"].includes(head)
    ? args
    : ["cp", "mv", "ln"].includes(head)
      ? args.slice(-1)
      : [];
  for (const arg of args) if (!outputs.includes(arg)) checkPath(where, arg.replace(/^--?[\w-]+=/, ""), cwd);
  if (head === "pnpm") checkPnpm(where, args, cwd);
  else if (head === "turbo") checkTurbo(where, args);
  else if (head === "nix") checkNix(where, args, cwd);
  else if (head.includes("/")) {
    const path = repoPath(head, cwd);
    if (!path) problems.push(`${where}: ${head}: not a file in this repository`);
    else checkPath(where, head, cwd);
  } else if (!EXTERNAL_TOOLS.has(head))
    problems.push(`${where}: ${head}: not a repository command or an allowed external tool`);
}

const lines = files.flatMap(commandLines);
const cwds = new Map();
for (const { file, line, text, block } of lines) {
  const where = `${file}:${line}`;
  for (const words of simpleCommands(text)) {
    const cwd = cwds.get(block) ?? ".";
    if (words[0] === "cd" && words[1]) {
      const path = repoPath(words[1].endsWith("/") ? words[1] : `${words[1]}/`, cwd);
      if (path && existsSync(join(root, path)) && statSync(join(root, path)).isDirectory())
        cwds.set(block, path);
      else if (words[1] === "-" || !words[1].includes("/"))
        cwds.set(block, "."); // back to, or into, the checkout
      else problems.push(`${where}: cd ${words[1]}: no such directory`);
      continue;
    }
    checkCommand(where, words, cwd);
  }
}

// --- nix attributes, against the stand-in evaluation --------------------------------------------------------------
if (mode === "nix") {
  problems.length = 0; // the rest is `static`'s report
  // What `nix build .#a.b` and `nix develop .#a.b` try, in order (nix's installable lookup), grouped by output.
  const candidates = (ref) => [
    ...(ref.kind === "develop" ? [["devShells", SYSTEM, ...ref.attr]] : []),
    ["packages", SYSTEM, ...ref.attr],
    ...(FLAKE_OUTPUTS.has(ref.attr[0]) ? [ref.attr] : []), // a full path: .#packages.aarch64-linux.image-web
  ];
  const byOutput = new Map();
  for (const ref of nixRefs)
    for (const [output, ...path] of candidates(ref))
      byOutput.set(output, [...(byOutput.get(output) ?? []), path]);
  const found = new Set();
  const failures = [];
  for (const [output, paths] of byOutput) {
    const has =
      "let has = p: o: p == [ ] || (builtins.isAttrs o && o ? ${builtins.head p} && has (builtins.tail p) o.${builtins.head p}); in";
    const apply = `${has} o: map (p: has p o) [ ${paths.map((p) => `[ ${p.map((s) => JSON.stringify(s)).join(" ")} ]`).join(" ")} ]`;
    const result = spawnSync(
      "bash",
      [
        "-c",
        'source "$1" && stub_eval "$2" "$3" "$4"',
        "stub_eval",
        join(root, "proof/lib-nix.sh"),
        flakeCopy,
        output,
        apply,
      ],
      { encoding: "utf8", cwd: flakeCopy },
    );
    if (result.status !== 0) {
      if (/does not provide attribute/.test(result.stderr)) continue; // the flake has no such output at all
      failures.push(`nix eval ${output} failed: ${result.stderr.trim().split("\n").slice(-5).join("\n")}`);
      continue;
    }
    JSON.parse(result.stdout).forEach((has, k) => has && found.add([output, ...paths[k]].join("\u0000")));
  }
  problems.push(...failures);
  for (const ref of nixRefs) {
    checked++;
    if (!candidates(ref).some((c) => found.has(c.join("\u0000"))))
      problems.push(
        `${ref.where}: nix ${ref.kind} ${ref.installable}: the flake defines no ${candidates(ref)
          .map((c) => c.join("."))
          .join(" or ")}`,
      );
  }
  process.stdout.write(`${nixRefs.length} nix attribute references in ${files.length} files\n`);
} else {
  process.stdout.write(`${checked} commands in ${lines.length} lines of ${files.length} files\n`);
}

for (const problem of problems) process.stdout.write(`${problem}\n`);
process.exit(problems.length ? 1 : 0);
