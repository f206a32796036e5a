import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

describe('audit: every change and every read of personal data leaves a record nobody can quietly erase', () => {
  let node: TestNode;
  let admin: Api;
  let lena: Api;
  let lenaId: string;
  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin());
    lena = await userWith(admin, 'lena', ['investigator']);
    lenaId = (await lena.get('/api/v1/me')).body.id;
    await admin.get(`/api/v1/users/${lenaId}`);
    await admin.call('PUT', `/api/v1/users/${lenaId}/roles/analyst`);
  });
  after(() => node.close());

  test('records say who, under which role, did what to whom, when and for what purpose', async () => {
    const page = await admin.get(`/api/v1/audit?subjectId=${lenaId}`);
    assert.equal(page.status, 200);
    const actions = page.body.items.map((e: { action: string }) => e.action);
    for (const action of ['identity.user.create', 'identity.login', 'identity.self.read', 'identity.user.read', 'identity.role.grant']) {
      assert.ok(actions.includes(action), `${action} is audited (got ${actions.join(', ')})`);
    }
    const grant = page.body.items.find((e: { action: string }) => e.action === 'identity.role.grant');
    assert.equal(grant.actorName, 'admin');
    assert.equal(grant.role, 'node_admin');
    assert.equal(grant.purpose, 'account administration');
    assert.deepEqual(grant.details, { role: 'analyst' });
    assert.ok(Date.now() - Date.parse(grant.at) < 60_000);
    assert.match(grant.requestId, /^[0-9a-f-]{36}$/);
  });

  test('the list filters by actor, action prefix and time, newest first, and pages with a cursor', async () => {
    const logins = await admin.get('/api/v1/audit?action=identity.&actor=lena');
    assert.ok(logins.body.items.every((e: { actorName: string; action: string }) => e.actorName === 'lena' && e.action.startsWith('identity.')));
    const first = await admin.get('/api/v1/audit?limit=2');
    assert.equal(first.body.items.length, 2);
    assert.ok(first.body.items[0].id > first.body.items[1].id);
    const second = await admin.get(`/api/v1/audit?limit=2&before=${first.body.next}`);
    assert.ok(second.body.items[0].id < first.body.items[1].id);
    const future = await admin.get(`/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    assert.deepEqual(future.body.items, []);
  });

  test('reading the audit trail is itself audited', async () => {
    const page = await admin.get('/api/v1/audit?action=audit.list');
    assert.ok(page.body.items.length >= 3);
  });

  test('only the administrator reads it', async () => {
    assert.equal((await lena.get('/api/v1/audit')).status, 403);
  });

  test('the API offers no way to change or delete a record', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      const response = await admin.call(method, '/api/v1/audit', method === 'DELETE' ? undefined : {});
      assert.ok([404, 405].includes(response.status), `${method} → ${response.status}`);
    }
    assert.equal((await admin.call('DELETE', '/api/v1/audit/1')).status, 404);
  });

  test('the database itself refuses to change, delete or truncate a record', async () => {
    const db = node.database.db;
    await assert.rejects(db.query("UPDATE audit_log SET actor_name = 'someone else'"), /cannot be changed or deleted/);
    await assert.rejects(db.query('DELETE FROM audit_log'), /cannot be changed or deleted/);
    await assert.rejects(db.exec('TRUNCATE audit_log'), /cannot be changed or deleted/);
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE actor_name = 'someone else'");
    assert.equal(rows[0]!.n, 0);
  });

  test('an act that fails leaves no half-done change and no record of success', async () => {
    const me = (await admin.get('/api/v1/me')).body.id as string;
    const before_ = await node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'identity.user.disable'");
    assert.equal((await admin.post(`/api/v1/users/${me}/disable`)).status, 409);
    const after_ = await node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'identity.user.disable'");
    assert.equal(after_.rows[0]!.n, before_.rows[0]!.n);
  });
});
