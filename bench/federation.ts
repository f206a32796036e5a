/**
 * The federation benchmark: messages from node A to node B, sealed (JWS in JWE), written to A's
 * outbox, delivered by A's worker over HTTP to B's inbox, applied there, and receipted (a signed
 * receipt that A verifies and stores). Beside it, baselines measured in the same run: the same
 * cryptography alone (no database, no HTTP) and a bare INSERT on the same engine. See bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { digestOf, openMessage, sealMessage } from '../src/federation/envelope.ts';
import { newMessageId } from '../src/federation/keys.ts';
import { DEFAULT_DELIVERY, type DeliverySettings, type DeliveryWorker } from '../src/federation/outbox.ts';
import { signReceipt, verifyReceipt } from '../src/federation/receipts.ts';
import { INBOX_PATH } from '../src/federation/service.ts';
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
  const batch = process.env.BENCH_FED_BATCH ? Math.round(positive('BENCH_FED_BATCH', DEFAULT_DELIVERY.batchSize)) : undefined;
  const idlePoll = process.env.BENCH_FED_IDLE_POLL ? positive('BENCH_FED_IDLE_POLL', DEFAULT_DELIVERY.idlePollMs) : undefined;
  return {
    /** Messages sent in each of the bulk phases. */
    messages: Math.round(messages),
    /** Messages queued per transaction when queueing in bulk. */
    txBatch: Math.round(positive('BENCH_FED_TX_BATCH', 50)),
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
     * The node's own worker (DEFAULT_DELIVERY) unless a batch size or idle poll is given: then A's
     * messages are delivered by a DeliveryWorker built here with those settings, to try them without
     * changing src/.
     */
    delivery: batch || idlePoll ? { ...DEFAULT_DELIVERY, ...(batch ? { batchSize: batch } : {}), ...(idlePoll ? { idlePollMs: idlePoll } : {}) } : undefined,
  };
}

type FederationSettings = ReturnType<typeof federationSettings>;

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
    [/^\s*SELECT p\.\*/i, 'peer'],
    [/^\s*SELECT p\.status, k\.jwk/i, 'encryption key'],
    [/^\s*INSERT INTO outbox/i, 'outbox insert'],
    [/^\s*SELECT k\.jwk FROM peer_keys/i, 'signing key'],
    [/^\s*SELECT digest, receipt FROM inbox/i, 'earlier receipt'],
    [/^\s*INSERT INTO inbox/i, 'inbox insert'],
  ];
  for (const [pattern, label] of known) if (pattern.test(sql)) return label;
  return sql.replace(/\s+/g, ' ').trim().slice(0, 48);
}

