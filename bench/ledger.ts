/**
 * The tamper-evident log's benchmark (issue 7): audit records added to the log by the sequencer
 * per second, beside hashing the same leaves in memory in the same run (raw SHA-256 of the leaf
 * bytes, and the canonical JSON that makes those bytes); then inclusion and consistency proofs,
 * read from the database and verified. On a fresh database per engine. See bench/README.md.
 */
import { leafHash, verifyConsistency, verifyInclusion } from '../src/ledger/merkle.ts';
import { integrate } from '../src/ledger/sequencer.ts';
import { AUDIT_SOURCE, leafData, pendingRecords } from '../src/ledger/sources.ts';
import { consistencyProof, inclusionProof, leafHashAt, rootAt } from '../src/ledger/tree-store.ts';
import { MIGRATIONS } from '../src/node/migrations.ts';
import type { Queryable } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { keep, num, progress, ratio, release, row, section } from './report.ts';
import { type BenchSettings, type Engine, openBenchDatabase, positive } from './support.ts';

export function ledgerSettings() {
  return {
    /** Audit records written before the sequencer runs, then integrated in one run. */
    records: Math.round(positive('BENCH_LEDGER_RECORDS', 20_000)),
    /** Inclusion proofs (and as many consistency proofs) read and verified. */
    proofs: Math.round(positive('BENCH_LEDGER_PROOFS', 500)),
  };
}

type LedgerSettings = ReturnType<typeof ledgerSettings>;

export function describeLedger(l: LedgerSettings): string {
  return (
    `Log: ${num(l.records)} audit records (BENCH_LEDGER_RECORDS) written to a fresh database, then added to the log by one run of the sequencer ` +
    `(canonical JSON, SHA-256, subtree hashes, leaf indexes, in transactions of 2,000), beside hashing the same leaves in memory; ` +
    `then ${num(l.proofs)} inclusion and as many consistency proofs (BENCH_LEDGER_PROOFS) read from the database and verified.`
  );
}

