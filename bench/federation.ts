/**
 * The federation benchmark: messages from node A to node B, sealed (JWS in JWE), written to A's
 * outbox, delivered by A's worker over HTTP to B's inbox in batches, applied there, and receipted (a
 * signed receipt that A verifies and stores). Beside it, baselines measured in the same run: the same
 * cryptography alone (no database, no HTTP) and a bare INSERT on the same engine. See bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { JWK } from 'jose';
import { digestOf, openMessage, sealMessage } from '../src/federation/envelope.ts';
import { newMessageId } from '../src/federation/keys.ts';
import { DEFAULT_DELIVERY, type DeliverySettings, type DeliveryWorker, MAX_BATCH, batchBodyLimit } from '../src/federation/outbox.ts';
import { signReceipt, verifyReceipt } from '../src/federation/receipts.ts';
import { INBOX_BATCH_PATH } from '../src/federation/service.ts';
import { encryptionKeyOf, trustedKey } from '../src/federation/trust.ts';
import type { Database } from '../src/platform/db/database.ts';
import { keep, ms, notes, num, pct, progress, ratio, release, row, section } from './report.ts';
import {
  type BenchPeer, type BenchSettings, type Engine, type Measure, type QueryEvent,
  type Load, DbProbe, LoadMeter, positive, startBenchPeer, summarise, timedLoop, trustPeer,
} from './support.ts';

const PING = 'federation.ping';
/** The issue's targets: messages per second per node pair on a server, and the full path's cost against the cryptography alone. */
const TARGET_RATE = 1000;
const TARGET_COST_RATIO = 3;

/* ---------------------------------------------------------------- settings */

export function federationSettings(engine: Engine) {
  const messages = process.env.BENCH_FED_MESSAGES ? positive('BENCH_FED_MESSAGES', 0) : engine === 'postgres' ? 2000 : 1000;
  const overrides = deliveryOverrides();
  return {
    /** Messages sent in each of the bulk phases. */
    messages: Math.round(messages),
    /** Messages queued per transaction when queueing in bulk. */
    txBatch: Math.round(positive('BENCH_FED_TX_BATCH', 50)),
    /** Producers queueing at once in the bulk phases, each in transactions of its own: a node queues for many users at once. */
    producers: Math.round(positive('BENCH_FED_PRODUCERS', 4)),
    /** Messages sent one at a time on an idle pair, for the latency of a lone message. */
    lone: Math.round(positive('BENCH_FED_LONE', 30)),
    /** Length of each cryptography and bare-INSERT baseline, in seconds. */
    baselineSeconds: positive('BENCH_FED_BASELINE_SECONDS', 1),
    /** Length of the paced phase (one message per transaction at half the measured rate), in seconds; 0 to skip. */
    pacedSeconds: process.env.BENCH_FED_PACED_SECONDS === '0' ? 0 : positive('BENCH_FED_PACED_SECONDS', 3),
    /** Connections in each node's pool, on a server (the node's default is 10). */
    poolSize: process.env.BENCH_FED_POOL ? Math.round(positive('BENCH_FED_POOL', 10)) : undefined,
    /** Bytes of filler text in each message's payload. */
    payloadBytes: Math.round(positive('BENCH_FED_PAYLOAD', 256)),
    /** Added to each request to B's inbox before B handles it, in ms: a stand-in for the network between two States (0: loopback only). */
    delayMs: !process.env.BENCH_FED_DELAY_MS || process.env.BENCH_FED_DELAY_MS === '0' ? 0 : positive('BENCH_FED_DELAY_MS', 0),
    /** Longest wait for a phase's messages to be delivered, in seconds. */
    timeoutSeconds: positive('BENCH_FED_TIMEOUT', 60),
    /**
     * The node's own worker (DEFAULT_DELIVERY) unless a batch size, lanes or idle poll is given: then
     * A's messages are delivered by a DeliveryWorker built here with those settings, to try them
     * without changing src/.
     */
    delivery: Object.keys(overrides).length > 0 ? { ...DEFAULT_DELIVERY, ...overrides } : undefined,
  };
}

type FederationSettings = ReturnType<typeof federationSettings>;

function deliveryOverrides(): Partial<DeliverySettings> {
  const overrides: Partial<DeliverySettings> = {};
  if (process.env.BENCH_FED_BATCH) overrides.batchSize = Math.round(positive('BENCH_FED_BATCH', DEFAULT_DELIVERY.batchSize));
  if (process.env.BENCH_FED_LANES) overrides.lanes = Math.round(positive('BENCH_FED_LANES', DEFAULT_DELIVERY.lanes));
  if (process.env.BENCH_FED_IDLE_POLL) overrides.idlePollMs = positive('BENCH_FED_IDLE_POLL', DEFAULT_DELIVERY.idlePollMs);
  return overrides;
}

/** A's worker as this run has it, for the header and the table. */
export function describeDelivery(fed: FederationSettings): string {
  const d = fed.delivery ?? DEFAULT_DELIVERY;
  return `batch ${d.batchSize}, up to ${d.lanes} rounds in flight, idle poll ${d.idlePollMs} ms (${fed.delivery ? 'set by BENCH_FED_*' : "the node's own"})`;
}

/** How the bulk phases queue their messages. */
export function describeQueueing(fed: FederationSettings): string {
  return `${fed.producers} producer${fed.producers === 1 ? '' : 's'} at once, each in transactions of ${fed.txBatch}`;
}

/* ---------------------------------------------------------------- what the probes see */

const CLAIM = /^\s*UPDATE outbox o SET lease_until/i;
/** The worker marks a whole round delivered in one statement, its first parameter the ids. */
const DELIVERED = /^\s*UPDATE outbox o SET state = 'delivered'/i;
const FAILED = /^\s*UPDATE outbox SET state = CASE/i;

/** Names the statements the federation runs, so that time spent in each can be added up. */
function labelOf(sql: string): string {
  const known: [RegExp, string][] = [
    [CLAIM, 'claim'],
    [DELIVERED, 'mark delivered'],
    [FAILED, 'mark failed'],
    [/^\s*SELECT p\.status, k\.jwk/i, 'encryption key'],
    [/^\s*INSERT INTO outbox/i, 'outbox insert'],
    [/^\s*SELECT k\.jwk FROM peer_keys/i, 'signing key'],
    [/^\s*SELECT msg_id, digest, receipt FROM inbox/i, 'earlier receipts'],
    [/^\s*INSERT INTO inbox/i, 'inbox insert'],
  ];
  for (const [pattern, label] of known) if (pattern.test(sql)) return label;
  return sql.replace(/\s+/g, ' ').trim().slice(0, 48);
}

