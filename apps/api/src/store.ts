// Notes live behind a small interface: the server uses PostgreSQL (src/db/store.ts); the in-memory version below
// is the tests' double and the bench's reference.
import { randomUUID } from "node:crypto";
import type { Note } from "@repo/contracts/notes";

export type { Note };

export interface NoteStore {
  list(): Promise<Note[]>;
  get(id: string): Promise<Note | undefined>;
  /** Throws StoreFullError when the store is at its limit. */
  create(text: string): Promise<Note>;
  /** Returns false when there was no such note. */
  remove(id: string): Promise<boolean>;
}

export class StoreFullError extends Error {
  constructor(readonly limit: number) {
    super(`the store holds its maximum of ${limit} notes; delete one first`);
  }
}

/** The database could not be reached or did not answer in time; the request gets 503 and may be retried. */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("the database is unavailable", options);
  }
}

/** Keeps notes in a Map, newest last, refusing new ones past `limit` so memory stays bounded. */
export class MemoryNoteStore implements NoteStore {
  readonly #notes = new Map<string, Note>();

  constructor(
    readonly limit: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): Promise<Note[]> {
    return Promise.resolve([...this.#notes.values()]);
  }

  get(id: string): Promise<Note | undefined> {
    return Promise.resolve(this.#notes.get(id));
  }

  create(text: string): Promise<Note> {
    if (this.#notes.size >= this.limit) return Promise.reject(new StoreFullError(this.limit));
    const note: Note = { id: randomUUID(), text, createdAt: this.now().toISOString() };
    this.#notes.set(note.id, note);
    return Promise.resolve(note);
  }

  remove(id: string): Promise<boolean> {
    return Promise.resolve(this.#notes.delete(id));
  }
}
