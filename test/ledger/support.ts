import assert from 'node:assert/strict';
import { type Hash, EMPTY_ROOT, leafHash, nodeHash, toHex } from '../../src/ledger/merkle.ts';
import { AUDIT_SOURCE, type LeafRecord, leafData } from '../../src/ledger/sources.ts';
import { rootAt, treeSize } from '../../src/ledger/tree-store.ts';
import type { Queryable } from '../../src/platform/db/database.ts';

/** MTH of RFC 9162 §2.1.1, straight from its definition: what the stored tree must agree with. */
export function referenceRoot(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/**
 * Checks the log against the audit records, as an auditor holding all of them would: every record
 * has exactly one leaf, the indexes run from 0 without a gap, each stored leaf is the hash of its
 * record, and the root is the RFC root of those leaves. Returns the log's size.
 */
export async function checkLogAgainstRecords(db: Queryable): Promise<number> {
  const records = (await db.query<LeafRecord & { log_index: number | null }>(`SELECT log_index, ${AUDIT_SOURCE.record} FROM audit_log ORDER BY log_index`)).rows;
  assert.deepEqual(records.filter((r) => r.log_index === null).map((r) => r.id), [], 'audit records left out of the log');
  assert.deepEqual(records.map((r) => Number(r.log_index)), records.map((_, i) => i), 'leaf indexes run from 0 without gap or repeat');
  const leaves = records.map(({ log_index: _, ...record }) => leafHash(leafData('audit', record)));
  const stored = (await db.query<{ hash: Uint8Array }>('SELECT hash FROM ledger_nodes WHERE level = 0 ORDER BY idx')).rows.map((r) => toHex(r.hash));
  assert.deepEqual(stored, leaves.map(toHex), 'each leaf is the hash of its record');
  assert.equal(await treeSize(db), records.length);
  assert.equal(toHex(await rootAt(db, records.length)), toHex(referenceRoot(leaves)), 'the root is that of RFC 9162 over the records');
  return records.length;
}