/** One round of A's worker: from the start of its claim to the end of the statement marking its messages delivered. */
interface Round {
  start: number;
  size: number;
  end?: number;
}

/**
 * Follows A's deliveries through the statements its worker runs: which messages each round claimed,
 * and when each was marked delivered (its receipt verified and stored). Messages are expected with
 * the time their transaction committed, which gives each one's latency.
 */
class DeliveryTracker {
  private expected = new Map<string, number>();
  private roundOf = new Map<string, Round>();
  private wake: (() => void) | undefined;
  latencies: number[] = [];
  rounds: Round[] = [];
  lastDelivered = 0;
  delivered = 0;
  failures = 0;
  lastFailure = '';

  constructor(probe: DbProbe) {
    probe.on((event) => this.seen(event));
  }

  reset(): void {
    this.latencies = [];
    this.rounds = [];
    this.roundOf.clear();
    this.delivered = 0;
    this.failures = 0;
  }

  expect(ids: readonly string[], committedAt: number): void {
    for (const id of ids) this.expected.set(id, committedAt);
  }

  get waiting(): number {
    return this.expected.size;
  }

  private seen(event: QueryEvent): void {
    if (event.failed) return;
    if (CLAIM.test(event.sql)) {
      if (event.rowCount === 0) return;
      const round: Round = { start: event.start, size: event.rowCount };
      this.rounds.push(round);
      for (const claimed of event.rows as { msg_id: string }[]) this.roundOf.set(claimed.msg_id, round);
    } else if (DELIVERED.test(event.sql)) {
      for (const id of (event.params?.[0] ?? []) as string[]) {
        const round = this.roundOf.get(id);
        if (round) round.end = event.end;
        this.roundOf.delete(id);
        const committed = this.expected.get(id);
        if (committed === undefined) continue;
        this.expected.delete(id);
        this.latencies.push(event.end - committed);
        this.lastDelivered = event.end;
        this.delivered += 1;
      }
      if (this.expected.size === 0) this.wake?.();
    } else if (FAILED.test(event.sql)) {
      this.failures += 1;
      this.lastFailure = String(event.params?.[2]).slice(0, 200);
    }
  }

  /**
   * Waits until every expected message is delivered. Should the worker's statements ever change so
   * that the tracker misses them, the outbox itself is checked twice a second and says when all are.
   */
  async waitAll(db: Database, ids: readonly string[], timeoutMs: number): Promise<{ done: boolean; at: number; byDatabase: boolean }> {
    const deadline = performance.now() + timeoutMs;
    while (this.expected.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.expected.size === 0) break;
      if ((await deliveredCount(db, ids)) === ids.length) {
        for (const id of ids) this.expected.delete(id);
        return { done: true, at: performance.now(), byDatabase: true };
      }
      if (performance.now() > deadline) return { done: false, at: performance.now(), byDatabase: false };
    }
    return { done: true, at: this.lastDelivered, byDatabase: false };
  }
}

async function deliveredCount(db: Database, ids: readonly string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM outbox WHERE msg_id = ANY($1::uuid[]) AND state = 'delivered' AND receipt IS NOT NULL",
    [ids],
  );
  return rows[0]!.n;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => (values.length ? sum(values) / values.length : Number.NaN);

/** Times calls that may overlap, and counts how many were in flight at most. */
class Timings {
  durations: number[] = [];
  maxInFlight = 0;
  private inFlight = 0;

  async time<T>(work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.durations.push(performance.now() - start);
    }
  }

  reset(): void {
    this.durations = [];
    this.maxInFlight = 0;
  }
}

/** Times A's requests to B's batch inbox (the worker calls the global fetch), up to the answer's headers. */
class FetchProbe {
  readonly timings = new Timings();
  private readonly original = globalThis.fetch;

  install(): void {
    const { original, timings } = this;
    globalThis.fetch = function (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return url.endsWith(INBOX_BATCH_PATH) ? timings.time(() => original(input, init)) : original(input, init);
    } as typeof fetch;
  }

  uninstall(): void {
    globalThis.fetch = this.original;
  }
}

/**
 * Times B's Inbox.receiveAll (decrypt and verify each message, the look-ups, the applying transaction,
 * the receipts), as the batch route calls it, and counts the messages of each call; `delayMs` is
 * waited before each, outside the timing, as a network would delay the request.
 */
function probeReceiveAll(peer: BenchPeer, delayMs: number) {
  const inbox = peer.federation.inbox;
  const original = inbox.receiveAll.bind(inbox);
  const timings = new Timings();
  let sizes: number[] = [];
  inbox.receiveAll = async (envelopes) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    sizes.push(envelopes.length);
    return timings.time(() => original(envelopes));
  };
  return {
    timings,
    /** Messages in each call. */
    get sizes() {
      return sizes;
    },
    reset() {
      timings.reset();
      sizes = [];
    },
  };
}

/* ---------------------------------------------------------------- baselines */

/** A measure, and the CPU time of this process per operation in ms. */
type Costed = Measure & { cpu: number };

type CryptoStep = 'seal' | 'open' | 'receiptSign' | 'receiptVerify' | 'full' | 'fullConcurrent' | 'deliverConcurrent';

type CryptoBaselines = Record<CryptoStep, Costed> & { envelope: string };

/**
 * The cryptography of one message alone, with the two nodes' own keys and the functions the nodes
 * call (jose underneath): A seals (sign, then encrypt for B), B opens (decrypt, verify A's
 * signature) and signs a receipt, A verifies the receipt. No database, no HTTP.
 */
