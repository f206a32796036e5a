import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { TLP_ID } from '../../src/intelligence/stix/tlp.ts';
import { type Party, party, settled, waitFor } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { mutualTrust } from '../support/requests.ts';
import { numberedIndicator } from './stix-examples.ts';

const TAXII = 'application/taxii+json;version=2.1';
const marked = (n: number, tlp: keyof typeof TLP_ID, extra: Record<string, unknown> = {}) => numberedIndicator(n, { object_marking_refs: [TLP_ID[tlp]], ...extra });
const WALLET = { address: '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359', abuseType: 'scam' };
const LATER_WALLET = { chain: 'bitcoin', address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', abuseType: 'ransomware' };

/** What a node holds of an object received from a peer: its versions, producer and the peer it came through. */
async function received(p: Party, id: string) {
  const { rows } = await p.node.database.db.query<{ version: string; producer_node: string; received_from: string | null }>(
    "SELECT version::text, producer_node, received_from FROM stix_objects WHERE id = $1 AND received_from IS NOT NULL ORDER BY version", [id],
  );
  return rows;
}
/** A TAXII read with HTTP Basic credentials, as off-the-shelf clients send them. */
async function taxiiGet(p: Party, username: string, path: string): Promise<any> {
  const response = await fetch(`${p.node.url}/taxii2/${p.node.config.nodeId}${path}`, {
    headers: { accept: TAXII, authorization: `Basic ${Buffer.from(`${username}:${username}-secret-passphrase`).toString('base64')}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}
const arrived = (p: Party, id: string, versions = 1) => waitFor(`${id} at ${p.node.config.nodeId}`, async () => ((await received(p, id)).length >= versions ? true : undefined));

describe('intelligence shared across the federation, markings kept', () => {
  let a: Party;
  let b: Party;
  let c: Party;
  let collection = '';
  let analystB: Api;
  let analystC: Api;

  /** A's analyst adds objects over TAXII, as any TAXII client would. */
  const post = async (...objects: unknown[]) => {
    const response = await fetch(`${a.node.url}/taxii2/${a.node.config.nodeId}/collections/${collection}/objects/`, {
      method: 'POST',
      headers: { accept: TAXII, 'content-type': TAXII, authorization: `Basic ${Buffer.from('ana:ana-secret-passphrase').toString('base64')}` },
      body: JSON.stringify({ objects }),
    });
    assert.equal(response.status, 202, await response.text());
  };
  const subscription = (api: Api, state: string) => waitFor(`a ${state} subscription`, async () => {
    const items = (await api.get('/api/v1/intelligence/subscriptions')).body.items as { state: string; peer: string; localCollection: string }[];
    return items.find((item) => item.state === state);
  });

  before(async () => {
    [a, b, c] = await Promise.all([party('a-police', 'XA'), party('b-police', 'XB'), party('c-police', 'XC')]);
    await mutualTrust([a, b], [a, c], [b, c]);
    for (const p of [a, b, c]) p.node.federation.worker.start();
    await userWith(a.admin, 'ana', ['analyst']);
    analystB = await userWith(b.admin, 'bob', ['analyst']);
    analystC = await userWith(c.admin, 'cyd', ['analyst']);
    collection = (await a.node.database.db.query<{ id: string }>('SELECT id FROM taxii_collections')).rows[0]!.id;
  });
  after(() => Promise.all([a, b, c].map((p) => p?.node.close())));

  test('B and C subscribe; GREEN reaches both with its producer, AMBER only the peer named, RED no one', async () => {
    const set = await a.admin.call('PUT', `/api/v1/intelligence/collections/${collection}/sharing`, { peers: ['b-police', 'c-police'], amberPeers: [] });
    assert.equal(set.status, 200, set.text);
    await post(marked(1, 'green'), marked(2, 'amber'), marked(3, 'red'), numberedIndicator(4, { object_marking_refs: undefined }));
    for (const api of [analystB, analystC]) {
      const made = await api.post('/api/v1/intelligence/subscriptions', { peer: 'a-police', collectionId: collection });
      assert.equal(made.status, 201, made.text);
    }
    const active = await subscription(analystB, 'active');
    await arrived(b, numberedIndicator(1).id);
    await arrived(c, numberedIndicator(1).id);
    assert.deepEqual((await received(b, numberedIndicator(1).id)).map((row) => [row.producer_node, row.received_from]), [['a-police', 'a-police']]);
    for (const n of [2, 3, 4]) assert.deepEqual(await received(b, numberedIndicator(n).id), [], `the backlog's indicator ${n} stays home (AMBER, RED, unmarked)`);

    // B's investigators read it over TAXII like any other collection, under the peer's name.
    await userWith(b.admin, 'ivo', ['investigator']);
    const listed = (await taxiiGet(b, 'ivo', '/collections/')).collections as { id: string; title: string; can_write: boolean }[];
    const local = listed.find((item) => item.id === active.localCollection)!;
    assert.match(local.title, /: Indicators$/);
    assert.equal(local.can_write, false);
    const objects = (await taxiiGet(b, 'ivo', `/collections/${local.id}/objects/`)).objects as { id: string }[];
    assert.deepEqual(objects.map((o) => o.id), [numberedIndicator(1).id]);

    const named = await a.admin.call('PUT', `/api/v1/intelligence/collections/${collection}/sharing`, { peers: ['b-police', 'c-police'], amberPeers: ['b-police'] });
    assert.deepEqual(named.body, { peers: ['b-police', 'c-police'], amberPeers: ['b-police'] });
    await post(marked(5, 'amber'), marked(6, 'amber+strict'), marked(7, 'red'), marked(8, 'clear'));
    await arrived(b, numberedIndicator(5).id);
    await arrived(c, numberedIndicator(8).id);
    assert.equal((await received(b, numberedIndicator(6).id)).length, 1, 'AMBER+STRICT to the named peer too');
    for (const n of [5, 6, 7]) assert.deepEqual(await received(c, numberedIndicator(n).id), [], `C, not named, never gets ${n}`);
    assert.deepEqual(await received(b, numberedIndicator(7).id), []);

    // Named for amber after it subscribed, B is sent the AMBER and unmarked objects it could not have before.
    await arrived(b, numberedIndicator(2).id);
    await arrived(b, numberedIndicator(4).id);
    assert.deepEqual(await received(b, numberedIndicator(3).id), [], 'RED still stays home');
    for (const n of [2, 4]) assert.deepEqual(await received(c, numberedIndicator(n).id), [], `C, not named, never gets ${n}`);
    const { rows: [audit] } = await a.node.database.db.query<{ details: { amberBacklogSent?: Record<string, number> } }>(
      "SELECT details FROM audit_log WHERE action = 'intelligence.sharing.set' ORDER BY id DESC LIMIT 1",
    );
    assert.deepEqual(audit!.details.amberBacklogSent, { 'b-police': 2 });
  });

  test('a newer modified is a new version; the same version twice is stored once', async () => {
    const id = numberedIndicator(1).id;
    await post(marked(1, 'green', { modified: '2020-01-01T00:00:00.000Z' }));
    await arrived(b, id, 2);
    await post(marked(1, 'green', { modified: '2020-01-01T00:00:00.000Z' }), marked(9, 'green'));
    await arrived(b, numberedIndicator(9).id);
    assert.equal((await received(b, id)).length, 2);
  });

  test('a RED part keeps the whole object home, an unknown marking counts as AMBER, a peer\'s AMBER is not passed on, nor objects claimed to be the receiver\'s', async () => {
    const informant = marked(30, 'green', { description: 'From an informant.', granular_markings: [{ marking_ref: TLP_ID.red, selectors: ['description'] }] });
    const statement = marked(31, 'green', { object_marking_refs: [TLP_ID.green, 'marking-definition--00000000-0000-4000-8000-0000000000aa'] });
    await post(informant, statement, marked(32, 'green'));
    await arrived(c, numberedIndicator(32).id);
    await arrived(b, numberedIndicator(31).id);
    assert.deepEqual(await received(b, numberedIndicator(30).id), [], 'a RED part keeps the whole at home, even from the peer named for amber');
    assert.deepEqual(await received(c, numberedIndicator(31).id), [], 'an unknown marking is AMBER at least: not to C');

    // B shares what it received from A with C, naming C for amber: A's GREEN goes on, A's AMBER does not.
    const local = (await subscription(analystB, 'active')).localCollection;
    assert.equal((await b.admin.call('PUT', `/api/v1/intelligence/collections/${local}/sharing`, { peers: ['c-police'], amberPeers: ['c-police'] })).status, 200);
    assert.equal((await analystC.post('/api/v1/intelligence/subscriptions', { peer: 'b-police', collectionId: local })).status, 201);
    const viaB = async () => (await c.node.database.db.query<{ id: string; producer_node: string }>(
      "SELECT id, producer_node FROM stix_objects WHERE received_from = 'b-police' ORDER BY id",
    )).rows;
    await waitFor('A\'s GREEN through B', async () => ((await viaB()).some((row) => row.id === numberedIndicator(32).id) ? true : undefined));
    const relayed = await viaB();
    assert.ok(relayed.every((row) => row.producer_node === 'a-police'), 'the producer is kept');
    for (const n of [5, 6, 31]) assert.ok(!relayed.some((row) => row.id === numberedIndicator(n).id), `A's AMBER ${n} is not passed on by B`);

    // A sends B an object said to be B's own: B would share it on as its own report.
    const msgId = await a.node.database.db.transaction((tx) => a.node.federation.send(tx, 'b-police', 'intelligence.objects', {
      collectionId: collection, objects: [{ producer: 'b-police', object: marked(33, 'green') }, { producer: 'a-police', object: marked(34, 'green') }],
    }));
    assert.equal(await settled(a.node, msgId), 'delivered');
    await arrived(b, numberedIndicator(34).id);
    assert.deepEqual(await received(b, numberedIndicator(33).id), [], 'an object claimed to be B\'s own is refused');
  });

  test('the receiver refuses RED even from a faulty sender, and anything from a peer it did not subscribe to', async () => {
    const faulty = async (to: Party, n: number) => {
      const msgId = await a.node.database.db.transaction((tx) => a.node.federation.send(tx, to.node.config.nodeId, 'intelligence.objects', {
        collectionId: collection, objects: [{ producer: 'a-police', object: marked(n, 'red') }, { producer: 'a-police', object: marked(n + 1, 'green') }],
      }));
      assert.equal(await settled(a.node, msgId), 'delivered');
    };
    const refusals = async () => (await b.node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'intelligence.objects.receive' AND outcome = 'refused'")).rows[0]!.n;
    const before_ = await refusals();
    await faulty(b, 20);
    await arrived(b, numberedIndicator(21).id);
    assert.deepEqual(await received(b, numberedIndicator(20).id), [], 'RED refused by the receiver');
    assert.equal(await refusals(), before_ + 1);
    await c.node.database.db.query("DELETE FROM intelligence_subscriptions");
    await faulty(c, 22);
    assert.deepEqual(await received(c, numberedIndicator(23).id), [], 'no subscription, nothing stored');
  });

  test('a refused subscription stores nothing', async () => {
    const asked = await analystC.post('/api/v1/intelligence/subscriptions', { peer: 'b-police', collectionId: 'wallets' });
    assert.equal(asked.status, 201, asked.text);
    const refused = await subscription(analystC, 'refused');
    assert.equal(refused.peer, 'b-police');
    assert.equal((await c.node.database.db.query('SELECT 1 FROM wallets')).rows.length, 0);
  });

  test('a wallet reported in State B is flagged when State A\'s investigator enters it', async () => {
    assert.equal((await analystB.post('/api/v1/wallets', WALLET)).status, 201);
    const shared = await b.admin.call('PUT', '/api/v1/intelligence/collections/wallets/sharing', { peers: ['a-police'], amberPeers: [] });
    assert.equal(shared.status, 200, shared.text);
    const analystA = await userWith(a.admin, 'ada', ['analyst']);
    assert.equal((await analystA.post('/api/v1/intelligence/subscriptions', { peer: 'b-police', collectionId: 'wallets' })).status, 201);
    assert.equal((await analystB.post('/api/v1/wallets', LATER_WALLET)).status, 201, 'added after the subscription: it travels with the add');
    const investigator = await userWith(a.admin, 'ines', ['investigator']);
    for (const entry of [WALLET, LATER_WALLET]) {
      const found = await waitFor(`${entry.address} at A`, async () => {
        const lookup = await investigator.get(`/api/v1/wallets/lookup?address=${entry.address}`);
        assert.equal(lookup.status, 200, lookup.text);
        return lookup.body.matches.length > 0 ? lookup.body.matches : undefined;
      });
      assert.deepEqual(found.map((m: { source: string }) => m.source), ['b-police']);
    }
    // Exported by A as TLP:CLEAR, what B reported keeps TLP:GREEN: B shared it with a community, not the public.
    const exported = await investigator.get('/api/v1/wallets/stix?tlp=clear');
    assert.equal(exported.status, 200, exported.text);
    const fromB = exported.body.objects.filter((object: { x_entraide_source: string }) => object.x_entraide_source === 'b-police');
    assert.equal(fromB.length, 2);
    assert.ok(fromB.every((object: { object_marking_refs: string[] }) => object.object_marking_refs[0] === TLP_ID.green));
  });

  test('a peer left out of a collection\'s sharing is told, and its subscription ends', async () => {
    const subscriptionOfC = async () => ((await analystC.get('/api/v1/intelligence/subscriptions')).body.items as { peer: string; collectionId: string; state: string; reason: string | null }[])
      .find((item) => item.peer === 'a-police' && item.collectionId === collection);
    assert.equal((await analystC.post('/api/v1/intelligence/subscriptions', { peer: 'a-police', collectionId: collection })).status, 201);
    await waitFor('C subscribed', async () => ((await subscriptionOfC())?.state === 'active' ? true : undefined));
    const set = await a.admin.call('PUT', `/api/v1/intelligence/collections/${collection}/sharing`, { peers: ['b-police'], amberPeers: ['b-police'] });
    assert.equal(set.status, 200, set.text);
    const ended = await waitFor('C told', async () => {
      const subscription = await subscriptionOfC();
      return subscription?.state === 'refused' ? subscription : undefined;
    });
    assert.equal(ended.reason, 'no longer shared with your node');
    const { rows } = await a.node.database.db.query("SELECT subject_id FROM audit_log WHERE action = 'intelligence.subscriber.remove'");
    assert.deepEqual(rows.map((row) => row.subject_id), ['c-police']);
  });

  test('bad input on the sharing routes is a problem and changes nothing', async () => {
    const path = `/api/v1/intelligence/collections/${collection}/sharing`;
    const before_ = (await a.admin.get(path)).body;
    const unknown = await analystB.post('/api/v1/intelligence/subscriptions', { peer: 'nobody', collectionId: collection });
    assert.equal(unknown.status, 400);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/problem\+json/);
    const forbidden = await analystB.call('PUT', `/api/v1/intelligence/collections/${collection}/sharing`, { peers: [], amberPeers: [] });
    assert.equal(forbidden.status, 403);
    const stray = await a.admin.call('PUT', path, { peers: ['b-police'], amberPeers: ['c-police'] });
    assert.equal(stray.status, 400);
    await fc.assert(fc.asyncProperty(
      fc.record({ peers: fc.array(fc.oneof(fc.string(), fc.constant('b-police'), fc.integer())), amberPeers: fc.oneof(fc.array(fc.string({ minLength: 1 }), { minLength: 1 }), fc.constant(null)) }, { requiredKeys: [] }),
      async (body) => {
        const response = await a.admin.call('PUT', path, body);
        assert.ok(response.status >= 400 && response.status < 500, `${response.status} for ${JSON.stringify(body)}`);
        assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
      },
    ), { numRuns: 40 });
    assert.deepEqual((await a.admin.get(path)).body, before_);
    const subscriptions = (await analystB.get('/api/v1/intelligence/subscriptions')).body.items.length;
    const bad = await analystB.post('/api/v1/intelligence/subscriptions', { peer: 'a-police', collectionId: 'not-a-collection' });
    assert.equal(bad.status, 400);
    assert.equal((await analystB.get('/api/v1/intelligence/subscriptions')).body.items.length, subscriptions);
  });
});
