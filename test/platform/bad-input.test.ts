import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Value } from 'typebox/value';
import { NewUserBody } from '../../src/identity/schemas.ts';
import { snapshot } from '../support/database.ts';
import { ADMIN, Api, type TestNode, startTestNode } from '../support/node.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const VALID_USER = { username: 'valid.user', displayName: 'Valid User', password: 'a valid long passphrase', roles: ['analyst'] };

describe('bad input gets a 4xx problem and changes nothing', () => {
  let node: TestNode;
  let admin: Api;
  let before_: Record<string, unknown[]>;
  let userId: string;

  before(async () => {
    node = await startTestNode();
    admin = await new Api(node.url).login(ADMIN.username, ADMIN.password);
    userId = (await admin.get('/api/v1/me')).body.id;
    before_ = await snapshot(node.database.db);
  });
  after(() => node.close());

  /** Sends raw bytes as the admin and checks the answer is a problem and the database is as it was. */
  async function refused(method: string, path: string, body: string | Buffer | undefined, contentType: string | undefined, expected?: number) {
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin.token}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });
    const text = await response.text();
    assert.ok(response.status >= 400 && response.status < 500, `${method} ${path} → ${response.status} ${text.slice(0, 200)}`);
    if (expected) assert.equal(response.status, expected, text.slice(0, 200));
    assert.equal(response.headers.get('content-type'), 'application/problem+json');
    const problem = JSON.parse(text) as { status: number; title: string; type: string };
    assert.equal(problem.status, response.status);
    assert.ok(problem.title && problem.type);
    assert.doesNotMatch(text, /\bat .+:\d+:\d+|SELECT|INSERT/);
    assert.deepEqual(await snapshot(node.database.db), before_, 'the database changed');
    return problem;
  }

  test('any JSON that does not match the schema of a new account', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }).filter((value) => !Value.Check(NewUserBody, value)), async (value) => {
        await refused('POST', '/api/v1/users', JSON.stringify(value), 'application/json', 400);
      }),
      { numRuns: RUNS },
    );
  });

  test('a valid account with one field missing, mistyped, unknown or too long', async () => {
    const mutation = fc.oneof(
      // The password may be left out (the node then generates one); the other fields are required.
      fc.constantFrom('username', 'displayName', 'roles').map((field) => ({ kind: 'missing', field })),
      fc.tuple(fc.constantFrom(...Object.keys(VALID_USER)), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object())).map(([field, value]) => ({ kind: 'type', field, value })),
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !(k in VALID_USER) && k !== '__proto__').map((field) => ({ kind: 'unknown', field, value: 1 })),
      fc.constantFrom('username', 'displayName', 'password').map((field) => ({ kind: 'long', field, value: 'x'.repeat(300) })),
      fc.constantFrom('nobody', 'root', 'ANALYST', '').map((role) => ({ kind: 'role', field: 'roles', value: [role] })),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const body: Record<string, unknown> = { ...VALID_USER };
        if (m.kind === 'missing') delete body[m.field];
        else body[m.field] = (m as { value: unknown }).value;
        if (m.kind === 'type' && typeof (m as { value: unknown }).value === typeof VALID_USER[m.field as keyof typeof VALID_USER]) return;
        const problem = await refused('POST', '/api/v1/users', JSON.stringify(body), 'application/json', 400);
        assert.equal(problem.type, '/problems/validation');
      }),
      { numRuns: RUNS },
    );
  });

  test('arbitrary bytes, including invalid UTF-8, sent as JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        await refused('POST', '/api/v1/users', Buffer.from(bytes), 'application/json');
      }),
      { numRuns: RUNS },
    );
    const invalidUtf8 = Buffer.concat([Buffer.from('{"username":"ab'), Buffer.from([0xff, 0xfe]), Buffer.from('c","displayName":"x","roles":["analyst"]}')]);
    const problem = await refused('POST', '/api/v1/users', invalidUtf8, 'application/json', 400);
    assert.equal(problem.type, '/problems/invalid-encoding');
  });

  test('the character U+0000, which no text column can hold, is refused wherever it hides in the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('username', 'displayName', 'password'), fc.string({ maxLength: 10 }), async (field, around) => {
        const problem = await refused('POST', '/api/v1/users', JSON.stringify({ ...VALID_USER, [field]: `${around}\u0000${around}` }), 'application/json', 400);
        assert.equal(problem.type, '/problems/invalid-character');
      }),
      { numRuns: 20 },
    );
    const nested = await refused('POST', '/api/v1/prevention/reports', JSON.stringify({ type: 'phishing', whatHappened: 'x', identifiers: [{ kind: 'email', value: 'a\u0000@b.example' }] }), 'application/json', 400);
    assert.equal(nested.type, '/problems/invalid-character');
  });

  test('prototype-poisoning keys are refused', async () => {
    await refused('POST', '/api/v1/users', JSON.stringify(VALID_USER).replace('{', '{"__proto__":{"admin":true},'), 'application/json', 400);
  });

  test('a wrong content type is 415', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png'), async (type) => {
        await refused('POST', '/api/v1/users', JSON.stringify(VALID_USER), type, 415);
      }),
      { numRuns: 10 },
    );
  });

  test('a body over the limit is 413', async () => {
    const huge = JSON.stringify({ ...VALID_USER, displayName: 'x'.repeat(node.config.bodyLimit + 10) });
    await refused('POST', '/api/v1/users', huge, 'application/json', 413);
  });

  test('malformed path parameters and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 40 }).map((s) => `/api/v1/users/${encodeURIComponent(s)}/roles/analyst`),
          // A UUID as a URN is a UUID to some validators, not to the database.
          fc.uuid().map((uuid) => `/api/v1/users/urn:uuid:${uuid}/roles/analyst`),
          fc.string({ minLength: 1, maxLength: 20 }).filter((r) => !['investigator', 'prosecutor', 'central_authority', 'contact_point', 'provider_responder', 'analyst', 'node_admin'].includes(r)).map((r) => `/api/v1/users/${userId}/roles/${encodeURIComponent(r)}`),
        ),
        async (path) => {
          const response = await fetch(`${node.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${admin.token}` } });
          await response.arrayBuffer();
          assert.ok([400, 404].includes(response.status), `${path} → ${response.status}`);
          assert.deepEqual(await snapshot(node.database.db), before_);
        },
      ),
      { numRuns: RUNS },
    );
    for (const query of ['limit=0', 'limit=abc', 'limit=100000', 'offset=-1', 'role=root', 'unknown=1', `q=${'x'.repeat(100)}`]) {
      await refused('GET', `/api/v1/users?${query}`, undefined, undefined, 400);
    }
    for (const query of ['from=yesterday', 'before=0', 'action=DROP%20TABLE', 'outcome=maybe']) {
      const response = await fetch(`${node.url}/api/v1/audit?${query}`, { headers: { authorization: `Bearer ${admin.token}` } });
      assert.equal(response.status, 400, query);
    }
  });

  test('a sign-in form with missing or malformed fields shows a readable page', async () => {
    for (const form of ['', 'username=', 'password=x', 'username=a&password=b&extra=1', `username=${'x'.repeat(100)}&password=p`]) {
      const response = await fetch(`${node.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
      const text = await response.text();
      assert.equal(response.status, 400, form);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      assert.match(text, /<h1>/);
    }
  });
});
