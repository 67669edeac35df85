// MemoryNoteStore: the in-memory NoteStore the API ships with.
import { describe, expect, it } from "vitest";
import { MemoryNoteStore, StoreFullError } from "../src/store.js";

describe("MemoryNoteStore", () => {
  it("starts empty", async () => {
    expect(await new MemoryNoteStore(5).list()).toEqual([]);
  });

  it("creates notes with a unique uuid, the text as given and the clock's time", async () => {
    const now = new Date("2030-01-02T03:04:05.678Z");
    const store = new MemoryNoteStore(5, () => now);
    const a = await store.create("alpha");
    const b = await store.create("alpha");
    expect(a).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      text: "alpha",
      createdAt: "2030-01-02T03:04:05.678Z",
    });
    expect(b.id).not.toBe(a.id);
  });

  it("lists notes in creation order, oldest first", async () => {
    let tick = 0;
    const store = new MemoryNoteStore(10, () => new Date(Date.UTC(2030, 0, 1, 0, 0, tick++)));
    for (const text of ["one", "two", "three", "four"]) await store.create(text);
    const notes = await store.list();
    expect(notes.map((n) => n.text)).toEqual(["one", "two", "three", "four"]);
    expect(notes.map((n) => n.createdAt)).toEqual([
      "2030-01-01T00:00:00.000Z",
      "2030-01-01T00:00:01.000Z",
      "2030-01-01T00:00:02.000Z",
      "2030-01-01T00:00:03.000Z",
    ]);
  });

  it("list() returns a copy: changing it does not change the store", async () => {
    const store = new MemoryNoteStore(5);
    await store.create("kept");
    const listed = await store.list();
    listed.pop();
    expect(await store.list()).toHaveLength(1);
  });

  it("gets a note by id, and undefined for an unknown id", async () => {
    const store = new MemoryNoteStore(5);
    const note = await store.create("find me");
    await store.create("other");
    expect(await store.get(note.id)).toEqual(note);
    expect(await store.get("no-such-id")).toBeUndefined();
  });

  it("removes a note once: true, then false; the others stay in order", async () => {
    const store = new MemoryNoteStore(5);
    const [a, b, c] = [await store.create("a"), await store.create("b"), await store.create("c")];
    expect(await store.remove(b.id)).toBe(true);
    expect(await store.remove(b.id)).toBe(false);
    expect(await store.get(b.id)).toBeUndefined();
    expect(await store.list()).toEqual([a, c]);
    expect(await store.remove("no-such-id")).toBe(false);
  });

  it("refuses a note past its limit with StoreFullError carrying the limit, keeping what it has", async () => {
    const store = new MemoryNoteStore(2);
    const first = await store.create("1");
    const second = await store.create("2");
    const err: unknown = await store.create("3").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreFullError);
    expect(err).toBeInstanceOf(Error);
    expect((err as StoreFullError).limit).toBe(2);
    expect((err as StoreFullError).message).toContain("2");
    expect(await store.list()).toEqual([first, second]);
  });

  it("accepts a new note again after one is removed", async () => {
    const store = new MemoryNoteStore(1);
    const only = await store.create("only");
    await expect(store.create("more")).rejects.toBeInstanceOf(StoreFullError);
    await store.remove(only.id);
    const next = await store.create("next");
    expect(await store.list()).toEqual([next]);
  });
});
