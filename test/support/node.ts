import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SYSTEM_ACTOR } from '../../src/audit/record.ts';
import { Accounts } from '../../src/identity/accounts.ts';
import type { Role } from '../../src/identity/roles.ts';
import { type ConfigOverrides, type NodeConfig, loadConfig } from '../../src/platform/config.ts';
import type { Federation } from '../../src/federation/service.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { createLogger } from '../../src/platform/log.ts';
import type { HttpServer } from '../../src/platform/http/server.ts';
import { buildApp } from '../../src/node/app.ts';
import { MIGRATIONS } from '../../src/node/migrations.ts';
import { type TestDatabase, createTestDatabase } from './database.ts';
import { freePort } from './ports.ts';

/** A cheaper scrypt cost than production's, so that a suite creating many accounts stays quick. */
export const TEST_PASSWORD_COST = 12;
export const TEST_KEY_SECRET = 'a test secret that seals the node keys';
export const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

export interface TestNode {
  url: string;
  app: HttpServer;
  federation: Federation;
  database: TestDatabase;
  config: NodeConfig;
  /** Everything the node logged, one JSON object a line. */
  logs: string[];
  close(): Promise<void>;
}

/** A node on a fresh database, listening on a free loopback port, with one administrator. */
export async function startTestNode(overrides: ConfigOverrides = {}): Promise<TestNode> {
  const database = await createTestDatabase();
  // The port is chosen before start so that the node can publish its own URL to peers.
  const port = await freePort();
  const config = loadConfig({
    env: {},
    overrides: { port, logLevel: 'info', passwordCost: TEST_PASSWORD_COST, dataDir: '/nonexistent', blobDir: mkdtempSync(join(tmpdir(), 'entraide-blobs-')), ...overrides,
      // The log's timers stay quiet while a test compares a database before and after; a test of the log runs them itself.
      ledger: { treeHeadSeconds: 3600, watchSeconds: 3600, ...overrides.ledger } },
  });
  await migrate(database.db, MIGRATIONS);
  await new Accounts(database.db, config.passwordCost).create(
    { username: ADMIN.username, displayName: 'Administrator', password: ADMIN.password, roles: ['node_admin'] },
    SYSTEM_ACTOR,
  );
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const { app, federation } = await buildApp(config, database.db, createLogger('info', config.nodeId, sink), TEST_KEY_SECRET);
  await app.listen({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    federation,
    database,
    config,
    logs,
    async close() {
      await app.close();
      await database.dispose();
      rmSync(config.blobDir, { recursive: true, force: true });
    },
  };
}

/** A test node and a client signed in as its administrator. */
export async function startTestNodeWithAdmin(overrides: ConfigOverrides = {}): Promise<{ node: TestNode; admin: Api }> {
  const node = await startTestNode(overrides);
  return { node, admin: await new Api(node.url).login(ADMIN.username, ADMIN.password) };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A small client of the node's HTTP API, as any other program would use it. */
export class Api {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  async login(username: string, password: string, otp?: string): Promise<Api> {
    const response = await this.call('POST', '/api/v1/auth/login', { username, password, ...(otp ? { otp } : {}) });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${response.text}`);
    return new Api(this.url, response.body.token);
  }

  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.call<T>('POST', path, body);
}

/** Creates an account through the API and returns a client signed in as that account. */
export async function userWith(admin: Api, username: string, roles: Role[], password = `${username}-secret-passphrase`): Promise<Api> {
  const created = await admin.post('/api/v1/users', { username, displayName: username, password, roles });
  if (created.status !== 201) throw new Error(`cannot create ${username}: ${created.status} ${created.text}`);
  return new Api(admin.url).login(username, password);
}
