// The API's bench reference: a bare Express 5 + node-postgres server answering the API's declared read and write
// (runtime.requests in ../package.json) with the same SQL on the same table, and nothing else: no validation
// library, no ORM, no logger, no drain guard. `pnpm bench` finds it by convention (apps/<app>/bench/bare-reference.mjs)
// and starts it with DATABASE_URL (the API's database, migrated) and PORT; what our API costs beyond this is
// the price of its framework pieces. It lives beside the API because it knows the domain's SQL.
import express from "express";
import pg from "pg";

// eslint-disable-next-line turbo/no-undeclared-env-vars -- started by `pnpm bench`, not a turbo task
const { DATABASE_URL, PORT } = process.env;
if (!DATABASE_URL || !PORT) throw new Error("bare-reference: set DATABASE_URL and PORT");

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: 10 /* the API's DATABASE_POOL_MAX default */,
  keepAlive: true,
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
