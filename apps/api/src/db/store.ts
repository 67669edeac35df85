// NoteStore on PostgreSQL through Drizzle: the same queries run on a server (node-postgres) and on PGlite.
// Every query uses an index: pages walk the unique `seq` index from the cursor on, get and delete use the primary
// key, and a create is one INSERT (no lock, no count), so writes don't queue behind each other.
import { asc, eq, gt, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { noteColumns, notes } from "@repo/db/schema";
import type { NoteInput, NoteRow, NoteStore, Page, PageRequest } from "../store.js";

/** A Drizzle database on either driver. */
export type Db = PgDatabase<PgQueryResultHKT>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SqlNoteStore implements NoteStore {
  /** The hot read, as a named prepared statement: PostgreSQL parses and plans it once per connection. */
  readonly #page;

  constructor(private readonly db: Db) {
    this.#page = db
      .select({ ...noteColumns, seq: notes.seq })
      .from(notes)
      .where(gt(notes.seq, sql.placeholder("after")))
      .orderBy(asc(notes.seq))
      .limit(sql.placeholder("limit"))
      .prepare("notes_page");
  }

  async list({ limit, after }: PageRequest): Promise<Page> {
    // One row more than asked says whether another page follows, without counting.
    const rows = await this.#page.execute({ after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return {
      notes: page.map(({ seq: _seq, ...note }) => note),
      next: rows.length > limit ? page[page.length - 1]!.seq : null,
    };
  }

  async get(id: string): Promise<NoteRow | undefined> {
    // Not a UUID: no such note (the uuid column would refuse the comparison with an error).
    if (!uuidShape.test(id)) return undefined;
    const [row] = await this.db.select(noteColumns).from(notes).where(eq(notes.id, id));
    return row;
  }

  async create(input: NoteInput): Promise<NoteRow> {
    const [row] = await this.db.insert(notes).values(input).returning(noteColumns);
    return row!;
  }

  async remove(id: string): Promise<boolean> {
    if (!uuidShape.test(id)) return false;
    const deleted = await this.db.delete(notes).where(eq(notes.id, id)).returning({ id: notes.id });
    return deleted.length > 0;
  }
}
