/**
 * The log's tree in the database: the hash of every complete subtree (`ledger_nodes`, leaves at
 * level 0), written once when an append completes it and never changed. Any root or proof is then
 * a handful of subtree hashes read in one query, O(log n), never a rebuild.
 */
import type { Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import {
  type Hash, type Range, type StoredNode, type Subtree, consistencyRanges, foldSubtrees, inclusionRanges, subtreesOf, toHex,
} from './merkle.ts';

const keyOf = (subtree: Subtree) => `${subtree.level}:${subtree.index}`;

/** The number of leaves in the log. */
export async function treeSize(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ size: number }>('SELECT COALESCE(max(idx) + 1, 0)::bigint AS size FROM ledger_nodes WHERE level = 0');
  return Number(rows[0]!.size);
}

async function readSubtrees(db: Queryable, subtrees: readonly Subtree[]): Promise<Map<string, Hash>> {
  if (subtrees.length === 0) return new Map();
  const { rows } = await db.query<{ level: number; idx: number; hash: Uint8Array }>(
    'SELECT level, idx, hash FROM ledger_nodes WHERE (level, idx) IN (SELECT * FROM unnest($1::smallint[], $2::bigint[]))',
    [subtrees.map((s) => s.level), subtrees.map((s) => s.index)],
  );
  const found = new Map(rows.map((row) => [`${row.level}:${Number(row.idx)}`, new Uint8Array(row.hash)]));
  const missing = subtrees.find((s) => !found.has(keyOf(s)));
  // Subtrees are written with the leaf that completes them: a gap means the tables were tampered with.
  if (missing) throw new Error(`the log lacks subtree ${keyOf(missing)}`);
  return found;
}

/** The hashes of ranges, each folded from its complete subtrees, all read in one query. */
async function rangeHashes(db: Queryable, ranges: readonly Range[]): Promise<Hash[]> {
  const pieces = ranges.map(subtreesOf);
  const hashes = await readSubtrees(db, pieces.flat());
  return pieces.map((subtrees) => foldSubtrees(subtrees.map((s) => hashes.get(keyOf(s))!)));
}

/** The right edge of the tree of `size` leaves: what the sequencer appends to. */
export async function rightEdge(db: Queryable, size: number): Promise<Hash[]> {
  const subtrees = subtreesOf({ start: 0, end: size });
  const hashes = await readSubtrees(db, subtrees);
  return subtrees.map((s) => hashes.get(keyOf(s))!);
}

export async function rootAt(db: Queryable, size: number): Promise<Hash> {
  return foldSubtrees(await rightEdge(db, size));
}

export async function leafHashAt(db: Queryable, index: number): Promise<Hash | undefined> {
  const { rows } = await db.query<{ hash: Uint8Array }>('SELECT hash FROM ledger_nodes WHERE level = 0 AND idx = $1', [index]);
  return rows[0] ? new Uint8Array(rows[0].hash) : undefined;
}

export async function indexOfLeaf(db: Queryable, hash: Hash): Promise<number | undefined> {
  const { rows } = await db.query<{ idx: number }>('SELECT idx FROM ledger_nodes WHERE level = 0 AND hash = $1 ORDER BY idx LIMIT 1', [Buffer.from(hash)]);
  return rows[0] ? Number(rows[0].idx) : undefined;
}

/** Sizes asked for must be those of a tree the log has had: no larger than it is now. */
async function checkSize(db: Queryable, size: number): Promise<void> {
  const current = await treeSize(db);
  if (size > current) throw new HttpProblem(400, 'beyond-log', `the log holds ${current} leaves, not ${size}`);
}

export async function inclusionProof(db: Queryable, index: number, size: number): Promise<Hash[]> {
  if (index >= size) throw new HttpProblem(400, 'index-out-of-tree', `leaf ${index} is not in a tree of ${size} leaves`);
  await checkSize(db, size);
  return rangeHashes(db, inclusionRanges(index, size));
}

export async function consistencyProof(db: Queryable, from: number, to: number): Promise<Hash[]> {
  if (from > to) throw new HttpProblem(400, 'sizes-reversed', `a log never shrinks: no proof from ${from} down to ${to}`);
  await checkSize(db, to);
  return rangeHashes(db, consistencyRanges(from, to));
}

/** Stores subtree hashes made by appends, in one statement. */
export async function storeNodes(db: Queryable, nodes: readonly StoredNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await db.query(
    `INSERT INTO ledger_nodes (level, idx, hash)
     SELECT level, idx, decode(hash, 'hex') FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS v(level, idx, hash)`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => toHex(n.hash))],
  );
}
