/**
 * What the benchmarks stand on: a node over a fresh, migrated database (PGlite or a PostgreSQL
 * server), a bare Fastify server for a baseline, a load generator (autocannon) and a direct
 * scrypt loop. Everything listens on 127.0.0.1 only and everything opened here can be closed.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import crypto, { randomBytes, scrypt } from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { SYSTEM_ACTOR } from '../src/audit/record.ts';
import { Accounts } from '../src/identity/accounts.ts';
import { hashPassword } from '../src/identity/passwords.ts';
import { insertUser } from '../src/identity/users.ts';
import { buildApp } from '../src/node/app.ts';
import { MIGRATIONS } from '../src/node/migrations.ts';
import { type ConfigOverrides, type NodeConfig, loadConfig } from '../src/platform/config.ts';
import type { Database, Queryable, QueryResult } from '../src/platform/db/database.ts';
import type { Federation } from '../src/federation/service.ts';
import { addPeer, fetchPeerMetadata } from '../src/federation/trust.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import type { HttpServer } from '../src/platform/http/server.ts';
import { createLogger } from '../src/platform/log.ts';
import { freePort } from '../test/support/ports.ts';

export type Engine = 'pglite' | 'postgres';

export function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(raw)}`);
  return value;
}

/** What a run can be told through the environment; see bench/README.md. */
export function benchSettings() {
  const pglite = process.env.BENCH_PGLITE ?? 'memory';
  if (pglite !== 'memory' && pglite !== 'disk') throw new Error('BENCH_PGLITE must be "memory" or "disk"');
  return {
    /** Length of each measured load, in seconds. */
    seconds: positive('BENCH_SECONDS', 5),
    /** Length of the unmeasured warm-up before each cheap route, in seconds (0 to skip). */
    warmupSeconds: process.env.BENCH_WARMUP === '0' ? 0 : positive('BENCH_WARMUP', 1),
    /** Concurrent connections for the cheap routes (bare route, /me, /users). */
    connections: Math.round(positive('BENCH_CONNECTIONS', 10)),
    /** Concurrent logins, and concurrent scrypt hashes for the baseline beside them. */
    loginConnections: Math.round(positive('BENCH_LOGIN_CONNECTIONS', 4)),
    /** Turns taken by raw scrypt and login, each measured for seconds ÷ rounds per turn. */
    rounds: Math.round(positive('BENCH_ROUNDS', 2)),
    /** log2 N of scrypt: the node's production default unless told otherwise. */
    passwordCost: Math.round(positive('BENCH_PASSWORD_COST', loadConfig({ env: {} }).passwordCost)),
    pglite: pglite as 'memory' | 'disk',
    databaseUrl: process.env.DATABASE_URL || undefined,
  };
}

export type BenchSettings = ReturnType<typeof benchSettings>;

/* ---------------------------------------------------------------- databases */

