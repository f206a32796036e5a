import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/platform/db/database.ts';
import { openPglite } from '../../src/platform/db/pglite.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';

/** The server the suite runs against when DATABASE_URL is set; otherwise PGlite in memory. */
export const SERVER_URL = process.env.DATABASE_URL;
export const ENGINE = SERVER_URL ? 'postgres' : 'pglite';

/** A fresh, empty database of its own on the server, and how to drop it. */
export async function createServerDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!SERVER_URL) throw new Error('DATABASE_URL is not set');
  const name = `entraide_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: SERVER_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestDatabase {
  db: Database;
  /** The server database's URL, for child processes; undefined on PGlite. */
  url: string | undefined;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!SERVER_URL) {
    const db = await openPglite(undefined);
    return { db, url: undefined, dispose: () => db.close() };
  }
  const server = await createServerDatabase();
  const db = await openPostgres(server.url);
  return {
    db,
    url: server.url,
    async dispose() {
      await db.close();
      await server.drop();
    },
  };
}

/** Every row of every application table but those named, for comparing a database before and after. */
export async function snapshot(db: Database, except: readonly string[] = []): Promise<Record<string, unknown[]>> {
  const tables = (
    await db.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
    )
  ).rows.map((row) => row.name).filter((name) => !except.includes(name));
  const result: Record<string, unknown[]> = {};
  for (const table of tables) {
    result[table] = (await db.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM "${table}" t ORDER BY 1`)).rows.map((row) => row.r);
  }
  return result;
}

/** What bad input must leave unchanged: everything but the audit log and the sessions, which record the attempts. */
export const RECORDS_OF_ATTEMPTS = ['audit_log', 'sessions'];
