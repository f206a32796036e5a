import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { ADMIN, Api, type TestNode, startTestNode, userWith } from '../support/node.ts';

const codeAt = (secret: string, timestamp: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp });

describe('signing in: passwords, lock-out, second factor, sessions', () => {
  let node: TestNode;
  let admin: Api;
  let anonymous: Api;
  before(async () => {
    node = await startTestNode();
    anonymous = new Api(node.url);
    admin = await anonymous.login(ADMIN.username, ADMIN.password);
  });
  after(() => node.close());

  test('a wrong password and an unknown user get the same 401 problem', async () => {
    await userWith(admin, 'erin', ['analyst']);
    const wrong = await anonymous.post('/api/v1/auth/login', { username: 'erin', password: 'not the password' });
    const unknown = await anonymous.post('/api/v1/auth/login', { username: 'nobody', password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.headers.get('content-type'), 'application/problem+json');
    assert.equal(wrong.body.detail, unknown.body.detail);
  });

  test('after five failures the account locks, with a growing wait, even for the right password', async () => {
    await userWith(admin, 'frank', ['analyst']);
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await anonymous.post('/api/v1/auth/login', { username: 'frank', password: `wrong ${i}` })).status, 401);
    }
    const locked = await anonymous.post('/api/v1/auth/login', { username: 'frank', password: 'frank-secret-passphrase' });
    assert.equal(locked.status, 429);
    const wait = Number(locked.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 30, `first lock lasts at most 30 s, got ${wait}`);
    const row = await node.database.db.query<{ failures: number }>("SELECT failures FROM login_throttle WHERE username_key = 'frank'");
    assert.equal(row.rows[0]!.failures, 5);

    // The administrator lifts the lock; the right password works again and resets the count.
    const id = (await admin.get('/api/v1/users?q=frank')).body.items[0].id as string;
    assert.equal((await admin.post(`/api/v1/users/${id}/unlock`)).status, 200);
    await anonymous.login('frank', 'frank-secret-passphrase');
  });

  test('the lock doubles with each further failure', async () => {
    await userWith(admin, 'grace', ['analyst']);
    await node.database.db.query("INSERT INTO login_throttle (username_key, failures, locked_until) VALUES ('grace', 6, now() - interval '1 second')");
    assert.equal((await anonymous.post('/api/v1/auth/login', { username: 'grace', password: 'wrong' })).status, 401);
    const locked = await anonymous.post('/api/v1/auth/login', { username: 'grace', password: 'wrong' });
    assert.equal(locked.status, 429);
    const wait = Number(locked.headers.get('retry-after'));
    assert.ok(wait > 60 && wait <= 120, `the seventh failure locks for 120 s, got ${wait}`);
  });

  test('a name nobody holds locks the same way, so the lock-out does not tell which accounts exist', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      answers.push((await anonymous.post('/api/v1/auth/login', { username: 'no-such-person', password: `guess ${i}` })).status);
    }
    assert.deepEqual(answers, [401, 401, 401, 401, 401, 429]);
  });

  test('a stale bearer token does not stop its holder from signing in again or reading /health', async () => {
    const stale = new Api(node.url, 'B'.repeat(43));
    assert.equal((await stale.get('/health')).status, 200);
    assert.equal((await stale.post('/api/v1/auth/login', { username: ADMIN.username, password: ADMIN.password })).status, 200);
  });

  test('a second factor: enrol, confirm with a code, then sign-in needs a fresh code that cannot be replayed', async () => {
    const heidi = await userWith(admin, 'heidi', ['investigator']);
    const enrolment = await heidi.post('/api/v1/me/totp');
    assert.equal(enrolment.status, 200);
    assert.match(enrolment.body.uri, /^otpauth:\/\/totp\//);
    const secret = enrolment.body.secret as string;
    const now = Date.now();
    assert.equal((await heidi.post('/api/v1/me/totp/confirm', { otp: '000000' === codeAt(secret, now) ? '111111' : '000000' })).status, 422);
    assert.equal((await heidi.post('/api/v1/me/totp/confirm', { otp: codeAt(secret, now - 30_000) })).status, 204);

    const withoutCode = await anonymous.post('/api/v1/auth/login', { username: 'heidi', password: 'heidi-secret-passphrase' });
    assert.equal(withoutCode.status, 401);
    assert.equal(withoutCode.body.type, '/problems/second-factor-required');
    // The code used to confirm belongs to a step already spent: it is refused.
    const replay = await anonymous.post('/api/v1/auth/login', { username: 'heidi', password: 'heidi-secret-passphrase', otp: codeAt(secret, now - 30_000) });
    assert.equal(replay.status, 401);
    await anonymous.login('heidi', 'heidi-secret-passphrase', codeAt(secret, now));
    const again = await anonymous.post('/api/v1/auth/login', { username: 'heidi', password: 'heidi-secret-passphrase', otp: codeAt(secret, now) });
    assert.equal(again.status, 401, 'the same code twice is a replay');
    assert.equal((await heidi.post('/api/v1/me/totp')).status, 409);
  });

  test('sign-out ends the bearer session', async () => {
    const ivan = await userWith(admin, 'ivan', ['analyst']);
    assert.equal((await ivan.post('/api/v1/auth/logout')).status, 204);
    const after = await ivan.get('/api/v1/me');
    assert.equal(after.status, 401);
    assert.equal(after.headers.get('www-authenticate'), 'Bearer');
  });

  test('changing one’s password ends every session and needs the current one', async () => {
    const judy = await userWith(admin, 'judy', ['analyst']);
    assert.equal((await judy.post('/api/v1/me/password', { currentPassword: 'wrong', newPassword: 'a brand new passphrase' })).status, 403);
    assert.equal((await judy.post('/api/v1/me/password', { currentPassword: 'judy-secret-passphrase', newPassword: 'a brand new passphrase' })).status, 204);
    assert.equal((await judy.get('/api/v1/me')).status, 401);
    await anonymous.login('judy', 'a brand new passphrase');
  });

  test('a garbage or expired bearer token is refused with 401, never treated as anonymous', async () => {
    const forged = new Api(node.url, 'A'.repeat(43));
    assert.equal((await forged.get('/api/v1/me')).status, 401);
    assert.equal((await new Api(node.url).call('GET', '/api/v1/me', undefined, { authorization: 'Basic abc' })).status, 401);
    const kim = await userWith(admin, 'kim', ['analyst']);
    await node.database.db.query("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM users WHERE username = 'kim')");
    assert.equal((await kim.get('/api/v1/me')).status, 401);
  });

  test('no password, token or code ever reaches the logs', async () => {
    const secrets = ['correct horse battery staple', 'heidi-secret-passphrase', 'a brand new passphrase', admin.token!];
    const text = node.logs.join('\n');
    assert.ok(node.logs.length > 10, 'the node logs its requests');
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into the logs`);
  });

  test('every sign-in, failed or not, is audited without the password', async () => {
    const { rows } = await node.database.db.query<{ outcome: string; details: { reason?: string } }>(
      "SELECT outcome, details FROM audit_log WHERE action = 'identity.login' AND actor_name = 'frank' ORDER BY id",
    );
    assert.deepEqual(rows.map((r) => r.outcome), ['success', 'refused', 'refused', 'refused', 'refused', 'refused', 'refused', 'success']);
    assert.equal(rows[6]!.details.reason, 'locked');
  });
});