interface Round {
  claimStart: number;
  claimEnd: number;
  size: number;
  completions: number[];
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
      const round: Round = { claimStart: event.start, claimEnd: event.end, size: event.rowCount, completions: [] };
      if (round.size > 0) this.rounds.push(round);
      for (const claimed of event.rows as { msg_id: string }[]) this.roundOf.set(claimed.msg_id, round);
    } else if (DELIVERED.test(event.sql)) {
      for (const id of (event.params?.[0] ?? []) as string[]) {
        const committed = this.expected.get(id);
        this.roundOf.get(id)?.completions.push(event.end);
        this.roundOf.delete(id);
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

/** Times A's requests to B's inbox (the worker calls the global fetch), and how many were in flight at most. */
class FetchProbe {
  durations: number[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private readonly original = globalThis.fetch;

  install(): void {
    const probe = this;
    const original = this.original;
    globalThis.fetch = async function (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!url.endsWith(INBOX_PATH)) return original(input, init);
      const start = performance.now();
      probe.inFlight += 1;
      probe.maxInFlight = Math.max(probe.maxInFlight, probe.inFlight);
      try {
        return await original(input, init);
      } finally {
        probe.inFlight -= 1;
        probe.durations.push(performance.now() - start);
      }
    } as typeof fetch;
  }

  reset(): void {
    this.durations = [];
    this.maxInFlight = 0;
  }

  uninstall(): void {
    globalThis.fetch = this.original;
  }
}

/**
 * Times B's Inbox.receive (decrypt, verify, look-ups, the applying transaction, the receipt), as the
 * route calls it; `delayMs` is waited before each, outside the timing, as a network would delay it.
 */
function probeReceive(peer: BenchPeer, delayMs: number) {
  const inbox = peer.federation.inbox;
  const original = inbox.receive.bind(inbox);
  const stats = { durations: [] as number[], inFlight: 0, maxInFlight: 0 };
  inbox.receive = async (envelope: string) => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const start = performance.now();
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      return await original(envelope);
    } finally {
      stats.inFlight -= 1;
      stats.durations.push(performance.now() - start);
    }
  };
  return {
    stats,
    reset() {
      stats.durations = [];
      stats.maxInFlight = 0;
    },
  };
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

/* ---------------------------------------------------------------- baselines */

interface CryptoBaselines {
  seal: Measure;
  open: Measure;
  receipt: Measure;
  full: Measure;
  fullConcurrent: Measure;
  /** Open and receipt (what a delivery adds to a sealed message), as many in flight as the worker sends. */
  deliverConcurrent: Measure;
  /** CPU time of this process per message, in ms, for each. */
  cpu: { seal: number; open: number; receipt: number; full: number; fullConcurrent: number; deliverConcurrent: number };
  envelope: string;
}

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
  const receiptFor = async (envelope: string, msgId: string) => {
    const digest = digestOf(envelope);
    const receipt = await signReceipt({ msgId, from: a.nodeId, to: b.nodeId, digest, receivedAt: new Date().toISOString() }, b.federation.keys);
    await verifyReceipt(receipt, bSigning, { msgId, digest });
  };
  const full = async () => {
    const envelope = await seal();
    const opened = await openMessage(envelope, openOptions());
    await receiptFor(envelope, opened.msgId);
  };
  const envelope = await seal();
  const msgId = (await openMessage(envelope, openOptions())).msgId;
  // Warm-up: JIT and key imports.
  await timedLoop(1, 0.2, full);

  const S = fed.baselineSeconds;
  const measure = async (c: number, seconds: number, op: () => Promise<unknown>) => {
    const meter = new LoadMeter();
    const m = await timedLoop(c, seconds, op);
    return { m, cpu: meter.stop().processCpu / m.count };
  };
  const sealed = await measure(1, S / 2, seal);
  const opened = await measure(1, S / 2, () => openMessage(envelope, openOptions()));
  const receipted = await measure(1, S / 2, () => receiptFor(envelope, msgId));
  const sequential = await measure(1, S, full);
  const concurrent = await measure(concurrency, S, full);
  const delivering = await measure(concurrency, S / 2, async () => {
    const opened = await openMessage(envelope, openOptions());
    await receiptFor(envelope, opened.msgId);
  });
  return {
    seal: sealed.m,
    open: opened.m,
    receipt: receipted.m,
    full: sequential.m,
    fullConcurrent: concurrent.m,
    deliverConcurrent: delivering.m,
    cpu: { seal: sealed.cpu, open: opened.cpu, receipt: receipted.cpu, full: sequential.cpu, fullConcurrent: concurrent.cpu, deliverConcurrent: delivering.cpu },
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
  const worker = fed.delivery
    ? a.federation.newWorker(fed.delivery)
    : a.federation.worker;
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

/** Queues `count` pings from A to B, `txBatch` per transaction, one transaction after the other. */
async function enqueueAll(pair: Pair, count: number, txBatch: number, payload: (i: number) => unknown, committed?: (ids: string[], at: number) => void): Promise<string[]> {
  const { a, b } = pair;
  const all: string[] = [];
  for (let i = 0; i < count; i += txBatch) {
    const n = Math.min(txBatch, count - i);
    const ids = await a.federation.db.transaction(async (tx) => {
      const out: string[] = [];
      for (let j = 0; j < n; j++) out.push(await a.federation.send(tx, b.nodeId, PING, payload(i + j)));
      return out;
    });
    all.push(...ids);
    committed?.(ids, performance.now());
  }
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
  receives: ReturnType<typeof probeReceive>;
  payload: (i: number) => unknown;
  timeoutMs: number;
  workerNote: string;
}

/** A lone message at a time, on an idle pair: the latency of the path itself (also the warm-up). */
async function lonePhase(run: Run): Promise<Measure> {
  const { pair, tracker, fed } = run;
  progress(`${run.engine}: federation: ${fed.lone} lone messages, one at a time…`);
  pair.worker.start();
  const lone: number[] = [];
  for (let i = 0; i < fed.lone; i++) {
    const ids = await enqueueAll(pair, 1, 1, run.payload);
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

/** End to end: N messages queued as fast as A can, in transactions of txBatch, while its worker delivers them. */
async function endToEndPhase(run: Run) {
  const { pair, tracker, fed, engine } = run;
  const N = fed.messages;
  progress(`${engine}: federation: end to end: ${N} messages queued in transactions of ${fed.txBatch} while A's worker delivers them (${run.workerNote})…`);
  tracker.reset();
  const meter = new LoadMeter();
  const start = performance.now();
  const ids = await enqueueAll(pair, N, fed.txBatch, run.payload, (just, at) => {
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
    ids.push(...(await enqueueAll(pair, 1, 1, run.payload, (just, at) => {
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

/** Queueing alone: N messages written to the outbox with the worker stopped; what each statement took. */
async function queueingPhase(run: Run) {
  const { pair, fed, engine } = run;
  const { a } = pair;
  const N = fed.messages;
  progress(`${engine}: federation: queueing alone: ${N} messages in transactions of ${fed.txBatch}, worker stopped…`);
  await pair.worker.stop();
  a.probe.reset();
  a.probe.recording = true;
  const meter = new LoadMeter();
  const start = performance.now();
  const ids = await enqueueAll(pair, N, fed.txBatch, run.payload);
  const seconds = (performance.now() - start) / 1000;
  const load = meter.stop();
  a.probe.recording = false;
  return {
    ids,
    rate: N / seconds,
    load,
    peer: a.probe.total('peer'),
    key: a.probe.total('encryption key'),
    insert: a.probe.total('outbox insert'),
    tx: a.probe.total('transaction'),
  };
}

/** Delivering alone: the worker started on a backlog of N; rounds, requests, statements on both sides. */
async function deliveryPhase(run: Run, backlog: string[]) {
  const { pair, tracker, fed, engine, fetches, receives } = run;
  const { a, b } = pair;
  const N = backlog.length;
  progress(`${engine}: federation: delivering alone: the backlog of ${N} messages (${run.workerNote})…`);
  tracker.reset();
  tracker.expect(backlog, performance.now());
  for (const probe of [a.probe, b.probe]) {
    probe.reset();
    probe.recording = true;
  }
  fetches.reset();
  receives.reset();
  const connectionsBefore = b.connections();
  const meter = new LoadMeter();
  const start = performance.now();
  pair.worker.start();
  const waited = await tracker.waitAll(a.database.db, backlog, run.timeoutMs);
  const load = meter.stop();
  a.probe.recording = false;
  b.probe.recording = false;
  const connectionsOpened = b.connections() - connectionsBefore;
  if (!waited.done) notes.push(`${engine} federation delivery alone: only ${N - tracker.waiting} of ${N} delivered within ${fed.timeoutSeconds} s.`);
  await check(pair, backlog, `${engine} delivery alone`);
  const rounds = tracker.rounds.filter((r) => r.completions.length > 0);
  const all = tracker.rounds;
  return {
    rate: waited.done ? N / ((waited.at - start) / 1000) : Number.NaN,
    load,
    failures: tracker.failures,
    rounds: rounds.length,
    roundSize: mean(rounds.map((r) => r.size)),
    roundTime: mean(rounds.map((r) => Math.max(...r.completions) - r.claimStart)),
    firstDone: mean(rounds.map((r) => Math.min(...r.completions) - r.claimEnd)),
    spread: mean(rounds.map((r) => Math.max(...r.completions) - Math.min(...r.completions))),
    pause: mean(all.slice(1).map((r, i) => r.claimStart - Math.max(all[i]!.claimEnd, ...all[i]!.completions))),
    post: mean(fetches.durations),
    maxInFlight: fetches.maxInFlight,
    receive: mean(receives.stats.durations),
    connectionsOpened,
    claim: a.probe.total('claim'),
    receiptKey: a.probe.total('signing key'),
    mark: a.probe.total('mark delivered'),
    earlier: b.probe.total('earlier receipt'),
    senderKey: b.probe.total('signing key'),
    tx: b.probe.total('transaction'),
    insert: b.probe.total('inbox insert'),
  };
}

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
    receives: probeReceive(b, fed.delayMs),
    payload: (i: number) => ({ note: 'benchmark', seq: i, filler }),
    timeoutMs: fed.timeoutSeconds * 1000,
    workerNote:
      `batch ${delivery.batchSize}, idle poll ${delivery.idlePollMs} ms${fed.delivery ? ' (set by BENCH_FED_*, not the node\'s default)' : ''}` +
      `${fed.delayMs ? `, ${num(fed.delayMs)} ms added before each request to B is handled` : ''}`,
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
    const failures = e2e.failures + d.failures;
    if (failures) notes.push(`${engine} federation: ${failures} delivery attempts failed and were retried (last: ${run.tracker.lastFailure}).`);

    /* ------------------------------------------------------------ the figures */
    const perMsg = (rate: number) => 1000 / rate;
    const msgs = (rate: number) => `${num(rate)} msg/s`;
    const cost = (rate: number) => `${num(perMsg(rate), ' ms')}/msg`;
    /** How busy the machine was, and the CPU the rest of it (the database server, anything else running) spent per message. */
    const server = engine === 'postgres' && localServer(settings.databaseUrl);
    const busy = (load: Load) =>
      `${server ? `PostgreSQL ${num(load.postgresCpu / N, ' ms')}/msg, ` : ''}rest of the machine ${num((load.machineBusy - load.processCpu - (server ? load.postgresCpu : 0)) / N, ' ms')}/msg; ` +
      `machine ${pct(load.machineShare)} busy; event loop ${pct(load.eventLoop)} busy`;
    const cpu = (load: Load) => `${num(load.processCpu / N, ' ms')}/msg${Number.isFinite(load.mainThreadCpu) ? ` (main thread ${num(load.mainThreadCpu / N, ' ms')})` : ''}`;
    const inFlight = `${delivery.batchSize} in flight`;

    row(
      'Federation end to end: messages/s, A → B with receipts',
      msgs(e2e.rate),
      `${N} messages, ${Math.ceil(N / fed.txBatch)} transactions of ${fed.txBatch}; target ${num(TARGET_RATE)} msg/s`,
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
    row('Federation end to end: time to queue all / to deliver all', `${num(e2e.queueSeconds, ' s')} / ${num(e2e.seconds, ' s')}`, `A's worker: ${run.workerNote}`);
    row('Federation end to end: CPU per message, this process (both nodes)', cpu(e2e.load), busy(e2e.load), `crypto alone ${num(crypto.cpu.fullConcurrent, ' ms')}/msg`);

    row('Lone message: latency p50 / p99 / mean (idle pair, commit → receipt stored)', ms(lone), `crypto alone, sequential ${ms(crypto.full)}`, `×${num(lone.mean / crypto.full.mean)} (means)`);
    if (paced) {
      row(`Paced, one message per transaction at ${num(paced.target)}/s: latency p50 / p99 / mean`, ms(paced.latency), `${msgs(paced.rate)} reached; lone message ${num(lone.mean, ' ms')} (mean)`, `×${num(paced.latency.mean / lone.mean)} (means)`);
    }

    row('Baseline: crypto alone, seal (sign + encrypt), sequential', msgs(crypto.seal.rate), `${num(crypto.seal.mean, ' ms')} each, CPU ${num(crypto.cpu.seal, ' ms')}`);
    row('Baseline: crypto alone, open (decrypt + verify), sequential', msgs(crypto.open.rate), `${num(crypto.open.mean, ' ms')} each, CPU ${num(crypto.cpu.open, ' ms')}`);
    row('Baseline: crypto alone, receipt sign + verify, sequential', msgs(crypto.receipt.rate), `${num(crypto.receipt.mean, ' ms')} each, CPU ${num(crypto.cpu.receipt, ' ms')}`);
    row('Baseline: crypto alone, whole path (the three above), sequential', msgs(crypto.full.rate), `${ms(crypto.full)}, CPU ${num(crypto.cpu.full, ' ms')}`);
    row(`Baseline: crypto alone, whole path, ${inFlight}`, msgs(crypto.fullConcurrent.rate), `CPU ${num(crypto.cpu.fullConcurrent, ' ms')}/msg`, `${ratio(crypto.fullConcurrent.rate, crypto.full.rate)} of sequential`);
    row(`Baseline: crypto alone, open + receipt (B's and A's part of a delivery), ${inFlight}`, msgs(crypto.deliverConcurrent.rate), `CPU ${num(crypto.cpu.deliverConcurrent, ' ms')}/msg`);
    row('Baseline: bare INSERT (envelope-sized row), one COMMIT each, 1 at a time', `${num(inserts.single.rate)} rows/s`, ms(inserts.single));
    if (inserts.parallel) row(`Baseline: bare INSERT, one COMMIT each, ${dbConcurrency} at a time`, `${num(inserts.parallel.rate)} rows/s`, ms(inserts.parallel), `${ratio(inserts.parallel.rate, inserts.single.rate)} of 1 at a time`);
    row(`Baseline: bare INSERT, ${fed.txBatch} per transaction`, `${num(inserts.batchedRate)} rows/s`, '', `${ratio(inserts.batchedRate, inserts.single.rate)} of one COMMIT each`);

    const lookups = (q.peer.ms + q.key.ms) / N;
    const inserted = q.insert.ms / N;
    row(`Queueing alone (seal + INSERT, ${fed.txBatch} per transaction): messages/s`, msgs(q.rate), `seal alone ${msgs(crypto.seal.rate)}; bare INSERT ${fed.txBatch}/tx ${num(inserts.batchedRate)} rows/s`, `${ratio(q.rate, crypto.seal.rate)} of seal alone`);
    row(
      'Queueing alone: per message, look-ups (peer, key) / INSERT / the rest',
      cost(q.rate),
      `${num(lookups, ' ms')} / ${num(inserted, ' ms')} / ${num(perMsg(q.rate) - lookups - inserted, ' ms')} (seal, BEGIN/COMMIT, JS)`,
      `${num((q.peer.count + q.key.count + q.insert.count) / N)} statements per message`,
    );
    row('Queueing alone: CPU per message, this process', cpu(q.load), busy(q.load), `seal alone ${num(crypto.cpu.seal, ' ms')}/msg`);

    row('Delivering alone (a backlog, with receipts): messages/s', msgs(d.rate), `open + receipt alone ${msgs(crypto.deliverConcurrent.rate)} (${inFlight})`, ratio(d.rate, crypto.deliverConcurrent.rate));
    row(
      'Delivering alone: rounds of the worker (claim → last receipt stored)',
      `${num(d.rounds)} × ${num(d.roundSize)} msgs`,
      `${num(d.roundTime, ' ms')} each: claim ${num(d.claim.mean, ' ms')}, first receipt after ${num(d.firstDone, ' ms')}, last ${num(d.spread, ' ms')} later`,
      `pause between rounds ${num(d.pause, ' ms')}`,
    );
    row(
      'Delivering alone: per message, A → B POST (round trip) / B receive()',
      `${num(d.post, ' ms')} / ${num(d.receive, ' ms')}`,
      `up to ${d.maxInFlight} requests in flight; ${d.connectionsOpened} new TCP connections for ${N} requests`,
    );
    row(
      'Delivering alone: per message, B database: earlier receipt? / sender key / transaction',
      `${num(d.earlier.mean, ' ms')} / ${num(d.senderKey.mean, ' ms')} / ${num(d.tx.mean, ' ms')}`,
      `in the transaction: inbox INSERT ${num(d.insert.mean, ' ms')}`,
    );
    row('Delivering alone: per message, A database: receipt key / mark delivered', `${num(d.receiptKey.mean, ' ms')} / ${num(d.mark.mean, ' ms')}`);
    row('Delivering alone: CPU per message, this process (both nodes)', cpu(d.load), busy(d.load), `open + receipt alone ${num(crypto.cpu.deliverConcurrent, ' ms')}/msg`);
  } finally {
    fetches.uninstall();
    await release(pair);
  }
}
