import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';
import type { Database, Queryable } from './database.ts';

/**
 * A logical backup that both engines can write and read: every table's rows as JSON,
 * in foreign-key order, taken from one snapshot. A backup of an embedded node restores
 * onto a PostgreSQL server and back. See docs/decisions/0003-logical-backups.md.
 */
const FORMAT = 'entraide-backup';
const VERSION = 1;
const PAGE = 1000;

interface TableInfo {
  name: string;
  primaryKey: string[];
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** The application's tables, parents before children. */
async function tablesInDependencyOrder(db: Queryable): Promise<TableInfo[]> {
  const tables = (
    await db.query<{ name: string; pk: string[] | null }>(`
      SELECT c.relname AS name,
             (SELECT array_agg(a.attname::text ORDER BY k.ord)
                FROM pg_index i
                CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
               WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
       ORDER BY c.relname`)
  ).rows;
  const edges = (
    await db.query<{ child: string; parent: string }>(`
      SELECT DISTINCT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`)
  ).rows;
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (table) =>
        !placed.has(table.name) &&
        edges.every((edge) => edge.child !== table.name || placed.has(edge.parent)),
    );
    if (ready.length === 0) throw new Error('circular foreign keys between tables');
    for (const table of ready) {
      if (!table.pk) throw new Error(`table ${table.name} has no primary key`);
      ordered.push({ name: table.name, primaryKey: table.pk });
      placed.add(table.name);
    }
  }
  return ordered;
}

export async function backup(db: Database, file: string): Promise<{ rows: number }> {
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(file, { mode: 0o600 }));
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  try {
    // One repeatable-read transaction gives a consistent snapshot of every table.
    const rows = await db.transaction(
      async (tx) => {
        const tables = await tablesInDependencyOrder(tx);
        await write(JSON.stringify({ format: FORMAT, version: VERSION, engine: db.engine, createdAt: new Date().toISOString(), tables: tables.map((t) => t.name) }));
        let total = 0;
        for (const table of tables) {
          const order = table.primaryKey.map(quote).join(', ');
          let last: unknown[] | undefined;
          for (;;) {
            const after = last ? `WHERE (${order}) > (${last.map((_, i) => `$${i + 1}`).join(', ')})` : '';
            const page = await tx.query<{ row: string; key: unknown[] }>(
              `SELECT row_to_json(t)::text AS row, json_build_array(${order}) AS key
                 FROM ${quote(table.name)} t ${after} ORDER BY ${order} LIMIT ${PAGE}`,
              last,
            );
            for (const { row } of page.rows) await write(`{"table":${JSON.stringify(table.name)},"row":${row}}`);
            total += page.rows.length;
            if (page.rows.length < PAGE) break;
            last = page.rows.at(-1)!.key;
          }
        }
        await write(JSON.stringify({ end: true, rows: total }));
        return total;
      },
      { isolation: 'repeatable read' },
    );
    gzip.end();
    await written;
    return { rows };
  } catch (error) {
    gzip.destroy(error as Error);
    await written.catch(() => undefined);
    throw error;
  }
}

/** Set for the transaction of a restore; a trigger that derives data checks `current_setting('entraide.restoring', true)`. */
export const RESTORING = 'entraide.restoring';

/**
 * Restores a backup into a migrated database that holds no data yet (reference tables that the
 * migrations filled are replaced), in one transaction: a truncated or corrupt file restores nothing.
 */
export async function restore(db: Database, file: string): Promise<{ rows: number }> {
  return db.transaction(async (tx) => {
    // Triggers that derive data from rows (counts, facts) leave restored rows alone: the backup holds what they derived.
    await tx.query(`SELECT set_config('${RESTORING}', 'on', true)`);
    const tables = await tablesInDependencyOrder(tx);
    // What migrations filled (a table commented `entraide:seeded`) gives way to what the backup holds.
    const seeded = await seededTables(tx);
    for (const table of [...tables].reverse()) if (seeded.has(table.name)) await tx.query(`DELETE FROM ${quote(table.name)}`);
    for (const table of tables) {
      if (table.name === 'schema_migrations') continue;
      const { rows } = await tx.query(`SELECT 1 FROM ${quote(table.name)} LIMIT 1`);
      if (rows.length > 0) throw new Error(`refusing to restore: table ${table.name} already holds data`);
    }
    const known = new Set(tables.map((t) => t.name));
    let headerSeen = false;
    let restored = 0;
    let ended = false;
    let batch: { table: string; rows: unknown[] } | undefined;
    const flush = async () => {
      if (!batch || batch.rows.length === 0) return;
      await tx.query(
        `INSERT INTO ${quote(batch.table)} OVERRIDING SYSTEM VALUE
         SELECT * FROM json_populate_recordset(NULL::${quote(batch.table)}, $1::json)`,
        [JSON.stringify(batch.rows)],
      );
      batch = undefined;
    };
    // Opened only now: a readline interface that closes before anyone iterates it never yields.
    const source = createReadStream(file);
    const gunzip = createGunzip();
    source.on('error', (error) => gunzip.destroy(error));
    const reader = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
    try {
      for await (const line of reader) {
        if (line === '') continue;
        const record = JSON.parse(line) as { table?: string; row?: unknown; end?: boolean; rows?: number };
        if (!headerSeen) {
          const header = record as { format?: unknown; version?: unknown };
          if (header.format !== FORMAT || header.version !== VERSION) throw new Error('not an Entraide backup of a supported version');
          headerSeen = true;
          continue;
        }
        if (record.end) {
          await flush();
          if (record.rows !== restored) throw new Error(`backup announces ${record.rows} rows, found ${restored}`);
          ended = true;
          break;
        }
        const table = record.table;
        if (typeof table !== 'string' || !known.has(table)) throw new Error(`backup names an unknown table: ${String(table)}`);
        if (table === 'schema_migrations') {
          // The target was migrated by this version; a backup from a newer schema cannot fit it.
          const id = (record.row as { id?: unknown }).id;
          const found = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [id]);
          if (found.rows.length === 0) throw new Error(`backup needs migration ${String(id)}, which this version does not have`);
          restored += 1;
          continue;
        }
        if (batch && batch.table !== table) await flush();
        batch ??= { table, rows: [] };
        batch.rows.push(record.row);
        restored += 1;
        if (batch.rows.length >= PAGE) await flush();
      }
    } finally {
      reader.close();
      source.destroy();
    }
    if (!ended) throw new Error('backup is truncated: no end marker');
    await resetSequences(tx);
    return { rows: restored };
  });
}

async function seededTables(tx: Queryable): Promise<Set<string>> {
  const { rows } = await tx.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') = 'entraide:seeded'`);
  return new Set(rows.map((row) => row.name));
}

async function resetSequences(tx: Queryable): Promise<void> {
  const columns = (
    await tx.query<{ table_name: string; column_name: string }>(`
      SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)
  ).rows;
  for (const { table_name, column_name } of columns) {
    await tx.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quote(column_name)}) FROM ${quote(table_name)}), 0) + 1, false)`,
      [quote(table_name), column_name],
    );
  }
}
