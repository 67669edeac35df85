#!/usr/bin/env node
// A stand-in for `gh api` against GitHub's REST API, from the JSON state in $FAKE_GH_STATE:
//   { "users": { "<login>": "Organization" | "User" }, "versions": { "<orgs|users>/<owner>/packages/container/<name>/versions": [...] } }
// GET users/<login>, GET a versions list (in pages of 2, like --paginate with --jq per page), DELETE one version
// (gone from the state). Every call is appended to $FAKE_GH_LOG. Unknown paths answer like gh does on a 404.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const args = process.argv.slice(2);
const state = JSON.parse(readFileSync(process.env.FAKE_GH_STATE, "utf8"));
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const method = option("--method") ?? "GET";
const jq = option("--jq");
const path = args.filter(
  (a, i) => a !== "api" && !a.startsWith("--") && !["--method", "--jq"].includes(args[i - 1]),
)[0];
appendFileSync(process.env.FAKE_GH_LOG, `${method} ${path}\n`);
const notFound = () => {
  process.stderr.write("gh: Not Found (HTTP 404)\n");
  process.exit(1);
};
const print = (body) =>
  process.stdout.write(
    jq ? execFileSync("jq", ["-rc", jq], { input: JSON.stringify(body) }) : `${JSON.stringify(body)}\n`,
  );

if (args[0] !== "api") process.exit(64);
const user = /^users\/([^/]+)$/.exec(path);
if (method === "GET" && user) {
  if (!state.users[user[1]]) notFound();
  print({ login: user[1], type: state.users[user[1]] });
} else if (method === "GET" && state.versions[path]) {
  const all = state.versions[path];
  for (let page = 0; page === 0 || page < all.length; page += 2) print(all.slice(page, page + 2));
} else if (method === "DELETE") {
  const [, list, id] = /^(.*)\/(\d+)$/.exec(path) ?? [];
  const index = state.versions[list]?.findIndex((v) => String(v.id) === id) ?? -1;
  if (index < 0) notFound();
  state.versions[list].splice(index, 1);
  writeFileSync(process.env.FAKE_GH_STATE, JSON.stringify(state));
} else notFound();
