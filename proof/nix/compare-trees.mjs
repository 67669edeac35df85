// Compares two runtime trees of the same app built from the same source, the way the rehearsal proves a build
// reproducible:  node compare-trees.mjs TREE1 TREE2
// Every path, type, x bit, link target and file content must match, except what Next.js derives from its
// per-build secrets (16.x: build/preview-key-utils.js, server/app-render/encryption-utils-server.js), random unless
// NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is set and .next/cache is seeded:
//   - the preview-mode id and keys and the Server Actions key (prerender-manifest.json, server/preview-props.json,
//     server/server-reference-manifest.*): their values are blanked;
//   - the Server Action ids, which that key salts (build/swc/options.js `hashSalt: serverReferenceHashSalt`): each
//     becomes the action's file and export name, read from server/server-reference-manifest.json, and a server
//     chunk's list of a page's actions, ordered by those ids, is compared as a set;
//   - the client chunks that carry those ids, whose content-hashed names therefore differ, and whose minified names
//     may differ too (the minifier's choice follows the ids' characters): paired by directory and the actions they
//     name, not compared byte for byte; every other file only in one tree
//     is paired with a file only in the other of the same directory and the same normalised content, and the pair's
//     names count as one (repeated until nothing new pairs, since a renamed chunk's name appears in other files);
//   - the `fileHashes`/`entryHash` of output-tracing files (*.nft.json): hashes of files compared here directly.
// Anything else that differs is printed and the exit code is 1. Exit 0 prints what differed only by those.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const [left, right] = process.argv.slice(2);
if (!left || !right) {
  console.error("usage: compare-trees.mjs TREE1 TREE2");
  process.exit(2);
}

const secretKeys =
  /((?:previewModeId|previewModeSigningKey|previewModeEncryptionKey|encryptionKey)\\?"\s*:\s*\\?")[^"\\]*/g;

function entries(root) {
  const out = new Map();
  const walk = (rel) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(root, path));
      if (stat.isSymbolicLink()) out.set(path, { type: "link", target: readlinkSync(join(root, path)) });
      else if (stat.isDirectory()) {
        out.set(path, { type: "dir" });
        walk(path);
      } else
        out.set(path, {
          type: "file",
          x: (stat.mode & 0o111) !== 0,
          raw: readFileSync(join(root, path), "latin1"),
        });
    }
  };
  walk("");
  return out;
}

/** Server Action id -> a name that is the same in every build: its file and export. */
function actionNames(tree) {
  const names = new Map();
  for (const [path, entry] of tree) {
    if (entry.type !== "file" || !/(^|\/)\.next\/server\/server-reference-manifest\.json$/.test(path))
      continue;
    const manifest = JSON.parse(entry.raw);
    for (const layer of ["node", "edge"])
      for (const [id, action] of Object.entries(manifest[layer] ?? {}))
        names.set(id, `<action ${action.filename}#${action.exportedName}>`);
  }
  return names;
}

const left_ = entries(left);
const right_ = entries(right);
const ids = [actionNames(left_), actionNames(right_)];
const renamed = new Map(); // a right-hand basename -> the left-hand one it pairs with

const actionExport = /"<action [^"]*>",0,[\w$]+/g;
const actionExportList = /"<action [^"]*>",0,[\w$]+(?:,"<action [^"]*>",0,[\w$]+)+/g;

function normalised(path, raw, side, extra = []) {
  let text = raw.replace(secretKeys, "$1<per-build secret>");
  for (const [id, name] of ids[side]) text = text.replaceAll(id, name);
  // Turbopack's server-actions loader exports a page's actions in the order of their salted ids: compare the
  // list as a set (`.s(["<action a>",0,x,"<action b>",0,y])`, minified).
  text = text.replace(actionExportList, (list) => list.match(actionExport).sort().join(","));
  if (side === 1) for (const [from, to] of [...renamed, ...extra]) text = text.replaceAll(from, to);
  if (path.endsWith(".nft.json")) {
    const trace = JSON.parse(text);
    for (const key of Object.keys(trace.fileHashes ?? {}))
      trace.fileHashes[key] = "<hash of a compared file>";
    if (trace.entryHash) trace.entryHash = "<hash of a compared file>";
    text = JSON.stringify(trace);
  }
  return text;
}

/** The actions a file names, by their build-independent names, in order. */
const actionsIn = (raw, side) =>
  [...ids[side]]
    .filter(([id]) => raw.includes(id))
    .map(([, name]) => name)
    .sort();
