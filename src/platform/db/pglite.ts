import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { type Database, type Queryable, isolationStatement } from './database.ts';

function wrap(target: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query(sql, params) {
      const result = await target.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as never[], rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql) {
      await target.exec(sql);
    },
  };
}

/** Embedded PostgreSQL: `dataDir` on disk, or in memory when it is undefined (tests). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir);
  const base = wrap(pg);
  return {
    engine: 'pglite',
    ...base,
    transaction(work, options) {
      return pg.transaction(async (tx) => {
        const set = isolationStatement(options?.isolation);
        if (set) await tx.exec(set);
        return work(wrap(tx));
      });
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
