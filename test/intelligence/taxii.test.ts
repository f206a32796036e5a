import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ADMIN, Api, type TestNode, startTestNode, userWith } from '../support/node.ts';
import { INDICATOR, MALWARE, RELATIONSHIP, numberedIndicator } from './stix-examples.ts';

const TAXII = 'application/taxii+json;version=2.1';

interface Reply { status: number; headers: Headers; body: any }

/** A TAXII client as off-the-shelf ones behave: Basic credentials, TAXII media types. */
function client(url: string, username?: string, password?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        accept: TAXII,
        ...(username ? { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } : {}),
        ...(body === undefined ? {} : { 'content-type': TAXII }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}

describe('TAXII 2.1 server', () => {
  let node: TestNode;
  let analyst: ReturnType<typeof client>;
  let investigator: ReturnType<typeof client>;
  let root = '';
  let objects = '';
  const count = async () => Number((await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM stix_objects')).rows[0]!.n);

  before(async () => {
    node = await startTestNode();
    const admin = await new Api(node.url).login(ADMIN.username, ADMIN.password);
    await userWith(admin, 'ana', ['analyst'], 'ana-secret-passphrase');
    await userWith(admin, 'ivan', ['investigator'], 'ivan-secret-passphrase');
    analyst = client(node.url, 'ana', 'ana-secret-passphrase');
    investigator = client(node.url, 'ivan', 'ivan-secret-passphrase');
  });
  after(() => node.close());

  test('discovery, API root and collections, with each user\'s rights', async () => {
    const discovery = await analyst('GET', '/taxii2/');
    assert.equal(discovery.status, 200);
    assert.equal(discovery.headers.get('content-type'), TAXII);
    assert.equal(discovery.body.api_roots.length, 1);
    assert.equal(discovery.body.default, discovery.body.api_roots[0]);
    root = new URL(discovery.body.default).pathname;
    assert.equal(root, `/taxii2/${node.config.nodeId}/`);
    const apiRoot = await analyst('GET', root);
    assert.deepEqual(apiRoot.body.versions, [TAXII]);
    assert.equal(apiRoot.body.max_content_length, node.config.bodyLimit);
    const mine = (await analyst('GET', `${root}collections/`)).body.collections;
    assert.equal(mine.length, 1);
    assert.equal(mine[0].can_read, true);
    assert.equal(mine[0].can_write, true);
    assert.deepEqual(mine[0].media_types, ['application/stix+json;version=2.1']);
    const theirs = (await investigator('GET', `${root}collections/${mine[0].id}/`)).body;
    assert.deepEqual([theirs.can_read, theirs.can_write], [true, false]);
    objects = `${root}collections/${mine[0].id}/objects/`;
  });

  test('an envelope of the specification\'s examples is added, with its status resource', async () => {
    const added = await analyst('POST', objects, { objects: [INDICATOR, MALWARE, RELATIONSHIP] });
    assert.equal(added.status, 202);
    assert.equal(added.body.status, 'complete');
    assert.deepEqual([added.body.total_count, added.body.success_count, added.body.failure_count, added.body.pending_count], [3, 3, 0, 0]);
    assert.deepEqual(added.body.successes.map((s: { id: string }) => s.id), [INDICATOR.id, MALWARE.id, RELATIONSHIP.id]);
    const status = await analyst('GET', `${root}status/${added.body.id}/`);
    assert.deepEqual(status.body, added.body);
    assert.equal((await investigator('GET', `${root}status/${added.body.id}/`)).status, 404, 'a status is for whoever sent the request');

    const again = await analyst('POST', objects, { objects: [INDICATOR] });
    assert.equal(again.body.success_count, 1);
    assert.match(again.body.successes[0].message, /already in the collection/);
    assert.equal(await count(), 3, 'the same id and modified again changes nothing');

    const one = await investigator('GET', `${objects}${INDICATOR.id}/`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.objects, [INDICATOR]);
    assert.equal(one.body.more, false);
  });

  test('a newer modified is a new version: versions, manifest and match[version]', async () => {
    const newer = { ...INDICATOR, modified: '2017-01-01T00:00:00.000Z', name: 'Poison Ivy (revised)' };
    assert.equal((await analyst('POST', objects, { objects: [newer] })).body.success_count, 1);
    const versions = await analyst('GET', `${objects}${INDICATOR.id}/versions/`);
    assert.deepEqual(versions.body.versions, ['2016-04-06T20:03:48.000000Z', '2017-01-01T00:00:00.000000Z']);
    const last = await analyst('GET', `${objects}${INDICATOR.id}/`);
    assert.deepEqual(last.body.objects.map((o: { name: string }) => o.name), ['Poison Ivy (revised)']);
    const first = await analyst('GET', `${objects}${INDICATOR.id}/?match[version]=first`);
    assert.deepEqual(first.body.objects.map((o: { name: string }) => o.name), ['Poison Ivy Malware']);
    const all = await analyst('GET', `${objects}?match[version]=all&match[type]=indicator`);
    assert.equal(all.body.objects.length, 2);
    const at = await analyst('GET', `${objects}?match[version]=2016-04-06T20:03:48.000Z&match[id]=${INDICATOR.id}`);
    assert.deepEqual(at.body.objects, [INDICATOR]);
    const manifest = await analyst('GET', `${root}collections/${objects.split('/')[4]}/manifest/?match[type]=indicator,malware`);
    assert.deepEqual(manifest.body.objects.map((m: { id: string; version: string; media_type: string }) => [m.id, m.version, m.media_type]), [
      [MALWARE.id, '2016-04-06T20:07:09.000000Z', 'application/stix+json;version=2.1'],
      [INDICATOR.id, '2017-01-01T00:00:00.000000Z', 'application/stix+json;version=2.1'],
    ]);
    assert.equal((await analyst('GET', `${objects}?match[spec_version]=2.0`)).body.objects, undefined);

    // An older version arriving late does not become the last one; deleting the last one makes the one before it last.
    await analyst('POST', objects, { objects: [{ ...INDICATOR, modified: '2016-06-01T00:00:00.000Z', name: 'Poison Ivy (June)' }] });
    assert.deepEqual((await analyst('GET', `${objects}${INDICATOR.id}/`)).body.objects.map((o: { name: string }) => o.name), ['Poison Ivy (revised)']);
    assert.equal((await analyst('DELETE', `${objects}${INDICATOR.id}/?match[version]=2017-01-01T00:00:00.000Z`)).status, 200);
    assert.deepEqual((await analyst('GET', `${objects}${INDICATOR.id}/`)).body.objects.map((o: { name: string }) => o.name), ['Poison Ivy (June)']);
    assert.equal((await analyst('GET', `${objects}${INDICATOR.id}/versions/`)).body.versions.length, 2);
  });

  test('paging through a few hundred objects with next, and again with added_after, visits each once', async () => {
    const batch = Array.from({ length: 300 }, (_, n) => numberedIndicator(n + 1));
    assert.equal((await analyst('POST', objects, { objects: batch })).body.success_count, 300);
    const walk = async (step: (last: Reply) => string) => {
      const seen: string[] = [];
      let url = `${objects}?match[type]=indicator&limit=70`;
      for (;;) {
        const page = await investigator('GET', url);
        assert.equal(page.status, 200);
        seen.push(...page.body.objects.map((o: { id: string }) => o.id));
        assert.equal(page.headers.get('x-taxii-date-added-first') !== null, true);
        if (!page.body.more) return seen;
        url = step(page);
      }
    };
    const byNext = await walk((page) => `${objects}?match[type]=indicator&limit=70&next=${page.body.next}`);
    const byDate = await walk((page) => `${objects}?match[type]=indicator&limit=70&added_after=${page.headers.get('x-taxii-date-added-last')}`);
    for (const seen of [byNext, byDate]) {
      assert.equal(seen.length, 301);
      assert.equal(new Set(seen).size, 301);
    }
  });

  test('invalid objects are failures with their reasons, and nothing of them is stored', async () => {
    const before = await count();
    const bad = { ...INDICATOR, id: 'indicator--0b7d9f4c-1d2e-4f3a-8b5c-6d7e8f9a0b1c', pattern: "[ipv4-addr:value = ]" };
    const reply = await analyst('POST', objects, { objects: [bad, { type: 'malware', id: 'nope' }] });
    assert.equal(reply.status, 202);
    assert.deepEqual([reply.body.success_count, reply.body.failure_count], [0, 2]);
    assert.match(reply.body.failures[0].message, /^pattern is not a valid STIX pattern/);
    assert.match(reply.body.failures[1].message, /id is required: type--UUID/);
    assert.equal(await count(), before);

    await fc.assert(
      fc.asyncProperty(
        fc.record({ property: fc.constantFrom('id', 'created', 'modified', 'pattern', 'valid_from', 'spec_version', 'type'), value: fc.oneof(fc.constant(undefined), fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)) }),
        async ({ property, value }) => {
          const object = { ...numberedIndicator(9000), [property]: value };
          const result = await analyst('POST', objects, { objects: [object] });
          return result.status === 202 && result.body.failure_count === 1 && result.body.failures[0].message.length > 0;
        },
      ),
      { numRuns: 25 },
    );
    assert.equal(await count(), before);
  });

  test('bad requests get TAXII error objects: media types, JSON, envelope, size, filters', async () => {
    const before = await count();
    const expect = async (reply: Promise<Reply>, status: number) => {
      const { body, headers } = await reply;
      assert.equal(headers.get('content-type'), TAXII);
      assert.equal(body.http_status, String(status), JSON.stringify(body));
      assert.ok(body.title && body.description);
    };
    await expect(analyst('GET', objects, undefined, { accept: 'application/json' }), 406);
    await expect(analyst('POST', objects, { objects: [MALWARE] }, { 'content-type': 'application/json' }), 415);
    await expect(analyst('POST', objects, '{"objects": [', {}), 400);
    await expect(analyst('POST', objects, { objects: 'none' }), 400);
    await expect(analyst('POST', objects, { objects: [], padding: 'x'.repeat(node.config.bodyLimit) }), 413);
    await expect(analyst('GET', `${objects}?limit=0`), 400);
    await expect(analyst('GET', `${objects}?added_after=yesterday`), 400);
    await expect(analyst('GET', `${objects}?match[version]=newest`), 400);
    await expect(analyst('GET', `${objects}indicator--00000000-0000-4000-8000-ffffffffffff/`), 404);
    await expect(analyst('GET', '/taxii2/another-root/'), 404);
    assert.equal(await count(), before);
  });

  test('authentication and rights per collection', async () => {
    const anonymous = client(node.url);
    const none = await anonymous('GET', '/taxii2/');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /Basic/);
    assert.equal(none.body.http_status, '401');
    assert.equal((await client(node.url, 'ana', 'wrong password!')('GET', '/taxii2/')).status, 401);
    const refused = await investigator('POST', objects, { objects: [numberedIndicator(7777)] });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.http_status, '403');
    assert.equal((await investigator('DELETE', `${objects}${MALWARE.id}/`)).status, 403);
    const denied = await node.database.db.query("SELECT 1 FROM audit_log WHERE action = 'access.denied' AND actor_name = 'ivan' AND subject_type = 'taxii-collection'");
    assert.equal(denied.rows.length, 2, 'each refusal is audited');
    const token = (await new Api(node.url).login('ana', 'ana-secret-passphrase')).token!;
    const bearer = await fetch(`${node.url}${objects}${MALWARE.id}/`, { headers: { accept: TAXII, authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200);
    assert.equal((await analyst('DELETE', `${objects}${MALWARE.id}/`)).status, 200);
    assert.equal((await analyst('GET', `${objects}${MALWARE.id}/`)).status, 404);
  });

  test('every read of objects leaves an audit record naming the reader', async () => {
    const { rows } = await node.database.db.query<{ actor_name: string; n: number }>(
      "SELECT actor_name, count(*)::int AS n FROM audit_log WHERE action LIKE 'intelligence.%.read' GROUP BY actor_name ORDER BY actor_name",
    );
    assert.deepEqual(rows.map((r) => r.actor_name), ['ana', 'ivan']);
    assert.ok(rows.every((r) => r.n > 0));
  });
});