async function cryptoBaselines(a: BenchPeer, b: BenchPeer, fed: FederationSettings, concurrency: number, payload: (i: number) => unknown): Promise<CryptoBaselines> {
  const bEncryption = (await encryptionKeyOf(a.database.db, b.nodeId)).key;
  const aSigning: JWK = a.federation.keys.signing.publicJwk;
  const bSigning: JWK = b.federation.keys.signing.publicJwk;
  const openOptions = () => ({
    self: b.nodeId,
    keys: b.federation.keys,
    senderKey: async () => aSigning,
    now: Date.now(),
    maxSkewSeconds: b.config.federation.maxSkewSeconds,
    maxAgeSeconds: b.config.federation.maxAgeSeconds,
  });
  let seq = 0;
  const seal = () => {
    const header = { msgId: newMessageId(), from: a.nodeId, to: b.nodeId, type: PING, iat: Math.floor(Date.now() / 1000) };
    return sealMessage(header, payload(seq++), a.federation.keys, bEncryption);
  };
  const sign = (envelope: string, msgId: string) =>
    signReceipt({ msgId, from: a.nodeId, to: b.nodeId, digest: digestOf(envelope), receivedAt: new Date().toISOString() }, b.federation.keys);
  const verify = (receipt: string, envelope: string, msgId: string) => verifyReceipt(receipt, bSigning, { msgId, digest: digestOf(envelope) });
  const openAndReceipt = async (envelope: string) => {
    const opened = await openMessage(envelope, openOptions());
    await verify(await sign(envelope, opened.msgId), envelope, opened.msgId);
  };
  const full = async () => openAndReceipt(await seal());
  const envelope = await seal();
  const msgId = (await openMessage(envelope, openOptions())).msgId;
  const receipt = await sign(envelope, msgId);
  // Warm-up: JIT and key imports.
  await timedLoop(1, 0.2, full);

  const S = fed.baselineSeconds;
  const measure = async (c: number, seconds: number, op: () => Promise<unknown>): Promise<Costed> => {
    const meter = new LoadMeter();
    const m = await timedLoop(c, seconds, op);
    return { ...m, cpu: meter.stop().processCpu / m.count };
  };
  return {
    seal: await measure(1, S / 2, seal),
    open: await measure(1, S / 2, () => openMessage(envelope, openOptions())),
    receiptSign: await measure(1, S / 2, () => sign(envelope, msgId)),
    receiptVerify: await measure(1, S / 2, () => verify(receipt, envelope, msgId)),
    full: await measure(1, S, full),
    fullConcurrent: await measure(concurrency, S, full),
    deliverConcurrent: await measure(concurrency, S / 2, () => openAndReceipt(envelope)),
    envelope,
  };
}

/** A bare INSERT of an envelope-sized row on the same engine, committed one by one (and, for comparison, in batches). */
async function insertBaselines(db: Database, envelope: string, seconds: number, concurrency: number, txBatch: number) {
  await db.exec('CREATE TABLE bench_bare_insert (id uuid PRIMARY KEY, body text NOT NULL)');
  try {
    const one = () => db.query('INSERT INTO bench_bare_insert (id, body) VALUES ($1, $2)', [randomUUID(), envelope]);
    await timedLoop(1, 0.2, one);
    const single = await timedLoop(1, seconds, one);
    const parallel = concurrency > 1 ? await timedLoop(concurrency, seconds, one) : undefined;
    const batched = await timedLoop(1, seconds, () =>
      db.transaction(async (tx) => {
        for (let i = 0; i < txBatch; i++) await tx.query('INSERT INTO bench_bare_insert (id, body) VALUES ($1, $2)', [randomUUID(), envelope]);
      }),
    );
    return { single, parallel, batchedRate: batched.rate * txBatch };
  } finally {
    await db.exec('DROP TABLE bench_bare_insert');
  }
}

/* ---------------------------------------------------------------- the run */

interface Pair {
  a: BenchPeer;
  b: BenchPeer;
  worker: DeliveryWorker;
  delivery: DeliverySettings;
  close(): Promise<void>;
}

async function startPair(engine: Engine, settings: BenchSettings, fed: FederationSettings): Promise<Pair> {
  const common = { ...(fed.poolSize ? { poolSize: fed.poolSize } : {}) };
  const a = keep(await startBenchPeer(engine, settings, { nodeId: 'a-bench', state: 'AA', probe: new DbProbe(labelOf), ...common }));
  const b = keep(await startBenchPeer(engine, settings, { nodeId: 'b-bench', state: 'BB', probe: new DbProbe(labelOf), ...common }));
  await trustPeer(a, b);
  await trustPeer(b, a);
  // The node's own worker, or one with the settings asked for, over the same (probed) database.
  const worker = fed.delivery ? a.federation.newWorker(fed.delivery) : a.federation.worker;
  const pair: Pair = {
    a,
    b,
    worker,
    delivery: fed.delivery ?? DEFAULT_DELIVERY,
    async close() {
      await worker.stop();
      await release(b);
      await release(a);
    },
  };
  return pair;
}

/** Runs `work` on every item, with at most `inFlight` running at once, each taking the next item left. */
async function forEachInFlight<T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

interface Queueing {
  count: number;
  txBatch: number;
  producers: number;
}

/** One message in a transaction of its own, by one producer. */
const ONE: Queueing = { count: 1, txBatch: 1, producers: 1 };
const bulk = (fed: FederationSettings): Queueing => ({ count: fed.messages, txBatch: fed.txBatch, producers: fed.producers });

/** Queues `count` pings from A to B: `producers` at once, each taking the next `txBatch` in a transaction of its own until all are queued. */
async function enqueueAll(pair: Pair, how: Queueing, payload: (i: number) => unknown, committed?: (ids: string[], at: number) => void): Promise<string[]> {
  const { a, b } = pair;
  const firsts = Array.from({ length: Math.ceil(how.count / how.txBatch) }, (_, k) => k * how.txBatch);
  const all: string[] = [];
  await forEachInFlight(firsts, how.producers, async (first) => {
    const n = Math.min(how.txBatch, how.count - first);
    const ids = await a.federation.db.transaction(async (tx) => {
      const out: string[] = [];
      for (let j = 0; j < n; j++) out.push(await a.federation.send(tx, b.nodeId, PING, payload(first + j)));
      return out;
    });
    all.push(...ids);
    committed?.(ids, performance.now());
  });
  return all;
}

