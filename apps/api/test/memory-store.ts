// An in-memory NoteStore for the tests that exercise HTTP behaviour rather than the database (the contract tests
// in store-contract.test.ts run the real store on PostgreSQL and PGlite).
import { randomUUID } from "node:crypto";
import type { NoteInput, NoteRow, NoteStore, Page, PageRequest } from "../src/store.js";

type Stored = NoteRow & { seq: number };
const withoutSeq = ({ seq: _seq, ...note }: Stored): NoteRow => note;

export class MemoryNoteStore implements NoteStore {
  readonly #notes: Stored[] = [];
  #seq = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  list({ limit, after }: PageRequest): Promise<Page> {
    const rest = this.#notes.filter((n) => n.seq > after);
    const page = rest.slice(0, limit);
    return Promise.resolve({
      notes: page.map(withoutSeq),
      next: rest.length > limit ? page[page.length - 1]!.seq : null,
    });
  }

  /** Every note, for assertions. */
  async all(): Promise<NoteRow[]> {
    return (await this.list({ limit: Infinity, after: 0 })).notes;
  }

  get(id: string): Promise<NoteRow | undefined> {
    const found = this.#notes.find((n) => n.id === id);
    return Promise.resolve(found && withoutSeq(found));
  }

  create(input: NoteInput): Promise<NoteRow> {
    const note = { id: randomUUID(), createdAt: this.now(), ...input } as NoteRow;
    this.#notes.push({ ...note, seq: ++this.#seq });
    return Promise.resolve(note);
  }

  remove(id: string): Promise<boolean> {
    const at = this.#notes.findIndex((n) => n.id === id);
    if (at >= 0) this.#notes.splice(at, 1);
    return Promise.resolve(at >= 0);
  }
}

/** The name `pnpm bench` imports it by (bench/lib/references.mjs): the bench knows no domain. */
export { MemoryNoteStore as MemoryStore };
