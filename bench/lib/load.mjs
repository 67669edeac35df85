// Load generation on 127.0.0.1: autocannon for throughput and long runs, and a small node:http client for the
// runs that must know what happened to every single request (SIGTERM drain, store flood).
import http from "node:http";
import { now, rssOfTree, sleep } from "./proc.mjs";

/** autocannon is a root devDependency (catalog: 9.0.0); a clear message when `pnpm install` hasn't run. */
export async function loadAutocannon() {
  try {
    return (await import("autocannon")).default;
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    throw new Error("autocannon is not installed: run `pnpm install` at the repo root");
  }
}

/** Web page check for autocannon's verifyBody and the drain client: rendered with notes from the API. */
export const pageHasNotes = (body) => body.includes('data-testid="notes"') && !body.includes("api-error");

/**
 * One autocannon run; resolves a flat summary. `url` must be on 127.0.0.1.
 * Latencies in ms; rps is the mean of the per-second request counts.
 */
export async function cannon(
  autocannon,
  { url, connections = 100, durationS = 10, verifyBody, timeoutS = 10 },
) {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to send load to ${url}`);
  const opts = { url, connections, duration: durationS, timeout: timeoutS, pipelining: 1 };
  if (verifyBody) opts.verifyBody = verifyBody;
  const r = await autocannon(opts);
  return {
    url,
    connections,
    durationS: r.duration,
    total: r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"],
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    max: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    resets: r.resets,
    mismatches: r.mismatches,
    non2xx: r.non2xx,
    s2xx: r["2xx"],
    s5xx: r["5xx"],
  };
}

/** Samples a process tree's RSS every `everyMs` until stop(); resolves the samples [{t, rss}]. */
export function rssSampler(pid, everyMs = 1000) {
  const samples = [];
  const take = () => {
    const rss = rssOfTree(pid);
    if (rss !== undefined) samples.push({ t: now(), rss });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** GET or POST with a per-request timeout; resolves { status, body } or rejects with the socket error. */
export function request(url, { agent, method = "GET", json, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const req = http.request(
      url,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: body
          ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("close", () => {
          if (!res.complete) reject(Object.assign(new Error("response cut short"), { code: "ECUTSHORT" }));
          else resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() });
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * SIGTERM under load. `connections` keep-alive loops send GET `path` to `server` (a started process with .url,
 * .child and .exit). After `warmMs`, and once every loop has had an answer (so all connections have been
 * accepted and are kept alive; bounded by `warmBoundMs`), the server gets SIGTERM; the loops keep going until
 * it exits (each loop stops at its first failure after the signal: the listener is closed, so new connections
 * are refused). A request "started before the signal" is one whose http.request() was called before
 * process.kill(): with one kept-alive socket per loop it had been written to an open, accepted connection.
 * Every such request must complete with 2xx (and pass `verify`). Bounded by `boundMs` after the signal.
 * Why wait for every connection: a connection still in the kernel's accept queue when the listener closes is
 * reset by the kernel, whatever the server does; that case is counted apart (`unacceptedAtSignal`).
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
      if (rec.start < signalAt && !rec.ok && now() < signalAt) await sleep(10); // before the signal: keep going, recorded
    }
  };
  const loops = Array.from({ length: connections }, loop);
  const warmStart = now();
  await sleep(warmMs);
  while (answered.size < connections && now() - warmStart < warmBoundMs) await sleep(50);
  const warmedMs = now() - warmStart;
  const unacceptedAtSignal = connections - answered.size;
  const rssAtSignal = rssOfTree(server.child.pid);
  signalAt = now();
  server.child.kill("SIGTERM");
  const exited = await Promise.race([server.exit, sleep(boundMs).then(() => undefined)]);
  stop = true;
  if (!exited) server.child.kill("SIGKILL");
  await Promise.race([Promise.all(loops), sleep(boundMs)]);
  agent.destroy();

  const before = records.filter((r) => r.start < signalAt);
  const after = records.filter((r) => r.start >= signalAt);
  const tally = (rs) =>
    rs.reduce((acc, r) => {
      const key = r.ok
        ? "ok"
        : r.error
          ? r.error
          : `status ${r.status}${r.status >= 200 && r.status < 300 ? " (bad body)" : ""}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
  return {
    exitCode: exited ? exited.code : null,
    exitSignal: exited ? exited.signal : "timeout (killed)",
    drainMs: exited ? exited.at - signalAt : undefined,
    rssAtSignal,
    warmedMs,
    unacceptedAtSignal,
    startedBefore: before.length,
    inFlightAtSignal: before.filter((r) => r.end >= signalAt || r.end === 0).length,
    before: tally(before),
    failedBefore: before.filter((r) => !r.ok).length,
    after: tally(after),
    ok: !!exited && exited.code === 0 && before.every((r) => r.ok),
  };
}

/**
 * Creates notes until the API refuses (store_full), then keeps creating up to `total` in all, `concurrency` at a
 * time. Returns the status tally, the 409 bodies that were not store_full JSON, and RSS after the store
 * filled and at the end.
 */
export async function floodCreates(api, { total = 5000, concurrency = 50 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = `${api.url}/notes`;
  const statuses = {};
  const badRefusals = [];
  const errors = [];
  let sent = 0;
  let firstFull = false;
  let rssWhenFull;
  const one = async (n) => {
    try {
      const res = await request(url, { agent, method: "POST", json: { text: `flood note ${n}` } });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 409) {
        let parsed;
        try {
          parsed = JSON.parse(res.body);
        } catch {
          // not JSON
        }
        if (parsed?.error !== "store_full") badRefusals.push(res.body.slice(0, 200));
        if (!firstFull) {
          firstFull = true;
          rssWhenFull = rssOfTree(api.child.pid);
        }
      }
    } catch (err) {
      errors.push(err.code || err.message);
    }
  };
  const started = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) await one(++sent);
    }),
  );
  const ms = now() - started;
  const rssEnd = rssOfTree(api.child.pid);
  agent.destroy();
  return { total: sent, ms, statuses, badRefusals, errors, rssWhenFull, rssEnd };
}
