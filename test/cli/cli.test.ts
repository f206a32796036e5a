import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/platform/db/database.ts';
import { openDatabase } from '../../src/platform/db/open.ts';
import { SERVER_URL, createServerDatabase, snapshot } from '../support/database.ts';
import { entraide, exited, startNodeProcess } from '../support/cli.ts';
import { Api } from '../support/node.ts';

/** A node's storage for the command line: a data directory (PGlite) or a database of its own on the server. */
async function storage() {
  const dir = mkdtempSync(join(tmpdir(), 'entraide-cli-'));
  const server = SERVER_URL ? await createServerDatabase() : undefined;
  const env = { ENTRAIDE_DATA_DIR: dir, ENTRAIDE_NODE_ID: 'cli-test', ...(server ? { DATABASE_URL: server.url } : { DATABASE_URL: '' }) };
  return {
    dir,
    env,
    open: (): Promise<Database> => openDatabase({ databaseUrl: server?.url, dataDir: dir }),
    /** Throws everything away, as an operator wiping a broken node would. */
    async wipe() {
      rmSync(dir, { recursive: true, force: true });
      if (server) {
        await server.drop();
        const fresh = await createServerDatabase();
        Object.assign(env, { DATABASE_URL: fresh.url });
        Object.assign(server, fresh);
      }
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      await server?.drop();
    },
  };
}

async function dataOf(open: () => Promise<Database>) {
  const db = await open();
  try {
    const all = await snapshot(db);
    delete all.schema_migrations; // applied_at differs between two databases by nature
    return all;
  } finally {
    await db.close();
  }
}

describe('the entraide command', () => {
  test('every command explains itself with --help', async () => {
    for (const args of [[], ['node', 'start'], ['migrate'], ['user', 'add'], ['backup'], ['restore']]) {
      const result = await entraide([...args, '--help'], {});
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^Usage: entraide/m);
    }
  });

  describe('with a node database', () => {
    let store: Awaited<ReturnType<typeof storage>>;
    before(async () => {
      store = await storage();
    });
    after(() => store.dispose());

    test('migrate applies the migrations once; a second run changes nothing', async () => {
      const first = await entraide(['migrate'], store.env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /applied: audit\/001_audit_log, identity\/001_identity/);
      const second = await entraide(['migrate'], store.env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /up to date/);
    });

    test('user add creates an account with the given roles; the password comes from standard input', async () => {
      const added = await entraide(['user', 'add', '-u', 'maria', '-n', 'María', '-r', 'investigator', 'analyst', '--password-stdin'], store.env, 'maria passphrase 2026\n');
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /created maria \(analyst, investigator\)/);
      assert.doesNotMatch(added.stdout + added.stderr, /passphrase/);
      const refused = await entraide(['user', 'add', '-u', 'maria', '-r', 'analyst'], store.env);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /taken/);
      const badRole = await entraide(['user', 'add', '-u', 'nina', '-r', 'emperor'], store.env);
      assert.notEqual(badRole.code, 0);
      assert.match(badRole.stderr, /emperor/);
    });

    test('backup, wipe, restore: the data is the same', async () => {
      const file = join(store.dir, '..', `entraide-backup-${process.pid}.jsonl.gz`);
      try {
        await entraide(['user', 'add', '-u', 'olga', '-r', 'prosecutor'], store.env);
        // A report: a trigger counts it for the observatory, and the restore must not count it twice.
        const db = await store.open();
        await db.query("INSERT INTO reports (reference, access_digest, incident_type, severity, locale, what_happened) VALUES ('ENT-TEST-0001-X', '\\x00', 'phishing', 'low', 'en', 'A test.')");
        await db.close();
        const before_ = await dataOf(store.open);
        assert.ok(before_.users!.length >= 2 && before_.audit_log!.length >= 2);
        const saved = await entraide(['backup', file], store.env);
        assert.equal(saved.code, 0, saved.stderr);
        assert.match(saved.stdout, /backed up \d+ rows/);

        await store.wipe();
        const restored = await entraide(['restore', file], store.env);
        assert.equal(restored.code, 0, restored.stderr);
        assert.deepEqual(await dataOf(store.open), before_);

        // The restored node still works: its sequences continue after the restored rows.
        const again = await entraide(['user', 'add', '-u', 'pavel', '-r', 'analyst'], store.env);
        assert.equal(again.code, 0, again.stderr);

        // Restoring over data is refused and changes nothing.
        const over = await entraide(['restore', file], store.env);
        assert.equal(over.code, 1);
        assert.match(over.stderr, /already holds data/);

        // A truncated backup restores nothing.
        const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
        const truncated = `${file}.truncated`;
        writeFileSync(truncated, gzipSync(lines.slice(0, -2).join('\n')));
        await store.wipe();
        const partial = await entraide(['restore', truncated], store.env);
        assert.equal(partial.code, 1);
        assert.match(partial.stderr, /truncated/);
        const left = await dataOf(store.open);
        assert.deepEqual(left.users, []);
        assert.deepEqual(left.audit_log, []);
      } finally {
        rmSync(file, { force: true });
        rmSync(`${file}.truncated`, { force: true });
      }
    });
  });

  test('node start: first start creates an administrator and says how to sign in; data survives kill -9', async () => {
    const store = await storage();
    try {
      const first = await startNodeProcess({ ...store.env, PORT: '0' });
      const password = /password: (\S+)/.exec(first.output())?.[1];
      assert.ok(password, `the first start prints the administrator's password:\n${first.output()}`);
      assert.match(first.output(), /username: admin/);
      assert.match(first.output(), /Sign in at http:\/\/127\.0\.0\.1:\d+\/login/);
      const admin = await new Api(first.url).login('admin', password);
      const created = await admin.post('/api/v1/users', { username: 'quinn', displayName: 'Quinn', password: 'quinn passphrase 1', roles: ['analyst'] });
      assert.equal(created.status, 201);
      first.child.kill('SIGKILL');
      await exited(first.child);

      const second = await startNodeProcess({ ...store.env, PORT: '0' });
      assert.doesNotMatch(second.output(), /password:/, 'no new administrator on a later start');
      const quinn = await new Api(second.url).login('quinn', 'quinn passphrase 1');
      assert.equal((await quinn.get('/api/v1/me')).body.username, 'quinn');
      assert.equal((await new Api(second.url).get('/health')).status, 200);
      second.child.kill('SIGTERM');
      await exited(second.child);
      assert.equal(second.child.exitCode, 0);
    } finally {
      await store.dispose();
    }
  });
});
