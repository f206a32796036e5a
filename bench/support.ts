/**
 * What the benchmarks stand on: a node over a fresh, migrated database (PGlite or a PostgreSQL
 * server), a bare Fastify server for a baseline, a load generator (autocannon) and a direct
 * scrypt loop. Everything listens on 127.0.0.1 only and everything opened here can be closed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrypt } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { SYSTEM_ACTOR } from '../src/audit/record.ts';
import { Accounts } from '../src/identity/accounts.ts';
import { hashPassword } from '../src/identity/passwords.ts';
import { insertUser } from '../src/identity/users.ts';
import { buildApp } from '../src/node/app.ts';
import { MIGRATIONS } from '../src/node/migrations.ts';
import { type NodeConfig, loadConfig } from '../src/platform/config.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import type { HttpServer } from '../src/platform/http/server.ts';
import { createLogger } from '../src/platform/log.ts';
import { createServerDatabase } from '../test/support/database.ts';

export type Engine = 'pglite' | 'postgres';

function positive(name: string, fallback: number): number {
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
  dispose(): Promise<void>;
}

/** A fresh, empty database: PGlite in memory or in a temporary folder, or a new database on the server. */
export async function openBenchDatabase(engine: Engine, settings: BenchSettings): Promise<BenchDatabase> {
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
  const server = await createServerDatabase();
  try {
    const db = await openPostgres(server.url);
    const where = new URL(settings.databaseUrl);
    return {
      db,
      engine,
      label: `PostgreSQL server (${where.host}, fresh database)`,
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

/** The baseline: a plain Fastify instance with one route answering a small JSON object. */
export async function startBareFastify(): Promise<Listening> {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
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

/** A node over a fresh migrated database, built in this process as `startNode` does, on a free loopback port. */
export async function startBenchNode(engine: Engine, settings: BenchSettings): Promise<BenchNode> {
  const database = await openBenchDatabase(engine, settings);
  let app: HttpServer | undefined;
  try {
    const config = loadConfig({
      env: {},
      overrides: { host: '127.0.0.1', port: 0, logLevel: 'warn', passwordCost: settings.passwordCost, dataDir: '/nonexistent' },
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
    app = await buildApp(config, db, createLogger(config.logLevel, config.nodeId, process.stderr));
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

async function signIn(url: string, credentials: { username: string; password: string }): Promise<string> {
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
  /** Completed requests (or hashes) per second over the measured window. */
  rate: number;
  /** Latency percentiles and mean, in milliseconds. */
  p50: number;
  p99: number;
  mean: number;
  /** Completed in the window, and how many of them were not what was expected. */
  count: number;
  failures: number;
  /** A short account of the failures, if any. */
  failureNote?: string;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Loads one route with autocannon, in this process, and summarises the result.
 * The rate counts only 2xx answers received inside the window, divided by the window's length.
 */
export async function load(options: LoadOptions): Promise<Measure> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    timeout: 30,
  });
  const ok = result['2xx'];
  const failures = result.non2xx + result.errors;
  const codes = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, stats]) => `${stats.count ?? 0}×${code}`);
  const note = [...codes, ...(result.errors ? [`${result.errors} errors (${result.timeouts} timeouts)`] : [])].join(', ');
  return {
    rate: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    count: ok,
    failures,
    ...(failures ? { failureNote: note } : {}),
  };
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
 * Raw scrypt hashing with `concurrency` hashes in flight at all times, counted the same way as
 * autocannon counts requests: completions inside the window, divided by the window's length.
 */
export async function scryptLoad(log2n: number, concurrency: number, seconds: number): Promise<Measure> {
  const salt = Buffer.alloc(16, 7);
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const begun = performance.now();
        await deriveOnce(log2n, salt);
        const done = performance.now();
        if (done <= end) latencies.push(done - begun);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))] ?? Number.NaN;
  return {
    rate: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    mean: latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1),
    count: latencies.length,
    failures: 0,
  };
}

/** Rows of the audit log, to check that each read left its record. */
export async function auditCount(db: Database): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
}
