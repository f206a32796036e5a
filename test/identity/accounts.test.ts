import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

describe('accounts: the administrator creates users, assigns roles and disables accounts', () => {
  let node: TestNode;
  let admin: Api;
  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin());
  });
  after(() => node.close());

  test('a new account signs in with its password and holds exactly the roles given', async () => {
    const alice = await userWith(admin, 'alice', ['investigator']);
    const me = await alice.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.username, 'alice');
    assert.deepEqual(me.body.roles, ['investigator']);
    assert.equal('passwordHash' in me.body, false);
  });

  test('without a password, one is generated and shown once; the stored hash is never the password', async () => {
    const created = await admin.post('/api/v1/users', { username: 'bob', displayName: 'Bob', roles: ['analyst'] });
    assert.equal(created.status, 201);
    const password = created.body.generatedPassword as string;
    assert.match(password, /^[A-Za-z0-9]{20}$/);
    const stored = await node.database.db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'bob'");
    assert.match(stored.rows[0]!.password_hash, /^scrypt\$\d+\$8\$1\$/);
    assert.ok(!stored.rows[0]!.password_hash.includes(password));
    await new Api(node.url).login('bob', password);
  });

  test('a username is unique whatever its case: the second gets 409 and nothing is created', async () => {
    const again = await admin.post('/api/v1/users', { username: 'ALICE', displayName: 'Other', password: 'another long passphrase', roles: ['analyst'] });
    assert.equal(again.status, 409);
    assert.equal(again.headers.get('content-type'), 'application/problem+json');
    const count = await node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE lower(username) = 'alice'");
    assert.equal(count.rows[0]!.n, 1);
  });

  test('a weak password is refused with 422', async () => {
    const weak = await admin.post('/api/v1/users', { username: 'weak', displayName: 'Weak', password: 'aaaaaaaaaaaa', roles: ['analyst'] });
    assert.equal(weak.status, 422);
    assert.match(weak.body.detail, /varied/);
  });

  test('roles are granted and removed; the user sees the change at once', async () => {
    const carol = await userWith(admin, 'carol', ['analyst']);
    const id = (await carol.get('/api/v1/me')).body.id as string;
    const granted = await admin.call('PUT', `/api/v1/users/${id}/roles/investigator`);
    assert.equal(granted.status, 200);
    assert.deepEqual(granted.body.roles, ['analyst', 'investigator']);
    const removed = await admin.call('DELETE', `/api/v1/users/${id}/roles/analyst`);
    assert.deepEqual(removed.body.roles, ['investigator']);
    assert.deepEqual((await carol.get('/api/v1/me')).body.roles, ['investigator']);
  });

  test('a disabled account loses its sessions and cannot sign in; enabled again, it can', async () => {
    const dave = await userWith(admin, 'dave', ['investigator']);
    const id = (await dave.get('/api/v1/me')).body.id as string;
    assert.equal((await admin.post(`/api/v1/users/${id}/disable`)).body.disabled, true);
    assert.equal((await dave.get('/api/v1/me')).status, 401);
    const refused = await new Api(node.url).post('/api/v1/auth/login', { username: 'dave', password: 'dave-secret-passphrase' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.type, '/problems/account-disabled');
    await admin.post(`/api/v1/users/${id}/enable`);
    await new Api(node.url).login('dave', 'dave-secret-passphrase');
  });

  test('the last active administrator can be neither disabled nor stripped of the role', async () => {
    const me = (await admin.get('/api/v1/me')).body.id as string;
    assert.equal((await admin.post(`/api/v1/users/${me}/disable`)).status, 409);
    assert.equal((await admin.call('DELETE', `/api/v1/users/${me}/roles/node_admin`)).status, 409);
    assert.deepEqual((await admin.get(`/api/v1/users/${me}`)).body.roles, ['node_admin']);
  });

  test('the list filters by role and text, and pages', async () => {
    const list = await admin.get('/api/v1/users?role=investigator&limit=1');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.ok(list.body.total >= 2);
    const found = await admin.get('/api/v1/users?q=caro');
    assert.deepEqual(found.body.items.map((u: { username: string }) => u.username), ['carol']);
  });

  test('an unknown account is a 404 problem', async () => {
    const missing = await admin.get('/api/v1/users/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.status, 404);
  });
});
