// For the tests of every package that queries: a new, empty database per test file.
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "./client.ts";

/** PGlite in memory, or a new database on `serverUrl`'s PostgreSQL (TEST_DATABASE_URL) that close() drops. */
export async function openTestDatabase(serverUrl?: string): Promise<{ database: Database; url?: string }> {
  if (!serverUrl) return { database: await openDatabase({ pgliteDir: "memory://" }) };
  const name = `test_${process.pid}_${Date.now()}`;
  // Creating and dropping a database checkpoints, which can take longer than a query may on a busy machine.
  const admin = await openDatabase({ url: serverUrl, timeoutMs: 60_000 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.href });
  const close = async () => {
    await database.close();
    await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
    await admin.close();
  };
  return { database: { ...database, close }, url: url.href };
}