export interface BenchDatabase {
  db: Database;
  engine: Engine;
  /** How the table names this database. */
  label: string;
  /** The database created for the run, on a server. */
  name?: string;
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database of its own on the server, and how to drop it: as createServerDatabase in
 * test/support/database.ts, but named entraide_bench_… so that a leftover is easy to tell apart.
 */
export async function createBenchServerDatabase(serverUrl: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `entraide_bench_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A fresh, empty database: PGlite in memory or in a temporary folder, or a new database on the server
 * (through a pool of `poolSize` connections, the node's default of 10 unless told otherwise).
 */
export async function openBenchDatabase(engine: Engine, settings: BenchSettings, poolSize?: number): Promise<BenchDatabase> {
  if (engine === 'pglite') {
    const dir = settings.pglite === 'disk' ? mkdtempSync(join(tmpdir(), 'entraide-bench-')) : undefined;
    try {
      const db = await openPglite(dir);
      return {
        db,
        engine,
        label: dir ? 'PGlite (temp dir on disk)' : 'PGlite (in memory)',
        async dispose() {
          await db.close();
          if (dir) rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      if (dir) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  if (!settings.databaseUrl) throw new Error('DATABASE_URL is not set');
  const server = await createBenchServerDatabase(settings.databaseUrl);
  try {
    const db = await openPostgres(server.url, poolSize);
    const where = new URL(settings.databaseUrl);
    return {
      db,
      engine,
      label: `PostgreSQL server (${where.host}, fresh database)`,
      name: server.name,
      async dispose() {
        try {
          await db.close();
        } finally {
          await server.drop();
        }
      },
    };
  } catch (error) {
    await server.drop();
    throw error;
  }
}

/* ---------------------------------------------------------------- servers */

export interface Listening {
  url: string;
  close(): Promise<void>;
}

function urlOf(app: { server: import('node:http').Server }): string {
  const address = app.server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server is not listening');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * The baseline: a plain Fastify instance with one route answering a small JSON object, or with the
 * routes `register` gives it (a bare INSERT, for a part that writes).
 */
export async function startBareFastify(register: (app: FastifyInstance) => void = (app) => app.get('/', async () => ({ hello: 'world' }))): Promise<Listening> {
  const app = Fastify();
  register(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `${urlOf(app)}/`, close: () => app.close() };
}

export const ADMIN = { username: 'bench-admin', password: 'correct horse battery staple' };
export const MEMBER = { username: 'bench-member', password: 'a member of staff, benchmarking' };
/** Accounts besides the two above, so that a page of 20 users is full. */
export const FILLER_ACCOUNTS = 48;

export interface BenchNode extends Listening {
  app: HttpServer;
  database: BenchDatabase;
  config: NodeConfig;
  /** A bearer token of the administrator, and of a member of staff without administration rights. */
  adminToken: string;
  memberToken: string;
}

/**
 * A node over a fresh migrated database, built in this process as `startNode` does, on a free
 * loopback port; `overrides` are the settings a part needs besides these (a higher limit of reports).
 */
export async function startBenchNode(engine: Engine, settings: BenchSettings, overrides: ConfigOverrides = {}): Promise<BenchNode> {
  const database = await openBenchDatabase(engine, settings);
  let app: HttpServer | undefined;
  try {
    const config = loadConfig({
      env: {},
      overrides: { host: '127.0.0.1', port: 0, logLevel: 'warn', passwordCost: settings.passwordCost, dataDir: '/nonexistent', ...overrides },
    });
    const { db } = database;
    await migrate(db, MIGRATIONS);
    const accounts = new Accounts(db, config.passwordCost);
    await accounts.create({ username: ADMIN.username, displayName: 'Benchmark administrator', password: ADMIN.password, roles: ['node_admin'] }, SYSTEM_ACTOR);
    await accounts.create({ username: MEMBER.username, displayName: 'Benchmark member', password: MEMBER.password, roles: ['investigator'] }, SYSTEM_ACTOR);
    // Filler accounts never sign in: one hash for all of them saves seconds of scrypt.
    const fillerHash = await hashPassword('filler accounts never sign in', config.passwordCost);
    await db.transaction(async (tx) => {
      for (let i = 0; i < FILLER_ACCOUNTS; i++) {
        const n = String(i).padStart(2, '0');
        await insertUser(tx, { username: `user-${n}`, displayName: `User ${n}`, passwordHash: fillerHash, roles: ['analyst'] }, null);
      }
    });
    // Warnings and errors go to standard error, so that the table on standard output stays clean.
    ({ app } = await buildApp(config, db, createLogger(config.logLevel, config.nodeId, process.stderr), 'a benchmark secret for the node keys'));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = urlOf(app);
    const node: BenchNode = {
      url,
      app,
      database,
      config,
      adminToken: await signIn(url, ADMIN),
      memberToken: await signIn(url, MEMBER),
      async close() {
        try {
          await node.app.close();
        } finally {
          await database.dispose();
        }
      },
    };
    return node;
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.dispose().catch(() => undefined);
    throw error;
  }
}

/** Signs in through the node's API and returns the bearer token. */
export async function signIn(url: string, credentials: { username: string; password: string }): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`sign-in of ${credentials.username} failed: ${response.status} ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

/* ---------------------------------------------------------------- load */

export interface Measure {
  /** Completed requests (or hashes) per second. */
  rate: number;
  /** Latency percentiles and mean, in milliseconds. */
  p50: number;
  p99: number;
  mean: number;
  /** Completed with a 2xx answer (or hashes), and how many answers were not 2xx or failed. */
  count: number;
  failures: number;
  /** A short account of the failures, if any. */
  failureNote?: string;
  /** Every 2xx latency, in milliseconds, for pooling several loads. */
  latencies: number[];
  /** Total measured time, in seconds. */
  seconds: number;
}

/**
 * How a rate is worked out. 'window': completions inside the window ÷ its length, right for
 * thousands of requests. 'little': concurrency ÷ mean latency (Little's law: each connection sends
 * its next request as soon as it has an answer), for slow operations, where a few seconds hold only
 * a handful and counting the whole ones inside the window would skew the rate by up to one round.
 */
export type RateBy = 'window' | 'little';

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  rateBy?: RateBy;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function summarise(
  latencies: number[],
  how: { rateBy: RateBy; concurrency: number; seconds: number },
  failures = 0,
  failureNote?: string,
): Measure {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  const rate = how.rateBy === 'little' ? how.concurrency / (mean / 1000) : sorted.length / how.seconds;
  return {
    rate,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean,
    count: sorted.length,
    failures,
    ...(failureNote ? { failureNote } : {}),
    latencies,
    seconds: how.seconds,
  };
}

/** Several loads of the same thing (interleaved with something else) taken as one. */
export function pool(measures: Measure[], how: { rateBy: RateBy; concurrency: number }): Measure {
  const notes = measures.map((m) => m.failureNote).filter(Boolean).join('; ');
  return summarise(
    measures.flatMap((m) => m.latencies),
    { ...how, seconds: measures.reduce((a, m) => a + m.seconds, 0) },
    measures.reduce((a, m) => a + m.failures, 0),
    notes || undefined,
  );
}

/**
 * Loads one route with autocannon, in this process, and summarises it. Latencies are taken from
 * autocannon's 'response' events, in fractions of a millisecond (its own histogram keeps whole
 * milliseconds, too coarse for a route that answers in 0.2 ms).
 */
export function load(options: LoadOptions): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.body === undefined ? {} : { body: options.body }),
        timeout: 30,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const failures = result.non2xx + result.errors;
        const codes = Object.entries(result.statusCodeStats ?? {})
          .filter(([code]) => !code.startsWith('2'))
          .map(([code, stats]) => `${stats.count ?? 0}×${code}`);
        const note = [...codes, ...(result.errors ? [`${result.errors} errors (${result.timeouts} timeouts)`] : [])].join(', ');
        resolve(summarise(latencies, { rateBy: options.rateBy ?? 'window', concurrency: options.connections, seconds: result.duration }, failures, note || undefined));
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/** One scrypt derivation with the node's parameters (r = 8, p = 1, 32 bytes: see src/identity/passwords.ts). */
function deriveOnce(log2n: number, salt: Buffer): Promise<void> {
  const N = 2 ** log2n;
  const r = 8;
  return new Promise((resolve, reject) => {
    scrypt('correct horse battery staple', salt, 32, { N, r, p: 1, maxmem: 256 * N * r + 1024 * 1024 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

/**
 * Raw scrypt hashing with `concurrency` hashes in flight until the window closes (those in flight
 * then are waited for and counted). The rate is concurrency ÷ mean time per hash, as for logins.
 * `seconds` is the window; the hashes finishing after it make the run a little longer.
 */
export async function scryptLoad(log2n: number, concurrency: number, seconds: number): Promise<Measure> {
  const salt = Buffer.alloc(16, 7);
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const begun = performance.now();
        await deriveOnce(log2n, salt);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  return summarise(latencies, { rateBy: 'little', concurrency, seconds });
}

/**
 * Times every call of node:crypto's scrypt made by the application while it is recording, from the
 * call to its callback. The application imports `scrypt` by name; `syncBuiltinESMExports` makes that
 * binding see the wrapper. This measures scrypt inside the logins themselves, in the same window.
 */
export class ScryptProbe {
  private recording = false;
  private durations: number[] = [];
  /** scrypt calls begun and not yet called back, recorded or not. */
  inFlight = 0;
  private readonly original = crypto.scrypt;

  constructor() {
    const probe = this;
    const original = this.original;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const callback = args[args.length - 1];
      if (typeof callback !== 'function') return (original as (...a: unknown[]) => void).apply(this, args);
      const begun = performance.now();
      const recorded = probe.recording;
      probe.inFlight++;
      args[args.length - 1] = (...results: unknown[]) => {
        probe.inFlight--;
        if (recorded && probe.recording) probe.durations.push(performance.now() - begun);
        (callback as (...r: unknown[]) => void)(...results);
      };
      return (original as (...a: unknown[]) => void).apply(this, args);
    };
    (crypto as { scrypt: unknown }).scrypt = wrapped;
    syncBuiltinESMExports();
  }

  start() {
    this.durations = [];
    this.recording = true;
  }

  /** The scrypt calls made since start() and finished by now; their rate is not meaningful. */
  stop(): Measure {
    this.recording = false;
    return summarise(this.durations, { rateBy: 'window', concurrency: 1, seconds: Number.NaN });
  }

  uninstall() {
    (crypto as { scrypt: unknown }).scrypt = this.original;
    syncBuiltinESMExports();
  }
}

/** Rows of the audit log, to check that each read left its record. */
export async function auditCount(db: Database): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the node has finished the requests autocannon left in flight when its window closed:
 * the server goes on with them after the client hangs up. Every route measured here ends by writing
 * an audit record, so the node is idle once no scrypt is running and the audit log has stopped growing.
 * Returns the audit log's size then. Without this, leftovers run into the next measurement (a login
 * holds a core for a second) or into the closing of the database.
 */
export async function settle(db: Database, probe: ScryptProbe, timeoutMs = 10_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = -1;
  let stableFor = 0;
  while (performance.now() < deadline) {
    const count = await auditCount(db);
    if (count === last && probe.inFlight === 0) {
      if (++stableFor >= 2) return count;
    } else {
      stableFor = 0;
    }
    last = count;
    await sleep(100);
  }
  return last;
}

/* ---------------------------------------------------------------- federation */

/** One statement seen by a DbProbe: when it began and ended (performance.now()), and what it returned. */
export interface QueryEvent {
  sql: string;
  params: readonly unknown[] | undefined;
  start: number;
  end: number;
  rows: unknown[];
  rowCount: number;
  failed: boolean;
}

/**
 * Watches a node's database from outside: the node is given `probe.wrap(db)` instead of `db`, and
 * every statement (in a transaction or not) and every transaction is timed and passed to the
 * listeners. Totals per kind of statement (`label`) are kept while `recording`.
 */
export class DbProbe {
  recording = false;
  readonly totals = new Map<string, { count: number; ms: number }>();
  private readonly listeners: ((event: QueryEvent) => void)[] = [];

  constructor(private readonly label: (sql: string) => string) {}

  on(listener: (event: QueryEvent) => void): void {
    this.listeners.push(listener);
  }

  reset(): void {
    this.totals.clear();
  }

  /** Count and mean time of one kind of statement since the last reset. */
  total(label: string): { count: number; ms: number; mean: number } {
    const t = this.totals.get(label) ?? { count: 0, ms: 0 };
    return { ...t, mean: t.count ? t.ms / t.count : Number.NaN };
  }

  private add(label: string, duration: number): void {
    if (!this.recording) return;
    const t = this.totals.get(label) ?? { count: 0, ms: 0 };
    t.count += 1;
    t.ms += duration;
    this.totals.set(label, t);
  }

  private wrapQueryable(target: Queryable): Queryable {
    const probe = this;
    return {
      async query<Row>(sql: string, params?: readonly unknown[]) {
        const start = performance.now();
        let failed = true;
        let result: QueryResult<Row> | undefined;
        try {
          result = await target.query<Row>(sql, params);
          failed = false;
          return result;
        } finally {
          const end = performance.now();
          probe.add(probe.label(sql), end - start);
          const event: QueryEvent = { sql, params, start, end, rows: result?.rows ?? [], rowCount: result?.rowCount ?? 0, failed };
          for (const listener of probe.listeners) listener(event);
        }
      },
      async exec(sql: string) {
        const start = performance.now();
        try {
          await target.exec(sql);
        } finally {
          probe.add(probe.label(sql), performance.now() - start);
        }
      },
    };
  }

  wrap(db: Database): Database {
    const probe = this;
    return {
      engine: db.engine,
      ...this.wrapQueryable(db),
      async transaction(work, options) {
        const start = performance.now();
        try {
          return await db.transaction((tx) => work(probe.wrapQueryable(tx)), options);
        } finally {
          probe.add('transaction', performance.now() - start);
        }
      },
      close: () => db.close(),
    };
  }
}

export interface BenchPeer extends Listening {
  nodeId: string;
  app: HttpServer;
  federation: Federation;
  /** The database itself, for the benchmark's own queries (not seen by the probe). */
  database: BenchDatabase;
  config: NodeConfig;
  probe: DbProbe;
  /** TCP connections accepted by the node's HTTP server since it started. */
  connections(): number;
}

/**
 * A node of the federation over a fresh migrated database, built as `startNode` does (without
 * accounts: trust is set up directly, below), its database watched by `probe`; `config` overrides
 * the node's configuration (its kind, its scrypt cost…). Its worker is not started.
 */
export async function startBenchPeer(
  engine: Engine,
  settings: BenchSettings,
  options: { nodeId: string; state: string; probe: DbProbe; poolSize?: number; logLevel?: string; config?: ConfigOverrides },
): Promise<BenchPeer> {
  const database = await openBenchDatabase(engine, settings, options.poolSize);
  let app: HttpServer | undefined;
  try {
    await migrate(database.db, MIGRATIONS);
    const port = await freePort();
    const config = loadConfig({
      env: {},
      overrides: {
        nodeId: options.nodeId, displayName: `Benchmark node ${options.nodeId}`, state: options.state,
        host: '127.0.0.1', port, logLevel: (options.logLevel ?? 'warn') as NodeConfig['logLevel'], dataDir: '/nonexistent',
        ...options.config,
      },
    });
    const built = await buildApp(config, options.probe.wrap(database.db), createLogger(config.logLevel, config.nodeId, process.stderr), `a benchmark secret for ${options.nodeId}`);
    app = built.app;
    let accepted = 0;
    app.server.on('connection', () => {
      accepted += 1;
    });
    await app.listen({ host: '127.0.0.1', port });
    const peer: BenchPeer = {
      nodeId: options.nodeId,
      url: `http://127.0.0.1:${port}`,
      app,
      federation: built.federation,
      database,
      config,
      probe: options.probe,
      connections: () => accepted,
      async close() {
        try {
          await peer.app.close(); // stops the worker too
        } finally {
          await database.dispose();
        }
      },
    };
    return peer;
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.dispose().catch(() => undefined);
    throw error;
  }
}

/**
 * `from` trusts `to`, as an administrator's POST /api/v1/federation/peers does (without its audit
 * record): the metadata is fetched over HTTP and checked against the fingerprint.
 */
export async function trustPeer(from: BenchPeer, to: BenchPeer): Promise<void> {
  const metadata = await fetchPeerMetadata(to.url, to.federation.fingerprint);
  await from.database.db.transaction((tx) => addPeer(tx, to.url, metadata, to.federation.fingerprint, from.nodeId));
}

/**
 * Runs `operation` with `concurrency` calls in flight until `seconds` have passed (those in flight
 * then are waited for and counted); the rate is completions ÷ the whole time taken.
 */
export async function timedLoop(concurrency: number, seconds: number, operation: () => Promise<unknown>): Promise<Measure> {
  const latencies: number[] = [];
  const begun = performance.now();
  const end = begun + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        await operation();
        latencies.push(performance.now() - start);
      }
    }),
  );
  return summarise(latencies, { rateBy: 'window', concurrency, seconds: (performance.now() - begun) / 1000 });
}

