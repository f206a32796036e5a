/**
 * What becomes a leaf of the log: rows of tables that record acts (audit records and custody
 * records). A leaf is the RFC 8785 canonical JSON of `{ source, record }`, so that anyone
 * holding the record can recompute its leaf hash, and a record of one source never passes for
 * another's. Each source table has an `id` and a `log_index` set once when its row joins the log.
 */
import canonicalizeModule from 'canonicalize';
import type { Queryable } from '../platform/db/database.ts';

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export interface LeafSource {
  /** The name leaves carry: never change it once leaves exist. */
  name: string;
  table: string;
  /** The select list giving a row as the record hashed: its aliases are the record's field names, `id` among them. */
  record: string;
}

/** Timestamps to the microsecond PostgreSQL keeps, in UTC, so that the leaf commits to the value stored. */
export const utcTimestamp = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const AUDIT_SOURCE: LeafSource = {
  name: 'audit',
  table: 'audit_log',
  record: `id, ${utcTimestamp('at')} AS at, actor_id AS "actorId", actor_name AS "actorName", role, action,
           subject_type AS "subjectType", subject_id AS "subjectId", purpose, case_id AS "caseId", outcome,
           request_id AS "requestId", details`,
};

/** The chain of custody of evidence files (src/evidence). */
export const CUSTODY_SOURCE: LeafSource = {
  name: 'custody',
  table: 'custody_records',
  record: `id, ${utcTimestamp('at')} AS at, actor_id AS "actorId", actor_name AS "actorName", role, act, sha256,
           request_id AS "requestId", case_id AS "caseId", purpose, node, peer, details`,
};

/** Every source, in the order the sequencer takes their pending rows. */
export const SOURCES: readonly LeafSource[] = [AUDIT_SOURCE, CUSTODY_SOURCE];

export type LeafRecord = Record<string, unknown> & { id: number };

/** The bytes a record's leaf hashes: canonical JSON (RFC 8785) of the source and the record. */
export function leafData(source: string, record: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(canonicalize({ source, record })!);
}

/** Rows of a source not yet in the log, oldest first. */
export async function pendingRecords(db: Queryable, source: LeafSource, limit: number): Promise<LeafRecord[]> {
  const { rows } = await db.query<LeafRecord>(
    `SELECT ${source.record} FROM ${source.table} WHERE log_index IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows;
}

/** Gives rows their leaf indexes; refuses if any row was already in the log (another sequencer, unlocked). */
export async function assignIndexes(db: Queryable, source: LeafSource, ids: readonly number[], indexes: readonly number[]): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE ${source.table} t SET log_index = v.log_index FROM unnest($1::bigint[], $2::bigint[]) AS v(id, log_index)
      WHERE t.id = v.id AND t.log_index IS NULL`,
    [ids, indexes],
  );
  if (rowCount !== ids.length) throw new Error(`${source.table}: ${ids.length - rowCount} rows were already in the log`);
}

/** The record behind a leaf, with its source. */
export async function recordAt(db: Queryable, index: number): Promise<{ source: string; record: LeafRecord } | undefined> {
  for (const source of SOURCES) {
    const { rows } = await db.query<LeafRecord>(`SELECT ${source.record} FROM ${source.table} WHERE log_index = $1`, [index]);
    if (rows[0]) return { source: source.name, record: rows[0] };
  }
  return undefined;
}
