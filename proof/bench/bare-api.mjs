// The API's bench reference: a bare Express 5 + node-postgres server answering the bench's API read and write
// (./requests.mjs) with the same SQL on the same table, and nothing else: no validation library, no ORM, no
// logger, no drain guard. `pnpm bench` starts it with DATABASE_URL (the API's database, migrated), PORT and
// EXPRESS_FROM (the API's package.json: the same Express); what our API costs beyond it is its pieces' price. With
// DATABASE_TIMEOUT_MS it also sets the API's database timeouts (packages/db/src/client.ts), to price that promise alone.
import { createRequire } from "node:module";
import pg from "pg";

const { DATABASE_URL, PORT, EXPRESS_FROM, DATABASE_TIMEOUT_MS } = process.env;
if (!DATABASE_URL || !PORT || !EXPRESS_FROM)
  throw new Error("bare-api: set DATABASE_URL, PORT and EXPRESS_FROM");
const express = createRequire(EXPRESS_FROM)("express");
const timeoutMs = Number(DATABASE_TIMEOUT_MS) || undefined;

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: 10 /* the API's DATABASE_POOL_MAX default */,
  keepAlive: true,
  ...(timeoutMs && {
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
  }),
});
const columns = `id, text, created_at as "createdAt"`;
const app = express();

app.get("/ready", (_req, res) => res.json({ status: "ready" }));
app.get("/notes", async (req, res) => {
  const limit = Math.min(Number(req.query.limit ?? 20) || 20, 100);
  const after = req.query.after ? Number(Buffer.from(String(req.query.after), "base64url").toString()) : 0;
  const { rows } = await pool.query({
    name: "page",
    text: `select ${columns}, seq from notes where seq > $1 order by seq asc limit $2`,
    values: [after, limit + 1],
  });
  const page = rows.slice(0, limit);
  const next = rows.length > limit ? Buffer.from(String(page.at(-1).seq)).toString("base64url") : null;
  res.json({ notes: page.map(({ seq: _seq, ...note }) => note), nextCursor: next });
});
app.post("/notes", express.json(), async (req, res) => {
  const { rows } = await pool.query({
    name: "create",
    text: `insert into notes (id, text) values ($1, $2) returning ${columns}`,
    values: [crypto.randomUUID(), String(req.body.text)],
  });
  res.status(201).json({ note: rows[0] });
});

app.listen(Number(PORT), "127.0.0.1");
process.on("SIGTERM", () => pool.end().finally(() => process.exit(0)));
