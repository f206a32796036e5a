/**
 * The TAXII server as an off-the-shelf client uses it: every step goes through a client that sends and
 * checks what the OASIS reference client does (test/support/taxii-client.ts), over the cases a TAXII
 * server is exercised on for interoperability: discovery, API root, collections, adding objects and
 * reading their status, getting objects and manifests page by page, each filter, one object, its
 * versions, deleting, authentication, and the errors a client must be able to read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/identity/passwords.ts';
import { ADMIN, Api, type TestNode, startTestNode, userWith } from '../support/node.ts';
import {
  type Collection, TAXII_21, TaxiiClient, TaxiiHttpError, apiRootInformation, asPages, collectionsOf, discover,
} from '../support/taxii-client.ts';
import { CUSTOM_TACTIC, EMAIL, EMAIL_MESSAGE, INDICATOR, MALWARE, NETWORK_TRAFFIC, IPV4, RELATIONSHIP, numberedIndicator } from './stix-examples.ts';

const refusal = async (promise: Promise<unknown>): Promise<TaxiiHttpError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof TaxiiHttpError, `expected a TAXII error, got ${String(error)}`);
  return error;
};

describe('TAXII 2.1 with a client that behaves as the OASIS reference client', () => {
  let node: TestNode;
  let analyst: TaxiiClient;
  let reader: TaxiiClient;
  let admin: Api;
  let root = '';
  let written: Collection;
  let read: Collection;
  const numbered = Array.from({ length: 40 }, (_, i) => numberedIndicator(i + 1));

  before(async () => {
    node = await startTestNode();
    admin = await new Api(node.url).login(ADMIN.username, ADMIN.password);
    await userWith(admin, 'ana', ['analyst'], 'ana-secret-passphrase');
    const ivan = await userWith(admin, 'ivan', ['investigator'], 'ivan-secret-passphrase');
    analyst = new TaxiiClient({ user: 'ana', password: 'ana-secret-passphrase' });
    // The investigator authenticates as the reference client's TokenAuth does, with a token from sign-in.
    reader = new TaxiiClient({ token: ivan.token! });
  });
  after(() => node.close());

  test('server discovery and API root information', async () => {
    const server = await discover(analyst, `${node.url}/taxii2`);
    assert.ok(server.title);
    assert.equal(server.apiRoots.length, 1);
    assert.equal(server.defaultRoot, server.apiRoots[0]);
    root = server.apiRoots[0];
    const information = await apiRootInformation(analyst, root);
    assert.ok(information.versions.includes(TAXII_21));
    assert.equal(typeof information.max_content_length, 'number');
  });

  test('collections, with what each user may do', async () => {
    const mine = await collectionsOf(analyst, root);
    const theirs = await collectionsOf(reader, root);
    assert.deepEqual([mine.length, theirs.length], [1, 1]);
    [written, read] = [mine[0]!, theirs[0]!];
    assert.deepEqual([written.info.can_read, written.info.can_write], [true, true]);
    assert.deepEqual([read.info.can_read, read.info.can_write], [true, false]);
    assert.equal(read.url, written.url);
    assert.ok(written.info.media_types?.includes('application/stix+json;version=2.1'));
  });

  test('adding objects: a status resource the client accepts, found again where the client looks for it', async () => {
    const envelope = { objects: [INDICATOR, MALWARE, RELATIONSHIP, IPV4, EMAIL, NETWORK_TRAFFIC, EMAIL_MESSAGE, CUSTOM_TACTIC, ...numbered] };
    const { status, statusUrl } = await written.addObjects(envelope);
    assert.equal(status.status, 'complete');
    assert.deepEqual([status.total_count, status.success_count, status.failure_count, status.pending_count], [48, 48, 0, 0]);
    assert.ok(!statusUrl.endsWith('/'), 'the reference client asks for the status without a trailing slash');
    assert.deepEqual(await written.status(statusUrl), status);

    const partly = await written.addObjects({ objects: [{ ...MALWARE, modified: '2017-01-01T00:00:00.000Z' }, { ...INDICATOR, pattern: '[bad' }] });
    assert.deepEqual([partly.status.success_count, partly.status.failure_count], [1, 1]);
    assert.equal(partly.status.failures![0]!.id, INDICATOR.id);

    // An observable states no version: it has one, the instant it was first added, told again when it is sent again.
    const firstVersion = status.successes!.find((success) => success.id === IPV4.id)!.version;
    const again = await written.addObjects({ objects: [IPV4] });
    assert.deepEqual(again.status.successes!.map(({ id, version }) => ({ id, version })), [{ id: IPV4.id, version: firstVersion }]);
    assert.match(again.status.successes![0]!.message ?? '', /already/);

    // The same observable twice in one envelope is kept once, and each copy is told its version.
    const domain = { type: 'domain-name', spec_version: '2.1', id: 'domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5', value: 'example.org' };
    const twice = await written.addObjects({ objects: [domain, domain] });
    const [one, two] = twice.status.successes!;
    assert.ok(one!.version && one!.version === two!.version, 'both copies carry the version kept');
    assert.equal(one!.message, undefined);
    assert.match(two!.message ?? '', /already/);
    assert.equal((await written.objectVersions(domain.id)).body.versions.length, 1);
    await written.deleteObject(domain.id);
  });

  test('getting objects page by page visits each object once, with the same limit throughout', async () => {
    const pages = await asPages(written.getObjects, 7);
    assert.deepEqual(pages.slice(0, -1).map((page) => page.objects.length), Array(pages.length - 1).fill(7));
    assert.equal(pages.at(-1).more, false);
    const ids = pages.flatMap((page) => page.objects.map((object: { id: string }) => object.id));
    assert.equal(ids.length, 48);
    assert.equal(new Set(ids).size, 48);
    const malware = pages.flatMap((page) => page.objects).find((object: { id: string }) => object.id === MALWARE.id);
    assert.equal(malware.modified, '2017-01-01T00:00:00.000Z', 'the latest version unless asked otherwise');

    const manifest = await asPages(written.getManifest, 10);
    const entries = manifest.flatMap((page) => page.objects);
    assert.deepEqual(entries.map((entry: { id: string }) => entry.id), ids);
    assert.ok(entries.every((entry: { media_type: string }) => entry.media_type === 'application/stix+json;version=2.1'));
  });

  test('filters as the client writes them: several types or ids joined by commas, versions, spec_version, added_after', async () => {
    const types = await written.getObjects({ type: ['malware', 'relationship'] });
    assert.deepEqual(types.body.objects.map((o: { type: string }) => o.type).sort(), ['malware', 'relationship']);
    const ids = await written.getObjects({ id: [numbered[0]!.id, numbered[39]!.id] });
    assert.deepEqual(ids.body.objects.map((o: { id: string }) => o.id).sort(), [numbered[0]!.id, numbered[39]!.id].sort());

    const all = await written.getObjects({ id: MALWARE.id, version: 'all' });
    assert.deepEqual(all.body.objects.map((o: { modified: string }) => o.modified), [MALWARE.modified, '2017-01-01T00:00:00.000Z']);
    const first = await written.getObjects({ id: MALWARE.id, version: 'first' });
    assert.equal(first.body.objects[0].modified, MALWARE.modified);
    const both = await written.getObjects({ id: MALWARE.id, version: ['first', 'last'] });
    assert.equal(both.body.objects.length, 2);
    const exact = await written.getObjects({ id: MALWARE.id, version: MALWARE.modified });
    assert.deepEqual(exact.body.objects.map((o: { modified: string }) => o.modified), [MALWARE.modified]);
    assert.equal((await written.getObjects({ spec_version: '2.0' })).body.objects, undefined, 'no STIX 2.0 objects here');

    const manifest = (await written.getManifest()).body.objects;
    const cut = manifest[9].date_added;
    const later = await asPages((filters) => written.getManifest(filters), 15, { added_after: cut });
    const rest = later.flatMap((page) => page.objects);
    assert.deepEqual(rest.map((entry: { id: string }) => entry.id), manifest.slice(10).map((entry: { id: string }) => entry.id), 'added_after is exclusive');
    const headers = (await written.getObjects({ limit: 5 })).headers;
    assert.equal(headers.get('x-taxii-date-added-first'), manifest[0].date_added);
    assert.equal(headers.get('x-taxii-date-added-last'), manifest[4].date_added);
  });

  test('one object, its versions, and deleting one version then the object', async () => {
    const one = await read.getObject(MALWARE.id);
    assert.deepEqual(one.body.objects.map((o: { id: string }) => o.id), [MALWARE.id]);
    const versions = await asPages((filters) => read.objectVersions(MALWARE.id, filters), 1);
    // Versions are timestamps written to the microsecond: compared as instants.
    const instants = (list: string[]) => list.map((version) => new Date(version).toISOString());
    assert.deepEqual(instants(versions.flatMap((page) => page.versions)), [MALWARE.modified, '2017-01-01T00:00:00.000Z']);

    await written.deleteObject(MALWARE.id, { version: MALWARE.modified });
    assert.deepEqual(instants((await read.objectVersions(MALWARE.id)).body.versions), ['2017-01-01T00:00:00.000Z']);
    await written.deleteObject(MALWARE.id);
    assert.equal((await refusal(read.getObject(MALWARE.id))).status, 404);
  });

  test('rights: a reader cannot add or delete, and is told so in a TAXII error', async () => {
    const add = await refusal(reader.post(read.objectsUrl, { objects: [numberedIndicator(99)] }));
    assert.equal(add.status, 403);
    assert.equal(add.body.http_status, '403');
    assert.ok(add.body.title && add.body.description);
    assert.equal((await refusal(read.deleteObject(INDICATOR.id))).status, 403);
    assert.equal((await written.getObject(INDICATOR.id)).body.objects.length, 1, 'nothing was deleted');
  });

  test('authentication: no credentials, a wrong password and a wrong token are 401 with a challenge', async () => {
    for (const client of [new TaxiiClient(), new TaxiiClient({ user: 'ana', password: 'wrong' }), new TaxiiClient({ token: 'x'.repeat(40) })]) {
      const error = await refusal(collectionsOf(client, root));
      assert.equal(error.status, 401);
      assert.match(error.headers.get('www-authenticate') ?? '', /Basic/);
      assert.equal(error.body.http_status, '401');
    }
  });

  test('Basic credentials that passed spare the password check, yet a new password, a disabled account or a lost role count at once', async () => {
    await userWith(admin, 'bea', ['analyst'], 'bea-secret-passphrase');
    const bea = new TaxiiClient({ user: 'bea', password: 'bea-secret-passphrase' });
    const id = (await node.database.db.query<{ id: string }>("SELECT id FROM users WHERE username = 'bea'")).rows[0]!.id;
    const checks = async () => Number((await node.database.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'identity.login' AND actor_name = 'bea' AND outcome = 'refused'")).rows[0]!.n);
    for (let i = 0; i < 3; i += 1) assert.equal((await collectionsOf(bea, root)).length, 1);

    // A password changed (here in the table, as the command line tool does) ends the reprieve of the old one.
    await node.database.db.query("UPDATE users SET password_hash = $1 WHERE id = $2", [await hashPassword('bea-new-passphrase', node.config.passwordCost), id]);
    assert.equal((await refusal(collectionsOf(bea, root))).status, 401);
    const renewed = new TaxiiClient({ user: 'bea', password: 'bea-new-passphrase' });
    assert.equal((await collectionsOf(renewed, root)).length, 1);

    assert.equal((await admin.call('DELETE', `/api/v1/users/${id}/roles/analyst`)).status, 200);
    await admin.call('PUT', `/api/v1/users/${id}/roles/provider_responder`);
    assert.deepEqual(await collectionsOf(renewed, root), [], 'the roles are read at every request');
    assert.equal((await admin.post(`/api/v1/users/${id}/disable`, {})).status, 200);
    assert.equal((await refusal(collectionsOf(renewed, root))).status, 401);
    assert.equal(await checks(), 2, 'the old password and the disabled account were each refused and audited');
  });

  test('a client of TAXII 2.0 is told 406; an unknown collection, object or status is 404; a bad filter is 400', async () => {
    assert.equal((await refusal(analyst.get(root, {}, 'application/vnd.oasis.taxii+json; version=2.0'))).status, 406);
    assert.equal((await refusal(analyst.get(`${root}collections/00000000-0000-4000-8000-000000000000/`))).status, 404);
    assert.equal((await refusal(written.getObject('indicator--00000000-0000-4000-8000-00000000ffff'))).status, 404);
    assert.equal((await refusal(analyst.get(`${root}status/00000000-0000-4000-8000-000000000000`))).status, 404);
    const bad = await refusal(written.getObjects({ added_after: 'yesterday' }));
    assert.equal(bad.status, 400);
    assert.match(bad.body.description, /added_after/);
  });
});