/**
 * Machine and process load over a phase: CPU of this process, of PostgreSQL's processes (and of the
 * backends serving each of `databases`) and of the whole machine, and the event loop.
 */
export class LoadMeter {
  private readonly cpu = process.cpuUsage();
  private readonly machine = machineTimes();
  private readonly postgres = postgresProcesses();
  private readonly mainThread = mainThreadCpu();
  private readonly loop = performance.eventLoopUtilization();
  private readonly begun = performance.now();

  constructor(private readonly databases: readonly string[] = []) {}

  stop() {
    const wall = performance.now() - this.begun;
    const cpu = process.cpuUsage(this.cpu);
    const machine = machineTimes();
    const busy = machine.busy - this.machine.busy;
    const total = busy + machine.idle - this.machine.idle;
    const postgres = postgresSpent(this.postgres, postgresProcesses(), this.databases);
    return {
      /** Wall time, ms. */
      wall,
      /** CPU time of this process (all its threads), ms. */
      processCpu: (cpu.user + cpu.system) / 1000,
      /** CPU time of this process's main thread (JavaScript, PGlite), ms (NaN where /proc cannot tell). */
      mainThreadCpu: mainThreadCpu() - this.mainThread,
      /** CPU time of the PostgreSQL server's processes on this machine, every client's, ms (NaN where /proc cannot tell). */
      postgresCpu: postgres.all,
      /** CPU time of the backends serving each of the databases named, ms. */
      databaseCpu: postgres.byDatabase,
      /** Busy CPU time of the whole machine, ms (all processes, all cores). */
      machineBusy: busy,
      /** Share of the machine's cores that was busy. */
      machineShare: total > 0 ? busy / total : Number.NaN,
      /** Share of the time the main thread was running JavaScript (or the engine) rather than waiting. */
      eventLoop: performance.eventLoopUtilization(this.loop).utilization,
    };
  }
}

