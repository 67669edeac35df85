// One note added through a running web as a browser without JavaScript adds it, then looked for where it must be:
// on the web's page (web → API → database) and in the database, exactly once. proof/kubernetes runs it against the
// pods `podman kube play` started, so the shell suite needs to know nothing of the domain:
//   DATABASE_URL=postgres://… node proof/load/round-trip.mjs WEB_URL
// Exit 0 when all holds, 1 naming what didn't, 2 on usage. The database should be fresh: the page shows the first
// page of notes only.
import http from "node:http";
import { storedTexts, webWriter } from "./lib.mjs";

const [webUrl] = process.argv.slice(2);
const databaseUrl = process.env.DATABASE_URL;
if (!webUrl || !databaseUrl) {
  console.error("usage: DATABASE_URL=postgres://… node proof/load/round-trip.mjs WEB_URL");
  process.exit(2);
}

const text = `round trip ${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const failures = [];
const agent = new http.Agent({ keepAlive: false });
if (!(await webWriter(webUrl)(agent, text))) failures.push("the web did not acknowledge the note (want 303)");
if (!(await (await fetch(webUrl)).text()).includes(text))
  failures.push("the web's page does not show the note");
const copies = (await storedTexts(databaseUrl)).filter((stored) => stored === text).length;
if (copies !== 1) failures.push(`the database holds the note ${copies} times, want 1`);

for (const failure of failures) console.error(`round-trip: ${failure}`);
process.exit(failures.length ? 1 : 0);
