// Load generation for the load suite, on 127.0.0.1 only: autocannon for the long runs, and a small node:http
// client for the runs that must know what happened to every single request (SIGTERM drain, writes under a drain,
// a flood of creates). Servers are started and stopped by proof/support.
import { readFileSync } from "node:fs";
import http from "node:http";
import { sleep } from "../support/index.mjs";
import { hiddenFields, multipart } from "../support/forms.mjs";
import pg from "pg";

export const now = () => performance.now();

/** `promise`'s value, or undefined after `ms` (its timer cleared either way, so it never holds the process). */
export function settleWithin(promise, ms) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
export const fmtMB = (bytes) => (bytes === undefined ? "?" : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
export const fmtS = (ms) => (ms === undefined ? "?" : `${(ms / 1000).toFixed(2)} s`);

/** autocannon is a root devDependency; a clear message when `pnpm install` hasn't run. */
export async function loadAutocannon() {
  try {
    return (await import("autocannon")).default;
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    throw new Error("autocannon is not installed: run `pnpm install` at the repo root", { cause: err });
  }
}

/** Resident set size of a process in bytes (Linux /proc), or undefined once it has exited. */
export function rss(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** The web page rendered with notes from the API (not the error panel). */
export const pageHasNotes = (body) => body.includes('data-testid="notes"') && !body.includes("api-error");

/** One autocannon run; resolves a flat summary. Latencies in ms; rps is the mean per-second count. */
export async function cannon(
  autocannon,
  { url, connections = 100, durationS = 10, verifyBody, timeoutS = 10 },
) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to send load to ${url}`);
  const opts = { url, connections, duration: durationS, timeout: timeoutS, pipelining: 1 };
  if (verifyBody) opts.verifyBody = verifyBody;
  const r = await autocannon(opts);
  return {
    durationS: r.duration,
    total: r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"],
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    non2xx: r.non2xx,
    s5xx: r["5xx"],
  };
}

/** Samples a process's RSS every `everyMs` until stop(), which returns the samples (bytes). */
export function rssSampler(pid, everyMs = 1000) {
  const samples = [];
  const take = () => {
    const value = rss(pid);
    if (value !== undefined) samples.push(value);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** GET or POST with a per-request timeout; resolves { status, body } or rejects with the socket error. */
export function request(
  url,
  { agent, method = "GET", json, body: raw, contentType, timeoutMs = 10_000 } = {},
) {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? raw : JSON.stringify(json);
    const type = json === undefined ? contentType : "application/json";
    const headers = body ? { "content-type": type, "content-length": Buffer.byteLength(body) } : {};
    const req = http.request(url, { method, agent, timeout: timeoutMs, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("close", () => {
        if (!res.complete) reject(Object.assign(new Error("response cut short"), { code: "ECUTSHORT" }));
        else resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Writes one note through the web as a browser without JavaScript submits the page's "Add a note" form: the form's
 * hidden Server Action fields (read from the page once) plus `text`, multipart, posted to `/`. Resolves true when
 * acknowledged (303 back to the page), false when answered otherwise; rejects when no answer arrived. The only place
 * that knows the web's write path.
 */
export function webWriter(webUrl) {
  let fields;
  return async (agent, text) => {
    fields ??= fetch(webUrl).then(async (res) => hiddenFields(await res.text(), "Add a note"));
    const { contentType, body } = multipart([...(await fields), ["text", text]]);
    const res = await request(`${webUrl}/`, { agent, method: "POST", body, contentType, timeoutMs: 60_000 });
    return res.status === 303;
  };
}

/** Creates notes until the API holds `count` (it starts with one). */
export async function seedNotes(apiUrl, count) {
  const list = async () => (await (await fetch(`${apiUrl}/notes`)).json()).notes;
  for (let have = (await list()).length; have < count; have++) {
    const res = await fetch(`${apiUrl}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: `load note ${have + 1}: some text of a typical length for a short note` }),
    });
    if (res.status !== 201) throw new Error(`seeding note ${have + 1}: ${res.status} ${await res.text()}`);
  }
}

/**
 * SIGTERM under load. `connections` keep-alive loops send GET `path` to `server` (a RunningServer). After `warmMs`,
 * and once every loop has had an answer (so every connection was accepted and is kept alive), the server gets
 * SIGTERM; the loops keep going until it exits (each stops at its first failure after the signal: the listener is
 * closed). A request "started before the signal" is one whose http.request() was called before the kill; every
 * such request must complete with 2xx (and pass `verify`). Bounded by `boundMs` after the signal.
 */