/** Checks what A and B hold at the end of a phase: every message delivered with a receipt, received once, and a sample of receipts verified again. */
async function check(pair: Pair, ids: readonly string[], what: string): Promise<void> {
  const { a, b } = pair;
  const delivered = await deliveredCount(a.database.db, ids);
  const received = (await b.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE msg_id = ANY($1::uuid[])', [ids])).rows[0]!.n;
  if (delivered !== ids.length || received !== ids.length) {
    notes.push(`${what}: ${delivered} of ${ids.length} messages delivered with a receipt on A, ${received} in B's inbox.`);
  }
  const sample = await a.database.db.query<{ msg_id: string; digest: string; receipt: string }>(
    "SELECT msg_id, digest, receipt FROM outbox WHERE msg_id = ANY($1::uuid[]) AND state = 'delivered' ORDER BY random() LIMIT 10",
    [ids],
  );
  const key = await trustedKey(a.database.db, b.nodeId, b.federation.keys.signing.kid, 'sig');
  if (!key) throw new Error(`${what}: A does not hold B's signing key`);
  // Throws if a stored receipt does not verify with B's key, or is not for these bytes.
  for (const r of sample.rows) await verifyReceipt(r.receipt, key, { msgId: r.msg_id, digest: r.digest });
}

/** Whether the PostgreSQL server runs on this machine, where its processes' CPU time can be read. */
function localServer(url: string | undefined): boolean {
  if (!url) return false;
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '';
}

/** What every phase needs: the pair, the probes, the settings. */
interface Run {
  engine: Engine;
  fed: FederationSettings;
  pair: Pair;
  tracker: DeliveryTracker;
  fetches: FetchProbe;
  receives: ReturnType<typeof probeReceiveAll>;
  payload: (i: number) => unknown;
  timeoutMs: number;
  workerNote: string;
  /** The nodes' databases on a server, whose backends' CPU each phase counts. */
  databases: string[];
}

/** A lone message at a time, on an idle pair: the latency of the path itself (also the warm-up). */
async function lonePhase(run: Run): Promise<Measure> {
  const { pair, tracker, fed } = run;
  progress(`${run.engine}: federation: ${fed.lone} lone messages, one at a time…`);
  pair.worker.start();
  const lone: number[] = [];
  for (let i = 0; i < fed.lone; i++) {
    const ids = await enqueueAll(pair, ONE, run.payload);
    const committedAt = performance.now();
    tracker.reset();
    tracker.expect(ids, committedAt);
    pair.worker.kick();
    const waited = await tracker.waitAll(pair.a.database.db, ids, run.timeoutMs);
    if (!waited.done) throw new Error(`a lone message was not delivered within ${fed.timeoutSeconds} s (${tracker.failures} failed attempts: ${tracker.lastFailure})`);
    lone.push(tracker.latencies[0] ?? waited.at - committedAt);
  }
  return summarise(lone, { rateBy: 'window', concurrency: 1, seconds: Number.NaN });
}

/** End to end: N messages queued as fast as A's producers can, while its worker delivers them. */
async function endToEndPhase(run: Run) {
  const { pair, tracker, fed, engine } = run;
  const N = fed.messages;
  progress(`${engine}: federation: end to end: ${N} messages queued by ${describeQueueing(fed)}, while A's worker delivers them (${run.workerNote})…`);
  tracker.reset();
  const meter = new LoadMeter(run.databases);
  const start = performance.now();
  const ids = await enqueueAll(pair, bulk(fed), run.payload, (just, at) => {
    tracker.expect(just, at);
    pair.worker.kick();
  });
  const queued = performance.now();
  const waited = await tracker.waitAll(pair.a.database.db, ids, run.timeoutMs);
  const load = meter.stop();
  const seconds = (waited.at - start) / 1000;
  if (!waited.done) notes.push(`${engine} federation end to end: only ${N - tracker.waiting} of ${N} messages delivered within ${fed.timeoutSeconds} s (BENCH_FED_TIMEOUT).`);
  if (waited.byDatabase) notes.push(`${engine} federation: the worker's statements were not recognised; completion was read from the outbox (latencies unavailable).`);
  const failures = tracker.failures;
  const latency = summarise(tracker.latencies, { rateBy: 'window', concurrency: 1, seconds });
  await check(pair, ids, `${engine} end to end`);
  // The same latencies as the database saw them; created_at is when the transaction of txBatch began.
  const fromColumns = (
    await pair.a.database.db.query<{ ms: number }>(
      'SELECT extract(epoch FROM delivered_at - created_at)::float8 * 1000 AS ms FROM outbox WHERE msg_id = ANY($1::uuid[])',
      [ids],
    )
  ).rows.map((r) => r.ms);
  return {
    rate: waited.done ? N / seconds : Number.NaN,
    seconds,
    queueSeconds: (queued - start) / 1000,
    latency,
    columns: summarise(fromColumns, { rateBy: 'window', concurrency: 1, seconds: Number.NaN }),
    load,
    failures,
    rounds: roundsOf(tracker),
  };
}

/** Paced: one message per transaction at `target` per second, for the latency under a load the pair can carry. */
async function pacedPhase(run: Run, target: number) {
  const { pair, tracker, fed, engine } = run;
  const count = Math.max(10, Math.round(target * fed.pacedSeconds));
  progress(`${engine}: federation: paced: ${count} messages, one per transaction, at ${num(target)}/s…`);
  tracker.reset();
  const begun = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const wait = begun + (i * 1000) / target - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    ids.push(...(await enqueueAll(pair, ONE, run.payload, (just, at) => {
      tracker.expect(just, at);
      pair.worker.kick();
    })));
  }
  const sent = performance.now();
  const waited = await tracker.waitAll(pair.a.database.db, ids, run.timeoutMs);
  if (!waited.done) notes.push(`${engine} federation paced: not every message was delivered within ${fed.timeoutSeconds} s.`);
  await check(pair, ids, `${engine} paced`);
  return { target, rate: count / ((sent - begun) / 1000), latency: summarise(tracker.latencies, { rateBy: 'window', concurrency: 1, seconds: Number.NaN }) };
}

/** Queueing alone: N messages written to the outbox with the worker stopped (A alone); what each statement took. */
async function queueingPhase(run: Run) {
  const { pair, fed, engine } = run;
  const { a } = pair;
  const N = fed.messages;
  progress(`${engine}: federation: queueing alone: ${N} messages by ${describeQueueing(fed)}, worker stopped…`);
  await pair.worker.stop();
  a.probe.reset();
  a.probe.recording = true;
  const meter = new LoadMeter(run.databases);
  const start = performance.now();
  const ids = await enqueueAll(pair, bulk(fed), run.payload);
  const seconds = (performance.now() - start) / 1000;
  const load = meter.stop();
  a.probe.recording = false;
  return {
    ids,
    rate: N / seconds,
    load,
    key: a.probe.total('encryption key'),
    insert: a.probe.total('outbox insert'),
  };
}