/**
 * Two minified client chunks (under .next/static) that name the same Server Actions: the minifier's short names
 * follow the characters of the salted ids, so beyond the ids their code may differ too; they count as the same
 * chunk of two builds, not compared byte for byte.
 */
function saltedClientChunks(p, q) {
  const a = left_.get(p);
  const b = right_.get(q);
  if (a?.type !== "file" || b?.type !== "file" || !/(^|\/)\.next\/static\//.test(p)) return false;
  const names = actionsIn(a.raw, 0);
  return names.length > 0 && JSON.stringify(names) === JSON.stringify(actionsIn(b.raw, 1));
}

const pathOnLeft = (path) =>
  join(dirname(path), renamed.get(basename(path)) ?? basename(path)).replace(/^\.\//, "");
/** `extra`: renames to assume on the right-hand side for this one comparison. */
const digest = (tree, side, path, extra) => {
  const entry = tree.get(path);
  if (entry.type === "link") return `l ${entry.target}`;
  if (entry.type === "dir") return "d";
  const hash = createHash("sha256")
    .update(normalised(path, entry.raw, side, extra), "latin1")
    .digest("hex");
  return `f${entry.x ? "x" : "-"} ${hash}`;
};

const onlyOnLeft = () =>
  [...left_.keys()].filter(
    (p) => left_.get(p).type === "file" && ![...right_.keys()].some((q) => pathOnLeft(q) === p),
  );
const onlyOnRight = () =>
  [...right_.keys()].filter((q) => right_.get(q).type === "file" && !left_.has(pathOnLeft(q)));

// Pair the files each tree alone has, by directory and normalised content, until nothing new pairs. A chunk may
// name itself (its source map), so each candidate is compared as if it were already renamed.
for (let grew = true; grew;) {
  grew = false;
  const onlyLeft = onlyOnLeft();
  for (const q of onlyOnRight()) {
    const match =
      onlyLeft.find(
        (p) =>
          dirname(p) === dirname(q) &&
          digest(left_, 0, p) === digest(right_, 1, q, [[basename(q), basename(p)]]),
      ) ?? onlyLeft.find((p) => dirname(p) === dirname(q) && saltedClientChunks(p, q));
    if (match) {
      renamed.set(basename(q), basename(match));
      grew = true;
    }
  }
}

const problems = [];
const touched = [];
const rightByLeftPath = new Map([...right_.keys()].map((q) => [pathOnLeft(q), q]));
for (const path of new Set([...left_.keys(), ...rightByLeftPath.keys()])) {
  const q = rightByLeftPath.get(path);
  if (!left_.has(path)) problems.push(`only in ${right}: ${q}`);
  else if (q === undefined) problems.push(`only in ${left}: ${path}`);
  else if (digest(left_, 0, path) !== digest(right_, 1, q) && !saltedClientChunks(path, q))
    problems.push(`differs: ${path}`);
  else if (q !== path || left_.get(path).raw !== right_.get(q).raw)
    touched.push(q === path ? path : `${path} (${basename(q)})`);
}

/** Where two files' normalised texts first part, a little either side: what a reader needs to see why. */
function firstDifference(p, q) {
  const a = normalised(p, left_.get(p).raw, 0);
  const b = normalised(q, right_.get(q).raw, 1, [[basename(q), basename(p)]]);
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const around = (text) => JSON.stringify(text.slice(Math.max(0, i - 80), i + 80));
  return `  ${p} vs ${basename(q)}, first difference at ${i}:\n    ${around(a)}\n    ${around(b)}`;
}

if (problems.length) {
  for (const problem of problems.sort()) console.log(problem);
  const unpaired = onlyOnLeft();
  for (const q of onlyOnRight()) {
    const p = unpaired.find((candidate) => dirname(candidate) === dirname(q));
    if (p) console.log(firstDifference(p, q));
  }
  for (const path of problems.filter((line) => line.startsWith("differs: ")).map((line) => line.slice(9)))
    if (left_.get(path).type === "file") console.log(firstDifference(path, rightByLeftPath.get(path)));
  process.exit(1);
}
console.log(
  `${left_.size} entries, identical in both builds${touched.length ? " but for Next.js's per-build secrets and what they salt, in:" : ""}`,
);
for (const path of touched.sort()) console.log(`  ${path}`);
