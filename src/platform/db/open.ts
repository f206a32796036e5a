import { join } from 'node:path';
import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface DatabaseSettings {
  /** A PostgreSQL server's URL; without it the node runs on embedded PGlite. */
  databaseUrl?: string;
  /** Where the embedded database lives; `undefined` keeps it in memory. */
  dataDir?: string;
}

export function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (settings.databaseUrl) return openPostgres(settings.databaseUrl);
  return openPglite(settings.dataDir === undefined ? undefined : join(settings.dataDir, 'db'));
}
