// NoteStore on PostgreSQL through Drizzle: the same queries run on a server (node-postgres) and on PGlite.
import { randomUUID } from "node:crypto";
import { asc, count, eq, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { StoreFullError, type Note, type NoteStore } from "../store.js";
import { notes } from "./schema.js";

/** A Drizzle database on either driver. */
export type Db = PgDatabase<PgQueryResultHKT>;

/** Any advisory-lock key unique to this purpose: creates take it so that count-then-insert is atomic. */
const CREATE_LOCK = 727_001;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toNote = (row: { id: string; text: string; createdAt: Date }): Note => ({
  id: row.id,
  text: row.text,
  createdAt: row.createdAt.toISOString(),
});

const columns = { id: notes.id, text: notes.text, createdAt: notes.createdAt };

export class SqlNoteStore implements NoteStore {
  /** The hot read, as a named prepared statement: PostgreSQL parses and plans it once per connection. */
  readonly #list;

  constructor(
    private readonly db: Db,
    readonly limit: number,
  ) {
    this.#list = db.select(columns).from(notes).orderBy(asc(notes.seq)).prepare("notes_list");
  }

  async list(): Promise<Note[]> {
    return (await this.#list.execute()).map(toNote);
  }

  async get(id: string): Promise<Note | undefined> {
    // Not a UUID: no such note (the uuid column would refuse the comparison with an error).
    if (!uuidShape.test(id)) return undefined;
    const [row] = await this.db.select(columns).from(notes).where(eq(notes.id, id));
    return row && toNote(row);
  }

  /**
   * Counting then inserting is a race between concurrent creates; a transaction-scoped advisory lock makes them
   * take turns, so the table never holds more than `limit` notes (across every replica, too).
   */
  create(text: string): Promise<Note> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${CREATE_LOCK})`);
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(notes);
      if (n >= this.limit) throw new StoreFullError(this.limit);
      const [row] = await tx.insert(notes).values({ id: randomUUID(), text }).returning(columns);
      return toNote(row!);
    });
  }

  async remove(id: string): Promise<boolean> {
    if (!uuidShape.test(id)) return false;
    const deleted = await this.db.delete(notes).where(eq(notes.id, id)).returning({ id: notes.id });
    return deleted.length > 0;
  }
}