/** Starts A's worker on messages already queued, and waits until all are delivered. */
async function deliverQueued(run: Run, ids: readonly string[], what: string) {
  const { pair, tracker } = run;
  tracker.reset();
  tracker.expect(ids, performance.now());
  const start = performance.now();
  pair.worker.start();
  const waited = await tracker.waitAll(pair.a.database.db, ids, run.timeoutMs);
  if (!waited.done) notes.push(`${what}: only ${ids.length - tracker.waiting} of ${ids.length} delivered within ${run.fed.timeoutSeconds} s.`);
  return { ...waited, seconds: (waited.at - start) / 1000 };
}

/** The most rounds in flight at once, and how many on average from the first claim to the last round's end. */
function overlapOf(rounds: Required<Round>[]): { most: number; average: number } {
  const edges = rounds.flatMap((r) => [[r.start, 1], [r.end, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let inFlight = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (inFlight += step));
  const span = Math.max(...rounds.map((r) => r.end)) - Math.min(...rounds.map((r) => r.start));
  return { most, average: sum(rounds.map((r) => r.end - r.start)) / span };
}

function roundsOf(tracker: DeliveryTracker) {
  const done = tracker.rounds.filter((r): r is Required<Round> => r.end !== undefined);
  return {
    count: done.length,
    size: mean(done.map((r) => r.size)),
    duration: mean(done.map((r) => r.end - r.start)),
    ...overlapOf(done),
  };
}

/** Delivering alone: the worker started on a backlog of N; rounds, requests, statements on both sides. */
async function deliveryPhase(run: Run, backlog: string[]) {
  const { pair, tracker, engine, fetches, receives } = run;
  const { a, b } = pair;
  const N = backlog.length;
  progress(`${engine}: federation: delivering alone: the backlog of ${N} messages (${run.workerNote})…`);
  for (const probe of [a.probe, b.probe]) {
    probe.reset();
    probe.recording = true;
  }
  fetches.timings.reset();
  receives.reset();
  const connectionsBefore = b.connections();
  const meter = new LoadMeter(run.databases);
  const waited = await deliverQueued(run, backlog, `${engine} federation delivery alone`);
  const load = meter.stop();
  a.probe.recording = false;
  b.probe.recording = false;
  const connectionsOpened = b.connections() - connectionsBefore;
  await check(pair, backlog, `${engine} delivery alone`);
  const received = sum(receives.sizes);
  return {
    rate: waited.done ? N / waited.seconds : Number.NaN,
    load,
    failures: tracker.failures,
    rounds: roundsOf(tracker),
    requests: {
      count: receives.sizes.length,
      size: received / receives.sizes.length,
      post: mean(fetches.timings.durations),
      maxInFlight: fetches.timings.maxInFlight,
      receiveAll: mean(receives.timings.durations),
      /** receiveAll's time per message it received. */
      receiveAllPerMessage: sum(receives.timings.durations) / received,
    },
    received,
    connectionsOpened,
    claim: a.probe.total('claim'),
    receiptKey: a.probe.total('signing key'),
    mark: a.probe.total('mark delivered'),
    earlier: b.probe.total('earlier receipts'),
    senderKey: b.probe.total('signing key'),
    tx: b.probe.total('transaction'),
    insert: b.probe.total('inbox insert'),
  };
}

/** Request bodies as A's worker builds them: at most `most` envelopes each, and no longer than `limit` (what B's batch route accepts). */
function batchBodies(envelopes: readonly string[], most: number, limit: number): string[] {
  const bodies: string[] = [];
  let batch: string[] = [];
  let length = 0;
  const empty = JSON.stringify({ envelopes: [] }).length;
  for (const envelope of envelopes) {
    const grown = length + envelope.length + 3; // its quotes and a comma: envelopes are compact JWE, nothing to escape
    if (batch.length >= most || (batch.length > 0 && grown > limit)) {
      bodies.push(JSON.stringify({ envelopes: batch }));
      batch = [];
    }
    length = batch.length === 0 ? empty + envelope.length + 3 : grown;
    batch.push(envelope);
  }
  if (batch.length > 0) bodies.push(JSON.stringify({ envelopes: batch }));
  return bodies;
}

/** Messages an answer of B's batch route receipts for the first time. */
function freshReceipts(answer: string): number {
  const { results } = JSON.parse(answer) as { results?: { receipt?: string; duplicate?: boolean }[] };
  return (results ?? []).filter((r) => r.receipt && !r.duplicate).length;
}

/**
 * Receiving alone: B's part of the delivery, without A's. N messages are queued on A with its worker
 * stopped, and their envelopes posted to B's batch route by the bench, in the requests A's worker
 * would send, as many in flight as it has rounds. A's worker then delivers them as usual: B answers
 * with the receipts it already gave, applying nothing twice, and the usual checks follow.
 */
async function receivingPhase(run: Run) {
  const { pair, fed, engine } = run;
  const { a, b, delivery } = pair;
  progress(`${engine}: federation: receiving alone: ${fed.messages} messages queued on A, posted to B by the bench…`);
  await pair.worker.stop();
  const ids = await enqueueAll(pair, bulk(fed), run.payload);
  const { rows } = await a.database.db.query<{ envelope: string }>('SELECT envelope FROM outbox WHERE msg_id = ANY($1::uuid[]) ORDER BY created_at', [ids]);
  const bodies = batchBodies(rows.map((r) => r.envelope), Math.min(delivery.batchSize, MAX_BATCH), batchBodyLimit(b.config.federation.inboxLimit));
  const url = `${b.url}${INBOX_BATCH_PATH}`;
  const answers: string[] = [];
  const meter = new LoadMeter(run.databases);
  const start = performance.now();
  await forEachInFlight(bodies, delivery.lanes, async (body) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    answers.push(await response.text());
  });
  const seconds = (performance.now() - start) / 1000;
  const load = meter.stop();
  const receipted = sum(answers.map(freshReceipts));
  if (receipted !== ids.length) notes.push(`${engine} receiving alone: B receipted ${receipted} of ${ids.length} messages (first answer: ${answers[0]?.slice(0, 200)}).`);
  await deliverQueued(run, ids, `${engine} federation receiving alone, delivered again`);
  await check(pair, ids, `${engine} receiving alone`);
  return { rate: ids.length / seconds, load, requests: bodies.length };
}

/* ---------------------------------------------------------------- where the CPU goes */

/** CPU time per message, in ms: this process, its main thread, and the PostgreSQL backends of the databases named (none for PGlite, which runs in the process). */
interface Cpu {
  process: number;
  mainThread: number;
  database: number;
}

const cpuOf = (load: Load, messages: number, databases: readonly string[] = []): Cpu => ({
  process: load.processCpu / messages,
  mainThread: load.mainThreadCpu / messages,
  database: sum(databases.map((name) => load.databaseCpu.get(name) ?? 0)) / messages,
});
const plus = (x: Cpu, y: Cpu): Cpu => ({ process: x.process + y.process, mainThread: x.mainThread + y.mainThread, database: x.database + y.database });
const scaled = (x: Cpu, factor: number): Cpu => ({ process: x.process * factor, mainThread: x.mainThread * factor, database: x.database * factor });
/** What a node's machine spends: its process and its database. */
const machineCpu = (x: Cpu) => x.process + x.database;

/**
 * The CPU per message of each node. A alone queues (queueing alone) and B alone receives (receiving
 * alone); what delivering costs A is delivering alone (both nodes in this process) less receiving
 * alone. Each node's database backends are told apart by their database, so they are counted directly.
 */
function cpuByNode(phases: { queueing: Load; delivering: Load; receiving: Load }, messages: number, backends: { a: string[]; b: string[] }) {
  const queueing = cpuOf(phases.queueing, messages, backends.a);
  const bothDelivering = cpuOf(phases.delivering, messages);
  const b = cpuOf(phases.receiving, messages, backends.b);
  const delivering: Cpu = {
    process: bothDelivering.process - b.process,
    mainThread: bothDelivering.mainThread - b.mainThread,
    database: cpuOf(phases.delivering, messages, backends.a).database,
  };
  return { a: plus(queueing, delivering), b, queueing, delivering };
}

/**
 * What one node could carry on a machine of `cores` of its own, from its CPU per message: its cores
 * shared by its process and its database, and its main thread (JavaScript, and PGlite) on one core.
 */
function capacity(cpu: Cpu, cores: number): { rate: number; bound: string } {
  if (!(cpu.process > 0)) return { rate: Number.NaN, bound: 'no CPU measured' };
  const byCores = (cores * 1000) / machineCpu(cpu);
  const byMainThread = 1000 / cpu.mainThread;
  return byMainThread < byCores ? { rate: byMainThread, bound: 'its main thread' } : { rate: byCores, bound: `${cores} cores` };
}

/**
 * What the pair could carry with a machine per node: the lesser node. Queueing and delivering at once
 * (end to end) may cost more per message than the phases apart: then both nodes' CPU is scaled up by
 * as much, so that the projection never assumes less CPU than the pair spent end to end.
 */
function projection(nodes: { a: Cpu; b: Cpu }, endToEnd: number, cores: number) {
  const factor = Math.max(1, endToEnd / (machineCpu(nodes.a) + machineCpu(nodes.b)));
  const a = capacity(scaled(nodes.a, factor), cores);
  const b = capacity(scaled(nodes.b, factor), cores);
  return { rate: Math.min(a.rate, b.rate), a, b, factor };
}

/* ---------------------------------------------------------------- the part */

export async function benchFederation(engine: Engine, settings: BenchSettings): Promise<void> {
  const fed = federationSettings(engine);
  progress(`${engine}: federation: two nodes on two fresh databases, trusting each other…`);
  const pair = keep(await startPair(engine, settings, fed));
  const { a, b, delivery } = pair;
  const fetches = new FetchProbe();
  fetches.install();
  const filler = 'x'.repeat(fed.payloadBytes);
  const run: Run = {
    engine,
    fed,
    pair,
    tracker: new DeliveryTracker(a.probe),
    fetches,
    receives: probeReceiveAll(b, fed.delayMs),
    payload: (i: number) => ({ note: 'benchmark', seq: i, filler }),
    timeoutMs: fed.timeoutSeconds * 1000,
    databases: [a.database.name, b.database.name].filter((name): name is string => name !== undefined),
    workerNote: `${describeDelivery(fed)}${fed.delayMs ? `, ${num(fed.delayMs)} ms added before each request to B is handled` : ''}`,
  };
  const N = fed.messages;
  section(`${a.database.label.replace(/, fresh database\)$/, ', a fresh database per node)')} — federation A → B`);

  try {
    /* Baselines first, on the same keys and the same engine. */
    progress(`${engine}: federation: baseline: the cryptography alone (sequential, then ${delivery.batchSize} in flight)…`);
    const crypto = await cryptoBaselines(a, b, fed, delivery.batchSize, run.payload);
    const dbConcurrency = engine === 'postgres' ? (fed.poolSize ?? 10) : 1;
    progress(`${engine}: federation: baseline: bare INSERT, one COMMIT each${dbConcurrency > 1 ? `, then ${dbConcurrency} at a time` : ''}, then ${fed.txBatch} per transaction…`);
    const inserts = await insertBaselines(a.database.db, crypto.envelope, fed.baselineSeconds, dbConcurrency, fed.txBatch);

    const lone = await lonePhase(run);
    const e2e = await endToEndPhase(run);
    const paced = fed.pacedSeconds > 0 && Number.isFinite(e2e.rate) ? await pacedPhase(run, Math.max(1, Math.round(e2e.rate / 2))) : undefined;
    const q = await queueingPhase(run);
    const d = await deliveryPhase(run, q.ids);
    const r = await receivingPhase(run);
    const failures = e2e.failures + d.failures;
    if (failures) notes.push(`${engine} federation: ${failures} delivery attempts failed and were retried (last: ${run.tracker.lastFailure}).`);

    /* ------------------------------------------------------------ the figures */
    const perMsg = (rate: number) => 1000 / rate;
    const msgs = (rate: number) => `${num(rate)} msg/s`;
    const cost = (rate: number) => `${num(perMsg(rate), ' ms')}/msg`;
    /** How busy the machine was, and the CPU the database server and the rest of the machine (anything else running) spent per message. */
    const server = engine === 'postgres' && localServer(settings.databaseUrl);
    const backends = (peer: BenchPeer) => (server && peer.database.name ? [peer.database.name] : []);
    const nodeBackends = { a: backends(a), b: backends(b) };
    const busy = (load: Load) =>
      `${server ? `PostgreSQL ${num(load.postgresCpu / N, ' ms')}/msg (A's backends ${num(cpuOf(load, N, nodeBackends.a).database, ' ms')}, B's ${num(cpuOf(load, N, nodeBackends.b).database, ' ms')}), ` : ''}` +
      `rest of the machine ${num((load.machineBusy - load.processCpu - (server ? load.postgresCpu : 0)) / N, ' ms')}/msg; ` +
      `machine ${pct(load.machineShare)} busy; event loop ${pct(load.eventLoop)} busy`;
    const cpu = (load: Load) => `${num(load.processCpu / N, ' ms')}/msg${Number.isFinite(load.mainThreadCpu) ? ` (main thread ${num(load.mainThreadCpu / N, ' ms')})` : ''}`;
    const inFlight = `${delivery.batchSize} in flight`;
    const queueing = describeQueueing(fed);

    row(
      'Federation end to end: messages/s, A → B with receipts',
      msgs(e2e.rate),
      `${N} messages, ${queueing}; target ${num(TARGET_RATE)} msg/s`,
      `${ratio(e2e.rate, TARGET_RATE)} of target${engine === 'pglite' ? ' (set for a server)' : ''}`,
    );
    row('Federation end to end vs the cryptography alone', msgs(e2e.rate), `crypto ${msgs(crypto.fullConcurrent.rate)} (${inFlight})`, ratio(e2e.rate, crypto.fullConcurrent.rate));
    row(
      'Federation end to end: cost per message vs cryptography alone',
      cost(e2e.rate),
      `crypto ${cost(crypto.fullConcurrent.rate)} (${inFlight}), ${cost(crypto.full.rate)} (sequential)`,
      `×${num(perMsg(e2e.rate) / perMsg(crypto.fullConcurrent.rate))} (target ≤ ×${TARGET_COST_RATIO})`,
    );
    row('Federation end to end vs bare INSERT + COMMIT', msgs(e2e.rate), `bare INSERT ${num(inserts.single.rate)} rows/s (1 at a time)`, ratio(e2e.rate, inserts.single.rate));
    row('Federation end to end: latency p50 / p99 / mean (commit → receipt stored)', ms(e2e.latency), `all ${N} queued at once: mostly time in the queue`);
    row('Federation end to end: same, from the outbox (created_at → delivered_at)', ms(e2e.columns), `database clock; created_at is when the transaction of ${fed.txBatch} began`);
    row(
      'Federation end to end: time to queue all / to deliver all',
      `${num(e2e.queueSeconds, ' s')} / ${num(e2e.seconds, ' s')}`,
      `A's worker: ${run.workerNote}`,
      `${e2e.rounds.count} rounds × ${num(e2e.rounds.size)} msgs, up to ${e2e.rounds.most} in flight`,
    );
    row('Federation end to end: CPU per message, this process (both nodes)', cpu(e2e.load), busy(e2e.load), `crypto alone ${num(crypto.fullConcurrent.cpu, ' ms')}/msg`);

    row('Lone message: latency p50 / p99 / mean (idle pair, commit → receipt stored)', ms(lone), `crypto alone, sequential ${ms(crypto.full)}`, `×${num(lone.mean / crypto.full.mean)} (means)`);
    if (paced) {
      row(`Paced, one message per transaction at ${num(paced.target)}/s: latency p50 / p99 / mean`, ms(paced.latency), `${msgs(paced.rate)} reached; lone message ${num(lone.mean, ' ms')} (mean)`, `×${num(paced.latency.mean / lone.mean)} (means)`);
    }

    const step = (name: string, m: Costed) => row(`Baseline: crypto alone, ${name}, sequential`, msgs(m.rate), `${num(m.mean, ' ms')} each, CPU ${num(m.cpu, ' ms')}`);
    step('seal (A: sign + encrypt)', crypto.seal);
    step('open (B: decrypt + verify)', crypto.open);
    step('receipt sign (B)', crypto.receiptSign);
    step('receipt verify (A)', crypto.receiptVerify);
    row('Baseline: crypto alone, whole path (the four above), sequential', msgs(crypto.full.rate), `${ms(crypto.full)}, CPU ${num(crypto.full.cpu, ' ms')}`);
    row(`Baseline: crypto alone, whole path, ${inFlight}`, msgs(crypto.fullConcurrent.rate), `CPU ${num(crypto.fullConcurrent.cpu, ' ms')}/msg`, `${ratio(crypto.fullConcurrent.rate, crypto.full.rate)} of sequential`);
    row(`Baseline: crypto alone, open + receipt (B's and A's part of a delivery), ${inFlight}`, msgs(crypto.deliverConcurrent.rate), `CPU ${num(crypto.deliverConcurrent.cpu, ' ms')}/msg`);
    row('Baseline: bare INSERT (envelope-sized row), one COMMIT each, 1 at a time', `${num(inserts.single.rate)} rows/s`, ms(inserts.single));
    if (inserts.parallel) row(`Baseline: bare INSERT, one COMMIT each, ${dbConcurrency} at a time`, `${num(inserts.parallel.rate)} rows/s`, ms(inserts.parallel), `${ratio(inserts.parallel.rate, inserts.single.rate)} of 1 at a time`);
    row(`Baseline: bare INSERT, ${fed.txBatch} per transaction`, `${num(inserts.batchedRate)} rows/s`, '', `${ratio(inserts.batchedRate, inserts.single.rate)} of one COMMIT each`);

    // Each producer is always busy, so the time a producer spends per message is producers ÷ rate.
    const producerMs = fed.producers * perMsg(q.rate);
    row(`Queueing alone (seal + INSERT; ${queueing}): messages/s`, msgs(q.rate), `seal alone ${msgs(crypto.seal.rate)}; bare INSERT ${fed.txBatch}/tx ${num(inserts.batchedRate)} rows/s`, `${ratio(q.rate, crypto.seal.rate)} of seal alone`);
    row(
      'Queueing alone: per message, in a producer: encryption key / INSERT / the rest',
      `${num(producerMs, ' ms')}/msg`,
      `${num(q.key.ms / N, ' ms')} / ${num(q.insert.ms / N, ' ms')} / ${num(producerMs - (q.key.ms + q.insert.ms) / N, ' ms')} (seal, BEGIN/COMMIT, waiting for the others, JS)`,
      `${num((q.key.count + q.insert.count) / N)} statements per message`,
    );
    row('Queueing alone: CPU per message, this process (A alone)', cpu(q.load), busy(q.load), `seal alone ${num(crypto.seal.cpu, ' ms')}/msg`);

    const { rounds, requests } = d;
    const aStatements = d.claim.mean + d.receiptKey.mean + d.mark.mean;
    const perRequest = (count: number) => num(count / requests.count);
    row('Delivering alone (a backlog, with receipts): messages/s', msgs(d.rate), `open + receipt alone ${msgs(crypto.deliverConcurrent.rate)} (${inFlight})`, ratio(d.rate, crypto.deliverConcurrent.rate));
    row(
      'Delivering alone: rounds of the worker (claim → marked delivered)',
      `${rounds.count} × ${num(rounds.size)} msgs`,
      `${num(rounds.duration, ' ms')} each: A's statements ${num(aStatements, ' ms')}, request to B ${num(requests.post, ' ms')}, ` +
        `the rest ${num(rounds.duration - aStatements - requests.post, ' ms')} (receipts verified, waiting for the main thread)`,
      `up to ${rounds.most} rounds in flight (${delivery.lanes} lanes), ${num(rounds.average)} on average`,
    );
    row(
      'Delivering alone: A → B requests: POST round trip / B receiveAll(), per request',
      `${num(requests.post, ' ms')} / ${num(requests.receiveAll, ' ms')}`,
      `${requests.count} requests × ${num(requests.size)} msgs, up to ${requests.maxInFlight} in flight; ${d.connectionsOpened} new TCP connections`,
      `per message ${num(requests.post / requests.size, ' ms')} / ${num(requests.receiveAllPerMessage, ' ms')}`,
    );
    row(
      'Delivering alone: B database, per request: earlier receipts / sender key / transaction',
      `${num(d.earlier.mean, ' ms')} / ${num(d.senderKey.mean, ' ms')} / ${num(d.tx.mean, ' ms')}`,
      `in the transaction: inbox bulk INSERT ${num(d.insert.mean, ' ms')}; per message, the transaction ${num(d.tx.ms / d.received, ' ms')}`,
      `${perRequest(d.earlier.count)} / ${perRequest(d.senderKey.count)} / ${perRequest(d.tx.count)} per request`,
    );
    row(
      'Delivering alone: A database, per round: claim / receipt key / mark delivered',
      `${num(d.claim.mean, ' ms')} / ${num(d.receiptKey.mean, ' ms')} / ${num(d.mark.mean, ' ms')}`,
      `per message ${num((d.claim.ms + d.receiptKey.ms + d.mark.ms) / N, ' ms')}`,
      `${num(d.claim.count / rounds.count)} / ${num(d.receiptKey.count / rounds.count)} / ${num(d.mark.count / rounds.count)} per round`,
    );
    row('Delivering alone: CPU per message, this process (both nodes)', cpu(d.load), busy(d.load), `open + receipt alone ${num(crypto.deliverConcurrent.cpu, ' ms')}/msg`);

    row(
      "Receiving alone (B; A's requests replayed by the bench): messages/s",
      msgs(r.rate),
      `${r.requests} requests, up to ${delivery.lanes} in flight; open + receipt alone ${msgs(crypto.deliverConcurrent.rate)} (${inFlight})`,
      ratio(r.rate, crypto.deliverConcurrent.rate),
    );
    row('Receiving alone: CPU per message, this process (B alone)', cpu(r.load), busy(r.load), `open + receipt sign alone ${num(crypto.open.cpu + crypto.receiptSign.cpu, ' ms')}/msg`);

    const nodes = cpuByNode({ queueing: q.load, delivering: d.load, receiving: r.load }, N, nodeBackends);
    const bothNodes = machineCpu(nodes.a) + machineCpu(nodes.b);
    const endToEnd = machineCpu(cpuOf(e2e.load, N, [...nodeBackends.a, ...nodeBackends.b]));
    const counted = engine === 'pglite' ? 'PGlite included' : server ? 'this process + its PostgreSQL backends' : 'the database server, elsewhere, not counted';
    row(
      `CPU per message by node (${counted}): A (queueing + delivering) / B (receiving)`,
      `${num(machineCpu(nodes.a), ' ms')} / ${num(machineCpu(nodes.b), ' ms')}`,
      `A: queueing ${num(machineCpu(nodes.queueing), ' ms')} + delivering ${num(machineCpu(nodes.delivering), ' ms')} (delivering alone − receiving alone); ` +
        `main thread A ${num(nodes.a.mainThread, ' ms')} / B ${num(nodes.b.mainThread, ' ms')}; ` +
        `crypto alone A ${num(crypto.seal.cpu + crypto.receiptVerify.cpu, ' ms')} / B ${num(crypto.open.cpu + crypto.receiptSign.cpu, ' ms')}`,
      `A + B ${num(bothNodes, ' ms')}; end to end ${num(endToEnd, ' ms')} (${ratio(endToEnd, bothNodes)})`,
    );
    const cores = availableParallelism();
    const projected = projection(nodes, endToEnd, cores);
    row(
      `Projected per pair, one machine per node (${cores} cores each, CPU only)`,
      msgs(projected.rate),
      `A ${msgs(projected.a.rate)} (bound: ${projected.a.bound}), B ${msgs(projected.b.rate)} (bound: ${projected.b.bound})` +
        `${projected.factor > 1 ? `; CPU scaled ×${num(projected.factor)} to what end to end spent` : ''}`,
      `${ratio(projected.rate, TARGET_RATE)} of target; ${ratio(projected.rate, e2e.rate)} of end to end here`,
    );
  } finally {
    fetches.uninstall();
    await release(pair);
  }
}