export type Load = ReturnType<LoadMeter['stop']>;

function machineTimes(): { busy: number; idle: number } {
  let busy = 0;
  let idle = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    idle += t.idle;
  }
  return { busy, idle };
}

/** utime + stime, in ms, from a /proc/…/stat line (clock ticks of 10 ms). */
function statCpu(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // fields 14 and 15 of the line
}

/** CPU time used so far by this process's main thread, in ms (Linux; NaN elsewhere). */
function mainThreadCpu(): number {
  try {
    return statCpu(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** A process named postgres: its CPU time so far, in ms, and its title (a backend's names its database). */
interface PostgresProcess {
  cpu: number;
  title: string;
}

/** The processes named postgres on this machine (server, backends), from /proc; undefined where /proc cannot tell (not Linux). */
function postgresProcesses(): Map<string, PostgresProcess> | undefined {
  if (process.platform !== 'linux') return undefined;
  const found = new Map<string, PostgresProcess>();
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
        found.set(pid, { cpu: statCpu(stat), title: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') });
      } catch {
        // the process has gone
      }
    }
  } catch {
    return undefined;
  }
  return found;
}

/**
 * CPU time spent by postgres processes between two readings, in ms: in all, and by the backends of
 * each database named (a backend's title reads "postgres: …: user database host state"). A process
 * that exited in between takes its time with it: other clients of a shared server come and go, so
 * their share can only be undercounted; a busy node keeps its pool's backends.
 */
function postgresSpent(before: Map<string, PostgresProcess> | undefined, after: Map<string, PostgresProcess> | undefined, databases: readonly string[]) {
  const byDatabase = new Map(databases.map((name) => [name, 0]));
  if (!before || !after) return { all: Number.NaN, byDatabase };
  let all = 0;
  for (const [pid, now] of after) {
    const earlier = before.get(pid);
    // A process id reused by a newer process: all of its time is new.
    const spent = earlier && earlier.cpu <= now.cpu ? now.cpu - earlier.cpu : now.cpu;
    all += spent;
    const words = now.title.split(/\s+/);
    const database = databases.find((name) => words.includes(name));
    if (database) byDatabase.set(database, byDatabase.get(database)! + spent);
  }
  return { all, byDatabase };
}
