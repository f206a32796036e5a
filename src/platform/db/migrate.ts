import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

export interface Migration {
  /** `capability/NNN_name`, unique and never renamed once released. */
  id: string;
  sql: string;
}

/** Reads `NNN_name.sql` files from a capability's `migrations` folder, in order. */
export function migrationsIn(capability: string, folderUrl: URL): Migration[] {
  const folder = fileURLToPath(folderUrl);
  return readdirSync(folder)
    .filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => ({
      id: `${capability}/${name.replace(/\.sql$/, '')}`,
      sql: readFileSync(join(folder, name), 'utf8'),
    }));
}

// Any constant will do: it only has to be the same for every process migrating this database.
const MIGRATION_LOCK = 7_404_117;

/**
 * Applies the migrations not yet applied, each with its record in `schema_migrations`,
 * all in one transaction under an advisory lock: concurrent starts wait, a failure applies nothing.
 * Returns the ids applied now.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const migration of migrations) {
    if (ids.has(migration.id)) throw new Error(`duplicate migration id ${migration.id}`);
    ids.add(migration.id);
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
}
