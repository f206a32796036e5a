/**
 * The sequencer: adds the rows of every source that are not yet in the log, in order, with
 * consecutive leaf indexes. Writers never wait for it: they only insert their row (log_index NULL)
 * in their own transaction. One sequencer at a time holds the lock; a row whose transaction commits
 * late still has no index and joins at the next run, so none is skipped, and the UPDATE only takes
 * rows still without one, so none is added twice.
 */
import type { Database, Queryable } from '../platform/db/database.ts';
import { type StoredNode, append, leafHash } from './merkle.ts';
import { type LeafSource, SOURCES, assignIndexes, leafData, pendingRecords } from './sources.ts';
import { rightEdge, storeNodes, treeSize } from './tree-store.ts';

// Any constant will do, as long as every process sequencing this database uses the same.
const SEQUENCER_LOCK = 7_404_118;
/** Leaves added per transaction: large enough to amortise the statements, small enough to keep the lock briefly. */
export const DEFAULT_BATCH = 2000;

/** Integrates pending rows until none is left; returns how many leaves were added. */
export async function integrate(db: Database, sources: readonly LeafSource[] = SOURCES, batch = DEFAULT_BATCH): Promise<number> {
  let added = 0;
  for (;;) {
    const now = await db.transaction((tx) => integrateBatch(tx, sources, batch));
    added += now;
    if (now < batch) return added;
  }
}

async function integrateBatch(tx: Queryable, sources: readonly LeafSource[], batch: number): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
  // Read under the lock: another sequencer may have just committed leaves.
  const start = await treeSize(tx);
  const edge = await rightEdge(tx, start);
  const nodes: StoredNode[] = [];
  let size = start;
  for (const source of sources) {
    if (size - start === batch) break;
    const records = await pendingRecords(tx, source, batch - (size - start));
    if (records.length === 0) continue;
    const first = size;
    for (const record of records) {
      nodes.push(...append(edge, size, leafHash(leafData(source.name, record))));
      size += 1;
    }
    await assignIndexes(tx, source, records.map((r) => r.id), records.map((_, i) => first + i));
  }
  await storeNodes(tx, nodes);
  return size - start;
}
