import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ROLES } from '../../src/identity/roles.ts';
import { GRANTABLE_ROLES } from '../../src/intelligence/collections.ts';
import { type Party, party } from '../support/federation.ts';
import { ADMIN, type Api, type ApiResponse, userWith } from '../support/node.ts';
import { mutualTrust } from '../support/requests.ts';
import { numberedIndicator } from './stix-examples.ts';

const TAXII = 'application/taxii+json;version=2.1';
const LIST = '/api/v1/intelligence/collections';
const PROBLEM = /^application\/problem\+json/;

interface Permission { role: string; canRead: boolean; canWrite: boolean }
interface Collection { id: string; title: string; description: string | null; permissions: Permission[]; objects: number; subscription: { peer: string; collectionId: string } | null }

/** A TAXII client of one account, with HTTP Basic credentials as off-the-shelf clients send them. */
const taxii = (p: Party, username: string) => async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const response = await fetch(`${p.node.url}/taxii2/${p.node.config.nodeId}${path}`, {
    method,
    headers: { accept: TAXII, authorization: `Basic ${Buffer.from(`${username}:${username}-secret-passphrase`).toString('base64')}`, ...(body ? { 'content-type': TAXII } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

/** A browser's session at a node's console: its cookie, the token its forms carry, and its posts of a form. */
async function consoleOf(p: Party, username: string, password: string) {
  const login = await fetch(`${p.node.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const send = async (path: string, form?: Record<string, string>) => {
    const response = await fetch(`${p.node.url}${path}`, {
      method: form ? 'POST' : 'GET', redirect: 'manual',
      headers: { cookie, 'accept-language': 'fr', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form) : undefined,
    });
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await send('/intelligence/subscriptions')).html)?.[1] ?? '';
  return { post: (path: string, form: Record<string, string>) => send(path, { _csrf: csrf, ...form }) };
}

const assertProblem = (response: ApiResponse, status: number, what: string) => {
  assert.equal(response.status, status, `${what}: ${response.text}`);
  assert.match(response.headers.get('content-type') ?? '', PROBLEM, what);
};

describe('the collections of a node: made, opened to roles, and served over TAXII as set', () => {
  let a: Party;
  let b: Party;
  let analyst: Api;
  let investigator: Api;
  let made: Collection;
  /** What the collections and their rights are, and the audit records of their changes: bad input must leave all three alone. */
  const snapshot = async (p: Party = a) => {
    const db = p.node.database.db;
    return {
      collections: (await db.query('SELECT id, title, description FROM taxii_collections ORDER BY id')).rows,
      rights: (await db.query('SELECT collection_id, role, can_read, can_write FROM collection_permissions ORDER BY collection_id, role')).rows,
      audit: (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'intelligence.collection.%'")).rows[0]!.n,
    };
  };
  const audited = async (action: string, id: string) =>
    (await a.node.database.db.query<{ actor_name: string; details: any }>('SELECT actor_name, details FROM audit_log WHERE action = $1 AND subject_id = $2 ORDER BY id', [action, id])).rows;

  before(async () => {
    [a, b] = await Promise.all([party('a-police', 'XA'), party('b-police', 'XB')]);
    await mutualTrust([a, b]);
    analyst = await userWith(a.admin, 'ana', ['analyst']);
    investigator = await userWith(a.admin, 'ivo', ['investigator']);
    await userWith(a.admin, 'cora', ['contact_point']);
    await userWith(a.admin, 'pia', ['prosecutor']);
  });
  after(() => Promise.all([a, b].map((p) => p?.node.close())));

  test('the first collection is listed with its rights and objects, to the administrator and analysts only', async () => {
    const listed = await a.admin.get<{ items: Collection[] }>(LIST);
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.body.items.length, 1);
    const [first] = listed.body.items;
    assert.equal(first!.title, 'Indicators');
    assert.deepEqual(first!.permissions, [
      { role: 'investigator', canRead: true, canWrite: false }, { role: 'contact_point', canRead: true, canWrite: false }, { role: 'analyst', canRead: true, canWrite: true },
    ]);
    assert.deepEqual([first!.objects, first!.subscription], [0, null]);
    assert.deepEqual((await analyst.get(LIST)).body, listed.body);
    assert.deepEqual((await analyst.get(`${LIST}/${first!.id}`)).body, first);
    assertProblem(await investigator.get(LIST), 403, 'an investigator lists collections');
  });

  test('a collection made by the administrator is read and written over TAXII by the roles given, as given', async () => {
    const created = await a.admin.post<Collection>(LIST, {
      title: '  Phishing kits ', description: 'Kits found in reports',
      // A drop box for the contact points, read by investigators; the prosecutor's line gives nothing and is left out.
      permissions: [{ role: 'contact_point', canRead: false, canWrite: true }, { role: 'investigator', canRead: true, canWrite: false }, { role: 'prosecutor', canRead: false, canWrite: false }],
    });
    assert.equal(created.status, 201, created.text);
    made = created.body;
    assert.equal(made.title, 'Phishing kits');
    assert.deepEqual(made.permissions, [{ role: 'investigator', canRead: true, canWrite: false }, { role: 'contact_point', canRead: false, canWrite: true }]);
    const [record] = await audited('intelligence.collection.create', made.id);
    assert.equal(record!.actor_name, 'admin');
    assert.deepEqual(record!.details.permissions, made.permissions);

    const cora = taxii(a, 'cora');
    const ivo = taxii(a, 'ivo');
    const ana = taxii(a, 'ana');
    const objects = `/collections/${made.id}/objects/`;
    const listedToCora = (await cora('GET', '/collections/')).body.collections.find((c: { id: string }) => c.id === made.id);
    assert.deepEqual([listedToCora.can_read, listedToCora.can_write], [false, true]);
    assert.equal((await cora('POST', objects, { objects: [numberedIndicator(1)] })).status, 202);
    assert.equal((await cora('GET', objects)).status, 403, 'a drop box is not read by those who write to it');
    const read = await ivo('GET', objects);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.objects.map((o: { id: string }) => o.id), [numberedIndicator(1).id]);
    assert.equal((await ivo('POST', objects, { objects: [numberedIndicator(2)] })).status, 403);
    assert.equal((await ana('GET', objects)).status, 404, 'a role given nothing does not see the collection');
    assert.equal((await taxii(a, 'pia')('GET', `/collections/${made.id}/`)).status, 404);
    assert.equal((await a.admin.get<Collection>(`${LIST}/${made.id}`)).body.objects, 1);
  });

  test('new rights take effect at once over TAXII, and are audited with what they replaced', async () => {
    const set = await a.admin.call<Collection>('PUT', `${LIST}/${made.id}/permissions`, { permissions: [{ role: 'analyst', canRead: true, canWrite: true }] });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.permissions, [{ role: 'analyst', canRead: true, canWrite: true }]);
    const objects = `/collections/${made.id}/objects/`;
    assert.equal((await taxii(a, 'ana')('POST', objects, { objects: [numberedIndicator(2)] })).status, 202);
    assert.equal((await taxii(a, 'ana')('GET', objects)).body.objects.length, 2);
    assert.equal((await taxii(a, 'ivo')('GET', objects)).status, 404);
    assert.equal((await taxii(a, 'cora')('POST', objects, { objects: [numberedIndicator(3)] })).status, 404);
    const [record] = await audited('intelligence.collection.permissions', made.id);
    assert.deepEqual(record!.details, {
      before: [{ role: 'investigator', canRead: true, canWrite: false }, { role: 'contact_point', canRead: false, canWrite: true }],
      after: [{ role: 'analyst', canRead: true, canWrite: true }],
    });
  });

  test('the title and description change, and TAXII clients see the new title', async () => {
    const renamed = await a.admin.call<Collection>('PATCH', `${LIST}/${made.id}`, { title: 'Phishing kits 2026' });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual([renamed.body.title, renamed.body.description], ['Phishing kits 2026', 'Kits found in reports']);
    const cleared = await a.admin.call<Collection>('PATCH', `${LIST}/${made.id}`, { description: null });
    assert.deepEqual([cleared.body.title, cleared.body.description], ['Phishing kits 2026', null]);
    const resource = await taxii(a, 'ana')('GET', `/collections/${made.id}/`);
    assert.equal(resource.body.title, 'Phishing kits 2026');
    assert.equal(resource.body.description, undefined);
    assert.deepEqual((await audited('intelligence.collection.update', made.id)).map((row) => row.details.after), [{ title: 'Phishing kits 2026' }, { description: null }]);
  });

  test('a collection filled by a subscription cannot be made writable: 409 with the reason, and nothing changes', async () => {
    const analystB = await userWith(b.admin, 'bob', ['analyst']);
    const subscribed = await analystB.post('/api/v1/intelligence/subscriptions', { peer: 'a-police', collectionId: made.id });
    assert.equal(subscribed.status, 201, subscribed.text);
    const local = (await b.admin.get<{ items: Collection[] }>(LIST)).body.items.find((item) => item.id === subscribed.body.localCollection)!;
    assert.deepEqual(local.subscription && [local.subscription.peer, local.subscription.collectionId], ['a-police', made.id]);
    assert.ok(local.permissions.every((permission) => !permission.canWrite));

    const before_ = await snapshot(b);
    const path = `${LIST}/${local.id}/permissions`;
    const refused = await b.admin.call('PUT', path, { permissions: [{ role: 'analyst', canRead: true, canWrite: true }] });
    assertProblem(refused, 409, 'a writable subscription collection');
    assert.equal(refused.body.type, '/problems/filled-by-subscription');
    assert.match(refused.body.detail, /filled by a subscription to a-police/);
    assert.deepEqual(refused.body.errors.map((error: { pointer: string }) => error.pointer), ['/permissions/0/canWrite']);
    assert.deepEqual(await snapshot(b), before_);
    const readers = await b.admin.call<Collection>('PUT', path, { permissions: [{ role: 'prosecutor', canRead: true, canWrite: false }] });
    assert.equal(readers.status, 200, 'who reads it is still the administrator\'s choice');
    assert.deepEqual(readers.body.permissions, [{ role: 'prosecutor', canRead: true, canWrite: false }]);
  });

  test('who may not is refused, and bad input is a problem that changes nothing', async () => {
    const before_ = await snapshot();
    const good = { title: 'Ransomware', permissions: [{ role: 'analyst', canRead: true, canWrite: true }] };
    assertProblem(await analyst.post(LIST, good), 403, 'an analyst makes a collection');
    assertProblem(await analyst.call('PUT', `${LIST}/${made.id}/permissions`, { permissions: [] }), 403, 'an analyst sets rights');
    assertProblem(await investigator.call('PATCH', `${LIST}/${made.id}`, { title: 'x' }), 403, 'an investigator renames');

    const provider = await a.admin.post(LIST, { ...good, permissions: [{ role: 'provider_responder', canRead: true, canWrite: false }] });
    assertProblem(provider, 400, 'intelligence for the provider responders');
    assert.deepEqual(provider.body.errors.map((error: { pointer: string; code: string }) => [error.pointer, error.code]), [['/permissions/0/role', 'role-not-grantable']]);
    const twice = await a.admin.call('PUT', `${LIST}/${made.id}/permissions`, { permissions: [{ role: 'analyst', canRead: true, canWrite: false }, { role: 'analyst', canRead: false, canWrite: true }] });
    assertProblem(twice, 400, 'a role twice');
    assert.equal(twice.body.errors[0].code, 'role-twice');
    const blank = await a.admin.post(LIST, { ...good, title: '   ' });
    assertProblem(blank, 400, 'a blank title');
    assert.equal(blank.body.errors[0].pointer, '/title');
    for (const [what, body] of [
      ['no rights', { title: 'x' }], ['an unknown role', { ...good, permissions: [{ role: 'janitor', canRead: true, canWrite: false }] }],
      ['a title too long', { ...good, title: 'x'.repeat(201) }], ['an unknown field', { ...good, owner: 'ana' }], ['a right as text', { ...good, permissions: [{ role: 'analyst', canRead: 'yes', canWrite: false }] }],
    ] as const) assertProblem(await a.admin.post(LIST, body), 400, what);
    assertProblem(await a.admin.call('PATCH', `${LIST}/${made.id}`, {}), 400, 'a change of nothing');
    assertProblem(await a.admin.call('PATCH', `${LIST}/${made.id}`, { title: ' ' }), 400, 'a blank new title');
    assertProblem(await a.admin.call('PUT', `${LIST}/2b1d9d64-6c1e-4a43-9d54-7f0c3a1e5b20/permissions`, { permissions: [] }), 404, 'an unknown collection');
    assertProblem(await a.admin.call('PATCH', `${LIST}/not-a-uuid`, { title: 'x' }), 400, 'not an id');
    assert.deepEqual(await snapshot(), before_);
  });

  test('any body: made exactly as said when valid, else refused with a problem and nothing made', async () => {
    const role = fc.oneof(fc.constantFrom(...ROLES), fc.string({ maxLength: 20 }));
    const flag = fc.oneof({ arbitrary: fc.boolean(), weight: 8 }, { arbitrary: fc.constantFrom('true', 1, null), weight: 1 });
    const permission = fc.record({ role, canRead: flag, canWrite: flag }, { requiredKeys: ['role', 'canRead', 'canWrite'] });
    const title = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('   ', ''), fc.string({ minLength: 195, maxLength: 205 }), fc.integer());
    const anyBody = fc.record({
      title, description: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null), fc.string({ minLength: 1999, maxLength: 2001 })),
      permissions: fc.array(permission, { maxLength: 4 }), extra: fc.string(),
    }, { requiredKeys: [] });
    const goodBody = fc.record({
      title: fc.string({ minLength: 1, maxLength: 30 }).filter((text) => text.trim() !== ''), description: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      permissions: fc.uniqueArray(fc.record({ role: fc.constantFrom(...GRANTABLE_ROLES), canRead: fc.boolean(), canWrite: fc.boolean() }), { selector: (p) => p.role, maxLength: 6 }),
    }, { requiredKeys: ['title', 'permissions'] });
    const body = fc.oneof(anyBody, goodBody) as fc.Arbitrary<Record<string, any>>;
    const seen = { made: 0, refused: 0 };
    const valid = (given: Record<string, any>) => {
      const perms: any[] | undefined = given.permissions;
      return typeof given.title === 'string' && given.title.length <= 200 && given.title.trim() !== '' && given.extra === undefined
        && (given.description === undefined || given.description === null || given.description.length <= 2000)
        && Array.isArray(perms) && perms.every((p, i) => (ROLES as readonly string[]).includes(p.role) && p.role !== 'provider_responder'
          && typeof p.canRead === 'boolean' && typeof p.canWrite === 'boolean' && perms.findIndex((q) => q.role === p.role) === i);
    };
    await fc.assert(fc.asyncProperty(body, async (given) => {
      const before_ = await snapshot();
      const response = await a.admin.post<Collection>(LIST, given);
      if (!valid(given)) {
        assertProblem(response, 400, JSON.stringify(given));
        assert.deepEqual(await snapshot(), before_);
        seen.refused += 1;
        return;
      }
      seen.made += 1;
      assert.equal(response.status, 201, `${JSON.stringify(given)}: ${response.text}`);
      assert.equal(response.body.title, (given.title as string).trim());
      assert.equal(response.body.description, given.description?.trim() || null);
      const expected = (given.permissions as Permission[]).filter((p) => p.canRead || p.canWrite).map((p) => p.role).sort((x, y) => ROLES.indexOf(x as never) - ROLES.indexOf(y as never));
      assert.deepEqual(response.body.permissions.map((p) => p.role), expected);
      assert.equal((await snapshot()).collections.length, before_.collections.length + 1);
    }), { numRuns: 60 });
    assert.ok(seen.made > 0 && seen.refused > 0, `both kinds of body were tried: ${JSON.stringify(seen)}`);
  });

  test('the pages\' free text: a title or a collection id typed in is taken as typed, or refused on the page and nothing changes', async () => {
    const admin = await consoleOf(a, ADMIN.username, ADMIN.password);
    const ana = await consoleOf(a, 'ana', 'ana-secret-passphrase');
    const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max }).map((typed) => typed.replaceAll('\u0000', ''));
    const length = (typed: string) => [...typed].length;
    const title = fc.oneof(text(30), fc.constantFrom(' ', '\u3000', '\t\n'), fc.string({ minLength: 195, maxLength: 205 }));
    const seen = { made: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(title, text(40), async (typed, description) => {
      const before_ = await snapshot();
      const answer = await admin.post('/intelligence/collections', { title: typed, description, read: 'analyst', write: 'analyst' });
      if (typed.trim() === '' || length(typed.trim()) > 200) {
        assert.equal(answer.status, 400, JSON.stringify(typed));
        assert.match(answer.html, /<html lang="fr" dir="ltr">/);
        assert.match(answer.html, /class="error-summary"[^>]*role="alert"/);
        assert.deepEqual(await snapshot(), before_);
        seen.refused += 1;
        return;
      }
      assert.equal(answer.status, 303, `${JSON.stringify(typed)}: ${answer.html.slice(0, 300)}`);
      const id = /\/intelligence\/collections\/([0-9a-f-]{36})\?done=created$/.exec(answer.location ?? '')?.[1];
      const stored = (await a.node.database.db.query<{ title: string; description: string | null }>('SELECT title, description FROM taxii_collections WHERE id = $1', [id])).rows[0];
      assert.deepEqual(stored, { title: typed.trim(), description: description.trim() || null });
      seen.made += 1;
    }), { numRuns: 40 });
    assert.ok(seen.made > 0 && seen.refused > 0, JSON.stringify(seen));

    const subscribed = new Set((await a.node.database.db.query<{ scope: string }>("SELECT scope FROM intelligence_subscriptions WHERE peer = 'b-police'")).rows.map((row) => row.scope));
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const typedId = fc.oneof(
      fc.tuple(fc.uuid(), fc.boolean(), fc.constantFrom('', ' ', '  ')).map(([id, upper, pad]) => `${pad}${upper ? id.toUpperCase() : id}${pad}`),
      text(40), fc.constantFrom('wallets', ' Wallets ', 'wallet', '{}', '../wallets'),
    );
    const count = async () => (await a.node.database.db.query<{ n: number }>('SELECT (SELECT count(*) FROM intelligence_subscriptions) + (SELECT count(*) FROM outbox) AS n')).rows[0]!.n;
    await fc.assert(fc.asyncProperty(typedId, async (typed) => {
      const scope = typed.trim().toLowerCase();
      const before_ = await count();
      const answer = await ana.post('/intelligence/subscriptions', { peer: 'b-police', collectionId: typed });
      if (!(scope === 'wallets' || UUID.test(scope)) || subscribed.has(scope)) {
        assert.equal(answer.status, subscribed.has(scope) ? 409 : 400, JSON.stringify(typed));
        assert.match(answer.html, /id="sub-collectionId-error"/);
        assert.equal(await count(), before_);
        return;
      }
      assert.equal(answer.status, 303, `${JSON.stringify(typed)}: ${answer.html.slice(0, 300)}`);
      subscribed.add(scope);
      assert.equal((await a.node.database.db.query("SELECT 1 FROM intelligence_subscriptions WHERE peer = 'b-police' AND scope = $1", [scope])).rows.length, 1);
    }), { numRuns: 40 });
  });
});