/** Audit records like the node writes (a read of a request by an investigator), in one statement. */
async function writeRecords(db: Queryable, count: number): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor_id, actor_name, role, action, subject_type, subject_id, purpose, case_id, outcome, request_id, details)
     SELECT gen_random_uuid(), 'investigator-' || (g % 50), 'investigator', 'requests.read', 'request', 'XA-2026-' || g,
            'investigation of case ' || (g % 300), 'case-' || (g % 300), 'success', gen_random_uuid()::text,
            jsonb_build_object('fields', jsonb_build_array('subscriber', 'traffic'), 'returned', g % 7, 'note', repeat('x', 40))
       FROM generate_series(1, $1) AS g`,
    [count],
  );
}

/** Runs `work` over every item, returning operations per second and microseconds each. */
function inMemory<T>(items: readonly T[], work: (item: T) => unknown): { rate: number; us: number } {
  const start = performance.now();
  for (const item of items) work(item);
  const ms = performance.now() - start;
  return { rate: (items.length * 1000) / ms, us: (ms * 1000) / items.length };
}

async function timed<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<{ rate: number; us: number }> {
  const start = performance.now();
  for (const item of items) await work(item);
  const ms = performance.now() - start;
  return { rate: (items.length * 1000) / ms, us: (ms * 1000) / items.length };
}

/** A fixed spread of indexes over [0, n), the same in every run. */
const spread = (count: number, n: number) => Array.from({ length: count }, (_, i) => Math.floor(((i * 2_654_435_761) % 4_294_967_296) / 4_294_967_296 * n));

export async function benchLedger(engine: Engine, settings: BenchSettings): Promise<void> {
  const l = ledgerSettings();
  const opened = await openBenchDatabase(engine, settings);
  // Dropped on the way out, also on Ctrl-C.
  const database = keep({ ...opened, close: () => opened.dispose() });
  try {
    const db = database.db;
    section(`Log (${database.label})`);
    await migrate(db, MIGRATIONS);
    progress(`${engine}: log: writing ${num(l.records)} audit records…`);
    await writeRecords(db, l.records);
    // The baselines hash the very records the sequencer is about to add, read the way it reads them.
    const records = await pendingRecords(db, AUDIT_SOURCE, l.records);
    const datas = records.map((record) => leafData(AUDIT_SOURCE.name, record));
    const bytes = datas.reduce((n, d) => n + d.length, 0) / datas.length;
    progress(`${engine}: log: hashing in memory, then the sequencer…`);
    const sha = inMemory(datas, leafHash);
    const canonical = inMemory(records, (record) => leafHash(leafData(AUDIT_SOURCE.name, record)));
    const start = performance.now();
    const added = await integrate(db);
    const appends = (added * 1000) / (performance.now() - start);
    if (added !== l.records) throw new Error(`the sequencer added ${added} leaves, not ${l.records}`);
    const perSecond = (rate: number, unit: string) => `${num(rate)} ${unit}/s`;
    row('Baseline: raw SHA-256 of the leaves (0x00 ‖ leaf bytes), node:crypto', perSecond(sha.rate, 'hashes'), `${num(sha.us, ' µs')} each; leaves of ${num(bytes, ' bytes')}`);
    row('Baseline: canonical JSON (RFC 8785) + SHA-256 of the same records', perSecond(canonical.rate, 'leaves'), `${num(canonical.us, ' µs')} each`, `${ratio(canonical.rate, sha.rate)} of raw SHA-256`);
    row('Log appends: audit records added by the sequencer', perSecond(appends, 'appends'), `raw SHA-256 ${perSecond(sha.rate, 'hashes')}`, ratio(appends, sha.rate));
    row('Log appends beside canonical JSON + SHA-256 alone', perSecond(appends, 'appends'), `in memory ${perSecond(canonical.rate, 'leaves')}`, ratio(appends, canonical.rate));

    progress(`${engine}: log: ${num(l.proofs)} inclusion and consistency proofs…`);
    const size = added;
    const root = await rootAt(db, size);
    const indexes = spread(l.proofs, size);
    const leaves = await Promise.all(indexes.map(async (index) => (await leafHashAt(db, index))!));
    const inclusion: Uint8Array[][] = [];
    const readInclusion = await timed(indexes, async (index) => inclusion.push(await inclusionProof(db, index, size)));
    const checkInclusion = inMemory(indexes.map((index, i) => ({ index, leaf: leaves[i]!, proof: inclusion[i]! })), ({ index, leaf, proof }) => {
      if (!verifyInclusion(index, size, leaf, proof, root)) throw new Error(`inclusion proof of ${index} does not verify`);
    });
    const froms = indexes.map((index) => Math.max(1, index));
    const fromRoots = await Promise.all(froms.map((from) => rootAt(db, from)));
    const consistency: Uint8Array[][] = [];
    const readConsistency = await timed(froms, async (from) => consistency.push(await consistencyProof(db, from, size)));
    const checkConsistency = inMemory(froms.map((from, i) => ({ from, fromRoot: fromRoots[i]!, proof: consistency[i]! })), ({ from, fromRoot, proof }) => {
      if (!verifyConsistency(from, size, fromRoot, root, proof)) throw new Error(`consistency proof from ${from} does not verify`);
    });
    const hashes = (proofs: Uint8Array[][]) => num(proofs.reduce((n, p) => n + p.length, 0) / proofs.length);
    row(`Inclusion proof verified (tree of ${num(size)})`, num(checkInclusion.us, ' µs'), `${hashes(inclusion)} hashes each; raw SHA-256 ${num(sha.us, ' µs')}`, ratio(checkInclusion.us, sha.us));
    row('Inclusion proof read from the database (one query)', num(readInclusion.us / 1000, ' ms'), `${perSecond(readInclusion.rate, 'proofs')}, one after another`);
    row(`Consistency proof verified (to ${num(size)})`, num(checkConsistency.us, ' µs'), `${hashes(consistency)} hashes each; raw SHA-256 ${num(sha.us, ' µs')}`, ratio(checkConsistency.us, sha.us));
    row('Consistency proof read from the database (one query)', num(readConsistency.us / 1000, ' ms'), `${perSecond(readConsistency.rate, 'proofs')}, one after another`);
  } finally {
    await release(database);
  }
}
