// NoteStore on PostgreSQL through Drizzle: the same queries run on a server (node-postgres) and on PGlite.
// Every query uses an index: pages walk the unique `seq` index from the cursor on, get and delete use the primary
// key, and a create is one INSERT (no lock, no count), so writes don't queue behind each other.
import { asc, eq, gt, sql } from "drizzle-orm";
import type { PgDatabase, PgInsertValue, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { noteColumns, notes } from "@repo/db/schema";
import type { NoteInput, NoteRow, NoteStore, Page, PageRequest } from "../store.js";

/** A Drizzle database on either driver. */
export type Db = PgDatabase<PgQueryResultHKT>;

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The insert of a note naming `columns` and its id, the others left to their database defaults. */
function prepareInsert(db: Db, columns: string[], name: string) {
  const values = Object.fromEntries(["id", ...columns].map((column) => [column, sql.placeholder(column)]));
  return db
    .insert(notes)
    .values(values as PgInsertValue<typeof notes>)
    .returning(noteColumns)
    .prepare(name);
}

export class SqlNoteStore implements NoteStore {
  /** The hot read, as a named prepared statement: PostgreSQL parses and plans it once per connection. */
  readonly #page;
  /** Prepared inserts by the columns a create names: a handful at most, as the input schema is strict. */
  readonly #inserts = new Map<string, ReturnType<typeof prepareInsert>>();

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
    // A named prepared statement too: an insert built and planned per request cost about a fifth of the write's
    // throughput (docs/BENCHMARKS.md). Keyed by the columns the input names, so a new column needs no edit here;
    // those it leaves out get their database default. The id is made per row here: the table's $defaultFn would
    // run once, when the statement is prepared.
    const columns = Object.keys(input).filter((column) => input[column as keyof NoteInput] !== undefined);
    const name = `notes_insert(${columns.sort().join(",")})`;
    let insert = this.#inserts.get(name);
    if (!insert) this.#inserts.set(name, (insert = prepareInsert(this.db, columns, name)));
    const [row] = await insert.execute({ ...input, id: crypto.randomUUID() });
    return row!;
  }

  async remove(id: string): Promise<boolean> {
    if (!uuidShape.test(id)) return false;
    const deleted = await this.db.delete(notes).where(eq(notes.id, id)).returning({ id: notes.id });
    return deleted.length > 0;
  }
}
