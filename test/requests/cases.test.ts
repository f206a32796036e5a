import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Party, party, trust, waitFor } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';

const CASE = {
  offence: 'business-email-compromise',
  summary: 'A supplier’s mailbox was taken over and 180,000 EUR paid to a new account.',
  identifiers: [
    { kind: 'email', value: 'Accounts@Supplier-Invoices.example' },
    { kind: 'phone', value: '+33 6 12 34 56 78' },
    { kind: 'wallet', chain: 'ethereum', value: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' },
  ],
  urgency: 'urgent',
};

/** Waits until the request reaches the node, and returns it. */
const arrived = (api: Api, id: string): Promise<any> =>
  waitFor(`request ${id} arriving`, async () => {
    const found = await api.get(`/api/v1/requests/${id}`);
    return found.status === 200 ? found.body : undefined;
  });

describe('cases: identifiers checked, requests drafted from them, and deconfliction when two investigations meet', () => {
  let a: Party;
  let b: Party;
  let ines: Api;
  let ivan: Api;
  let officer: Api;

  before(async () => {
    [a, b] = await Promise.all([party('a-police', 'XA'), party('b-247', 'XB')]);
    await trust(a, b);
    await trust(b, a);
    a.node.federation.worker.start();
    ines = await userWith(a.admin, 'ines', ['investigator']);
    ivan = await userWith(a.admin, 'ivan', ['investigator']);
    officer = await userWith(b.admin, 'olga', ['contact_point', 'investigator']);
  });
  after(() => Promise.all([a, b].map((p) => p?.node.close())));

  test('a case gets a reference and keeps its identifiers in their normal form; malformed ones are refused with nothing kept', async () => {
    const opened = await ines.post('/api/v1/cases', CASE);
    assert.equal(opened.status, 201, opened.text);
    assert.match(opened.body.reference, /^a-police-\d{4}-\d{4}$/);
    assert.deepEqual(opened.body.identifiers, [
      { kind: 'email', value: 'Accounts@supplier-invoices.example' },
      { kind: 'phone', value: '+33612345678' },
      { kind: 'wallet', chain: 'ethereum', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' },
    ]);
    const before_ = (await ines.get('/api/v1/cases')).body.items.length;
    const bad = await ines.post('/api/v1/cases', { ...CASE, offence: 'child-pornography', identifiers: [{ kind: 'wallet', chain: 'bitcoin', value: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' }] });
    assert.equal(bad.status, 400);
    assert.equal((await ines.get('/api/v1/cases')).body.items.length, before_);
    const worse = await ines.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'wallet', chain: 'bitcoin', value: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' }] });
    assert.deepEqual(worse.body.errors.map((e: any) => [e.field, e.problem]), [['/identifiers/0/value', 'wallet-bad-checksum']]);
    assert.equal((await officer.post('/api/v1/cases', CASE)).status, 201, 'an investigator at another node opens cases there');
  });

  test('a request drafted from a case carries its facts and identifiers, and the case lists it', async () => {
    const caseId = (await ines.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'domain', value: 'invoices-pay.example' }] })).body.id;
    const drafted = await ines.post('/api/v1/requests', {
      kind: 'preservation', executor: 'b-247', caseId,
      fields: { dataCategories: ['subscriber'], period: { from: '2026-10-01', to: '2026-10-31' } },
    });
    assert.equal(drafted.status, 201, drafted.text);
    assert.equal(drafted.body.caseId, caseId);
    assert.equal(drafted.body.fields.offence, 'business-email-compromise');
    assert.match(drafted.body.fields.caseReference, /^a-police-/);
    assert.deepEqual(drafted.body.fields.identifiers, [{ kind: 'domain', value: 'invoices-pay.example' }]);
    assert.deepEqual(drafted.body.overlaps, [], 'a request does not overlap its own case');
    const seen = (await ines.get(`/api/v1/cases/${caseId}`)).body;
    assert.deepEqual(seen.requests.map((r: any) => r.id), [drafted.body.id]);
  });

  test('two cases naming the same person, however written, are told of each other; a request received from abroad too', async () => {
    const first = (await ines.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'phone', value: '+44 20 7946 0958' }] })).body;
    const second = (await ivan.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'phone', value: '+442079460958' }, { kind: 'email', value: 'someone@else.example' }] })).body;
    assert.deepEqual(second.overlaps, [{ type: 'case', id: first.id, keys: ['phone:+442079460958'] }]);
    assert.deepEqual((await ines.get(`/api/v1/cases/${first.id}`)).body.overlaps, [{ type: 'case', id: second.id, keys: ['phone:+442079460958'] }]);

    // State B's 24/7 point has an open case on the same phone; a preservation request from State A arrives.
    const theirs = (await officer.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'phone', value: '020 7946 0958', defaultRegion: 'GB' }] })).body;
    const id = (await ines.post('/api/v1/requests', { kind: 'preservation', executor: 'b-247', caseId: first.id, fields: { dataCategories: ['traffic'], period: { from: '2026-10-01', to: '2026-10-31' } } })).body.id;
    assert.equal((await ines.post(`/api/v1/requests/${id}/actions/submit`, {})).status, 200);
    const received = await arrived(officer, id);
    assert.deepEqual(received.overlaps, [{ type: 'case', id: theirs.id, keys: ['phone:+442079460958'] }]);
    assert.deepEqual((await officer.get(`/api/v1/cases/${theirs.id}`)).body.overlaps.map((o: any) => [o.type, o.id]), [['request', id]]);

    // Each owner is told of the overlaps that concern them, and whom to contact, nothing of the other investigation.
    const told = (await ivan.get('/api/v1/deconfliction')).body.items;
    assert.deepEqual(told.map((o: any) => [o.mine.id, o.other.type, o.other.id, o.other.owner, o.keys]).sort(), [
      [second.id, 'case', first.id, 'ines', ['phone:+442079460958']],
      [second.id, 'request', id, 'ines', ['phone:+442079460958']],
    ]);
    const abroad = (await officer.get('/api/v1/deconfliction')).body.items;
    assert.deepEqual(abroad.map((o: any) => [o.mine.id, o.other.id, o.other.owner, o.other.fromAbroad]), [[theirs.id, id, 'a-police:ines', true]]);
  });

  test('a closed case no longer calls for deconfliction, and takes no new request', async () => {
    const old = (await ines.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'url', value: 'https://pay-now.example/invoice' }] })).body;
    assert.equal((await ines.post(`/api/v1/cases/${old.id}/close`, {})).status, 200);
    assert.equal((await ines.post(`/api/v1/cases/${old.id}/close`, {})).status, 409);
    const fresh = (await ivan.post('/api/v1/cases', { ...CASE, identifiers: [{ kind: 'url', value: 'https://pay-now.example/invoice' }] })).body;
    assert.deepEqual(fresh.overlaps, []);
    const refused = await ines.post('/api/v1/requests', { kind: 'preservation', executor: 'b-247', caseId: old.id, fields: { dataCategories: ['traffic'], period: { from: '2026-10-01', to: '2026-10-31' } } });
    assert.equal(refused.status, 409);
  });

  test('reading a case is audited; an analyst may not read cases', async () => {
    const id = (await ines.post('/api/v1/cases', CASE)).body.id;
    const count = async () => (await a.node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'cases.read' AND subject_id = $1", [id])).rows[0]!.n;
    const reads = await count();
    await ines.get(`/api/v1/cases/${id}`);
    assert.equal(await count(), reads + 1);
    const analyst = await userWith(a.admin, 'alma', ['analyst']);
    assert.equal((await analyst.get(`/api/v1/cases/${id}`)).status, 403);
  });
});
