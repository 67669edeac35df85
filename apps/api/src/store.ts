// Notes live behind a small interface: the server keeps them in PostgreSQL (src/db/store.ts); the tests also have
// an in-memory double (test/memory-store.ts).
import type { NoteInput, NoteRow } from "@repo/db/schema";

export type { NoteInput, NoteRow };

/** Which page: at most `limit` notes, those created after the one with position `after` (0: from the start). */
export interface PageRequest {
  limit: number;
  after: number;
}

/** One page, oldest first; `next` is the position to continue after, null on the last page. */
export interface Page {
  notes: NoteRow[];
  next: number | null;
}

export interface NoteStore {
  list(page: PageRequest): Promise<Page>;
  get(id: string): Promise<NoteRow | undefined>;
  /** Stores the input as it is (already validated), with the columns the database fills in. */
  create(input: NoteInput): Promise<NoteRow>;
  /** Returns false when there was no such note. */
  remove(id: string): Promise<boolean>;
}

/** The database could not be reached or did not answer in time; the request gets 503 and may be retried. */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("the database is unavailable", options);
  }
}
