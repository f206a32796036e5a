import pg from 'pg';
import { type Database, type Queryable, isolationStatement } from './database.ts';

// Counts and serial ids fit in a double; PGlite returns them as numbers too, so both engines agree.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query(sql, params) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql) {
      await client.query(sql);
    },
  };
}

// Enough connections for a full delivery round (32 messages) to be handled at once.
export async function openPostgres(url: string, poolSize = 40): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the node; the next query reports it.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  return {
    engine: 'postgres',
    ...base,
    async transaction(work, options) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const set = isolationStatement(options?.isolation);
        if (set) await client.query(set);
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