export async function drainUnderLoad(
  server,
  {
    path = "/",
    connections = 100,
    warmMs = 3000,
    warmBoundMs = 30_000,
    boundMs = 15_000,
    verify = () => true,
  },
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = `${server.url}${path}`;
  const records = [];
  let signalAt = Infinity;
  let stop = false;
  const answered = new Set();
  const loop = async (_, i) => {
    while (!stop) {
      const rec = { start: now(), end: 0, status: 0, error: undefined, ok: false };
      records.push(rec);
      try {
        const res = await request(url, { agent, timeoutMs: boundMs });
        rec.status = res.status;
        rec.ok = res.status >= 200 && res.status < 300 && verify(res.body);
      } catch (err) {
        rec.error = err.code || err.message;
      }
      rec.end = now();
      if (rec.status) answered.add(i);
      if (rec.start >= signalAt && !rec.ok) return;
      if (!rec.ok && now() < signalAt) await sleep(10);
    }
  };
  const loops = Array.from({ length: connections }, loop);
  const warmStart = now();
  await sleep(warmMs);
  while (answered.size < connections && now() - warmStart < warmBoundMs) await sleep(50);
  const warmedMs = now() - warmStart;
  const exitedAt = server.exited.then((result) => ({ ...result, at: now() }));
  signalAt = now();
  server.child.kill("SIGTERM");
  const exited = await settleWithin(exitedAt, boundMs);
  stop = true;
  if (!exited) server.child.kill("SIGKILL");
  await settleWithin(Promise.all(loops), boundMs);
  agent.destroy();

  const before = records.filter((r) => r.start < signalAt);
  const after = records.filter((r) => r.start >= signalAt);
  const tally = (rs) =>
    rs.reduce((acc, r) => {
      const key = r.ok ? "ok" : r.error ? r.error : `status ${r.status}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
  return {
    exitCode: exited ? exited.code : null,
    exitSignal: exited ? exited.signal : "timeout (killed)",
    drainMs: exited ? exited.at - signalAt : undefined,
    warmedMs,
    unacceptedAtSignal: connections - answered.size,
    startedBefore: before.length,
    inFlightAtSignal: before.filter((r) => r.end >= signalAt || r.end === 0).length,
    before: tally(before),
    failedBefore: before.filter((r) => !r.ok).length,
    after: tally(after),
  };
}

/** Every note's text in the database at `databaseUrl` (read directly: what was really written). */
export async function storedTexts(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query("select text from notes")).rows.map((row) => row.text);
  } finally {
    await client.end();
  }
}

/**
 * Compares what clients were told with what the database holds. `acknowledged`: texts answered "written";
 * `unanswered`: texts whose request got no answer (reset, cut short) or an error status. Every stored text must have
 * been acknowledged (a stored, unacknowledged write is a phantom: the client saw a failure for a write that happened,
 * and its retry duplicates it), and every acknowledged one must be stored.
 */
export function compareWrites({ acknowledged, stored }) {
  const storedSet = new Set(stored);
  const acknowledgedSet = new Set(acknowledged);
  return {
    phantoms: stored.filter((text) => !acknowledgedSet.has(text)),
    lost: acknowledged.filter((text) => !storedSet.has(text)),
  };
}

/**
 * SIGTERM while `clients` keep-alive clients (one connection each, as a pooled HTTP client keeps it) send writes in
 * a loop through `write(agent, text)`, which resolves true when the write was acknowledged, false when it was
 * answered otherwise, and rejects when no answer arrived. Signals once every client has had a write acknowledged
 * (so every connection is open and kept alive), after `warmMs`; each client stops at its first write that fails
 * after the signal (the listener has closed). Resolves with every text acknowledged, the tallies before and after
 * the signal, and the exit.
 */
export async function writesUnderDrain(server, { write, clients = 50, warmMs = 1000, boundMs = 60_000 }) {
  const acknowledged = [];
  const tally = { before: {}, after: {} };
  const count = (when, key) => (tally[when][key] = (tally[when][key] ?? 0) + 1);
  let signalAt = Infinity;
  let inFlightAtSignal;
  let inFlight = 0;
  let stop = false;
  const warm = new Set();
  const client = async (_, i) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let n = 1; !stop; n++) {
      const text = `drain write ${i}.${n}`;
      const startedAt = now();
      let outcome;
      inFlight++;
      try {
        outcome = (await write(agent, text)) ? "acknowledged" : "refused";
      } catch (err) {
        outcome = err.code || err.message;
      }
      inFlight--;
      const when = startedAt < signalAt ? "before" : "after";
      count(when, outcome);
      if (outcome === "acknowledged") {
        acknowledged.push(text);
        warm.add(i);
      } else if (now() >= signalAt) break;
      else await sleep(10);
    }
    agent.destroy();
  };
  const running = Array.from({ length: clients }, client);
  const warmStart = now();
  await sleep(warmMs);
  while (warm.size < clients && now() - warmStart < boundMs) await sleep(20);
  const exitedAt = server.exited.then((result) => ({ ...result, at: now() }));
  signalAt = now();
  inFlightAtSignal = inFlight;
  server.child.kill("SIGTERM");
  const exited = await settleWithin(exitedAt, boundMs);
  stop = true;
  if (!exited) server.child.kill("SIGKILL");
  await settleWithin(Promise.all(running), boundMs);
  return {
    exitCode: exited ? exited.code : null,
    exitSignal: exited ? exited.signal : "no exit in time (killed)",
    drainMs: exited ? exited.at - signalAt : undefined,
    warmed: warm.size,
    inFlightAtSignal,
    acknowledged,
    tally,
  };
}
