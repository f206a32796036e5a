/**
 * The chain of custody of evidence files: every act on a file (received, added, viewed, downloaded,
 * exported, transferred, sealed), who did it, when, why and under which request, each record a leaf
 * of the tamper-evident log (src/ledger/sources.ts). Acts are recorded in the transaction of the act,
 * so that a file never changes hands without its record, nor a record without the act.
 */
import type { Actor } from '../audit/record.ts';
import { CUSTODY_SOURCE, type LeafRecord } from '../ledger/sources.ts';
import type { Queryable } from '../platform/db/database.ts';

export const CUSTODY_ACTS = ['received', 'added', 'viewed', 'downloaded', 'exported', 'transferred', 'sealed'] as const;
export type CustodyAct = (typeof CUSTODY_ACTS)[number];

export interface CustodyEntry {
  act: CustodyAct;
  /** The files acted on: one record each. */
  files: readonly { sha256: string }[];
  actor: Actor;
  /** The request the files belong to; its case, if it has one, is recorded with it. */
  requestId: string;
  purpose: string;
  /** The node that holds the files and keeps the records. */
  node: string;
  /** The node a file came from or went to. */
  peer?: string | null;
  /** What else identifies the act: the message that carried the files, the HTTP request. */
  details?: Record<string, unknown>;
}

/** Appends one custody record per file, in the caller's transaction, so that it stands or falls with the act. */
export async function recordCustody(tx: Queryable, entry: CustodyEntry): Promise<void> {
  if (entry.files.length === 0) return;
  await tx.query(
    `INSERT INTO custody_records (actor_id, actor_name, role, act, sha256, request_id, case_id, purpose, node, peer, details)
     SELECT $1, $2, $3, $4, f.sha256, $6, (SELECT case_id FROM requests WHERE id = $6), $7, $8, $9, $10
       FROM unnest($5::text[]) WITH ORDINALITY AS f(sha256, n) ORDER BY f.n`,
    [
      entry.actor.id, entry.actor.name, entry.actor.role, entry.act, entry.files.map((file) => file.sha256), entry.requestId,
      entry.purpose, entry.node, entry.peer ?? null, JSON.stringify(entry.details ?? {}),
    ],
  );
}

/** A custody record as its leaf in the log commits to it, with that leaf's index once it has one. */
export type CustodyRecord = LeafRecord & { logIndex: number | null };

/** The custody records of files, oldest first. */
export async function custodyOf(db: Queryable, sha256s: readonly string[]): Promise<CustodyRecord[]> {
  const { rows } = await db.query<CustodyRecord>(
    `SELECT ${CUSTODY_SOURCE.record}, log_index AS "logIndex" FROM ${CUSTODY_SOURCE.table} WHERE sha256 = ANY($1::text[]) ORDER BY id`,
    [sha256s],
  );
  return rows.map((row) => ({ ...row, logIndex: row.logIndex === null ? null : Number(row.logIndex) }));
}

/** The record as its leaf hashes it: without the index the log gave it afterwards. */
export function leafRecordOf({ logIndex: _, ...record }: CustodyRecord): LeafRecord {
  return record;
}
