// The notes resource: its routes and their queries, straight on the Drizzle database.
import type { Db } from "@repo/db/client";
import { noteInput, notes } from "@repo/db/schema";
import { integer } from "@repo/server/config";
import { asc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import type { PgInsertValue } from "drizzle-orm/pg-core";
import { Router } from "express";
import { z } from "zod";

// What clients see: every column but `seq`, the page cursor's position.
const { seq, ...columns } = getTableColumns(notes);

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The cursor is opaque to clients: base64url of the last row's `seq`.
const encodeCursor = (position: number) => Buffer.from(String(position)).toString("base64url");
const cursor = z
  .string()
  .transform((value) => Buffer.from(value, "base64url").toString())
  .pipe(z.string().regex(/^[1-9][0-9]{0,14}$/, { error: "is not a cursor this API gave out" }))
  .transform(Number);

// Unknown parameters are ignored (links may carry tracking parameters); known ones must be right.
const pageQuery = z.object({ limit: integer(1, 100).default(20), after: cursor.default(0) });

const notFound = { error: "not_found", message: "no note with that id" };

export function notesRouter(db: Db) {
  // The hot read as a named prepared statement: parsed and planned once per connection.
  const page = db
    .select({ ...columns, seq })
    .from(notes)
    .where(gt(seq, sql.placeholder("after")))
    .orderBy(asc(seq))
    .limit(sql.placeholder("limit"))
    .prepare("notes_page");

  // Creates are prepared too, one statement per set of fields sent (a column with a default may be left out), so a
  // column added to the table needs nothing here. The id is made per row, as the table's $defaultFn would.
  const creates = new Map<string, ReturnType<typeof prepareCreate>>();
  const prepareCreate = (fields: string[], name: string) => {
    const values = Object.fromEntries(["id", ...fields].map((field) => [field, sql.placeholder(field)]));
    return db
      .insert(notes)
      .values(values as PgInsertValue<typeof notes>)
      .returning(columns)
      .prepare(name);
  };

  const router = Router();

  router.get("/", async (req, res) => {
    const { limit, after } = pageQuery.parse(req.query);
    // One row more than asked says whether another page follows, without counting.
    const rows = await page.execute({ after, limit: limit + 1 });
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    res.json({
      notes: rows.slice(0, limit).map(({ seq: _, ...row }) => row),
      nextCursor: last ? encodeCursor(last.seq) : null,
    });
  });

  router.post("/", async (req, res) => {
    const input = noteInput.parse(req.body);
    const fields = Object.keys(input).sort();
    let create = creates.get(fields.join());
    if (!create) creates.set(fields.join(), (create = prepareCreate(fields, `notes_create_${creates.size}`)));
    const [note] = await create.execute({ ...input, id: crypto.randomUUID() });
    res.status(201).json({ note });
  });

  router.get("/:id", async (req, res) => {
    const [note] = uuid.test(req.params.id)
      ? await db.select(columns).from(notes).where(eq(notes.id, req.params.id))
      : [];
    if (note) res.json({ note });
    else res.status(404).json(notFound);
  });

  router.delete("/:id", async (req, res) => {
    const deleted = uuid.test(req.params.id)
      ? await db.delete(notes).where(eq(notes.id, req.params.id)).returning({ id: notes.id })
      : [];
    if (deleted.length) res.status(204).end();
    else res.status(404).json(notFound);
  });

  return router;
}
