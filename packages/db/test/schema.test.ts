// The schemas derived from the notes table: which texts are notes, and the shapes of the API's answers.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createSelectSchema } from "drizzle-zod";
import { defaultsWhenMissing, note, noteInput, notePage } from "../src/schema.js";

/** The first issue as the API words it: "text must not be empty", "(body) …" for the object itself. */
function refusal(body: unknown): string {
  const result = noteInput.safeParse(body);
  if (result.success) throw new Error(`accepted ${JSON.stringify(body)}`);
  const [first] = result.error.issues;
  return `${first?.path.join(".") || "(body)"} ${first?.message}`;
}

describe("noteInput", () => {
  it.each([
    ["plain text", "buy milk", "buy milk"],
    ["surrounding whitespace (trimmed)", "  buy milk \n", "buy milk"],
    ["280 ASCII characters", "x".repeat(280), "x".repeat(280)],
    ["280 emoji (560 UTF-16 units, 280 code points)", "😀".repeat(280), "😀".repeat(280)],
    ["right-to-left text with an override", "\u202eשלום", "\u202eשלום"],
    ["a letter with combining marks", "e\u0301\u0302", "e\u0301\u0302"],
    ["an emoji ZWJ sequence", "👩‍👩‍👧‍👦", "👩‍👩‍👧‍👦"],
  ])("accepts %s", (_name, text, stored) => {
    expect(noteInput.parse({ text })).toEqual({ text: stored });
  });

  it.each([
    ["empty text", "", /^text must not be empty$/],
    ["ASCII whitespace only", " \t\n ", /^text must not be empty$/],
    ["Unicode spaces only (NBSP, em space, ideographic space)", "\u00a0\u2003\u3000", /must not be empty/],
    ["zero-width spaces and joiners only", "\u200b\u200c\u200d", /must contain a visible character/],
    [
      "bidi controls only (RLO, LRI, PDI, RLM)",
      "\u202e\u2066\u2069\u200f",
      /must contain a visible character/,
    ],
    ["a byte-order mark only (trimmed like whitespace)", "\ufeff", /must not be empty/],
    ["a soft hyphen only", "\u00ad", /must contain a visible character/],
    ["Hangul fillers only", "\u3164\u115f\u1160\uffa0", /must contain a visible character/],
    ["variation selectors only", "\ufe0f\ufe0e", /must contain a visible character/],
    ["combining marks with no base", "\u0301\u0302", /must contain a visible character/],
    ["the blank braille pattern", "\u2800\u2800", /must contain a visible character/],
    ["C0 controls only", "\u0001\u0007\u001b", /must contain a visible character/],
    ["a NUL inside text", "a\u0000b", /^text must not contain NUL$/],
    ["a lone high surrogate", "a\ud800b", /^text must not contain a lone surrogate$/],
    ["a lone low surrogate", "\udc00", /lone surrogate/],
    ["281 code points", "x".repeat(281), /^text must be at most 280 characters$/],
    ["281 emoji", "😀".repeat(281), /at most 280/],
  ])("refuses %s", (_name, text, message) => {
    expect(refusal({ text })).toMatch(message);
  });

  it.each([
    ["a number", { text: 1 }, /^text must be a string$/],
    ["null", { text: null }, /must be a string/],
    ["a missing text", {}, /must be a string/],
    ["an extra key", { text: "a", extra: 1 }, /^\(body\) .*"extra"/],
    ["an array", [{ text: "a" }], /^\(body\) /],
  ])("refuses %s, naming the field", (_name, body, message) => {
    expect(refusal(body)).toMatch(message);
  });
});

describe("answer shapes", () => {
  const good = {
    id: "3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a",
    text: "hi",
    createdAt: "2030-01-02T03:04:05.678Z",
  };

  // toMatchObject: a column added later (docs/apps.md) with a default is filled in when an answer lacks it.
  it("parses a note and a page of notes", () => {
    expect(note.parse(good)).toMatchObject(good);
    const page = notePage.parse({ notes: [good], nextCursor: "abc" });
    expect(page.nextCursor).toBe("abc");
    expect(page.notes).toHaveLength(1);
    expect(page.notes[0]).toMatchObject(good);
    expect(notePage.parse({ notes: [], nextCursor: null })).toEqual({ notes: [], nextCursor: null });
  });

  it.each([
    ["a note without an id", { text: "hi", createdAt: good.createdAt }],
    ["a note whose id is not a UUID", { ...good, id: "n1" }],
    ["a note whose text is a number", { ...good, text: 1 }],
    ["a note whose createdAt is not a timestamp", { ...good, createdAt: "yesterday" }],
  ])("refuses %s", (_name, value) => {
    expect(note.safeParse(value).success).toBe(false);
  });

  it("refuses a page that isn't { notes: [...], nextCursor }", () => {
    expect(notePage.safeParse([good]).success).toBe(false);
    expect(notePage.safeParse({ notes: "none", nextCursor: null }).success).toBe(false);
    expect(notePage.safeParse({ notes: [good] }).success).toBe(false);
    expect(notePage.safeParse({ items: [good], nextCursor: null }).success).toBe(false);
  });
});

describe("defaultsWhenMissing", () => {
  // A table one migration ahead: two columns with plain defaults, one with an SQL default, one without.
  const items = pgTable("items", {
    id: uuid("id").primaryKey(),
    title: text("title").notNull().default(""),
    rank: integer("rank").notNull().default(3),
    createdAt: timestamp("created_at").notNull().defaultNow(),
  });
  const item = defaultsWhenMissing(createSelectSchema(items, { createdAt: z.iso.datetime() }), {
    id: items.id,
    title: items.title,
    rank: items.rank,
    createdAt: items.createdAt,
  });
  const id = "3f1c9a52-6f0e-4b7e-9a3b-2b8f1d2c4e5a";
  const createdAt = "2030-01-02T03:04:05.678Z";

  it("reads a missing column that has a plain default as that default", () => {
    expect(item.parse({ id, createdAt })).toEqual({ id, createdAt, title: "", rank: 3 });
  });

  it("keeps what the answer has, and still checks it", () => {
    expect(item.parse({ id, createdAt, title: "t", rank: 1 })).toEqual({
      id,
      createdAt,
      title: "t",
      rank: 1,
    });
    expect(item.safeParse({ id, createdAt, title: 5 }).success).toBe(false);
  });

  it("still requires the columns without a plain default", () => {
    expect(item.safeParse({ createdAt }).success).toBe(false);
    expect(item.safeParse({ id }).success).toBe(false);
  });
});
