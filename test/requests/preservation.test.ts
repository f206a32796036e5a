import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Party, party } from '../support/federation.ts';
import { mutualTrust, reaches } from '../support/requests.ts';
import { type Api, userWith } from '../support/node.ts';
import { Requests } from '../../src/requests/service.ts';

const REQUEST = {
  kind: 'preservation',
  fields: {
    caseReference: 'XA-CYB-2026-0042',
    offence: 'ransomware-extortion',
    summary: 'A hospital in State A was encrypted on 2 March; the ransom note names an e-mail account held by the provider.',
    identifiers: [{ kind: 'email', value: 'Decrypt-Now@MAIL.example' }, { kind: 'wallet', chain: 'bitcoin', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' }],
    dataCategories: ['subscriber', 'traffic'],
    period: { from: '2026-02-20', to: '2026-03-05' },
    provider: 'Example Mail',
  },
  requestedState: 'XB',
};

describe('expedited preservation across four nodes: investigator, both 24/7 points, the provider', () => {
  let police: Party;
  let a247: Party;
  let b247: Party;
  let provider: Party;
  let investigator: Api;
  let officerA: Api;
  let officerB: Api;
  let responder: Api;

  before(async () => {
    [police, a247, b247, provider] = await Promise.all([
      party('a-police', 'XA'), party('a-247', 'XA'), party('b-247', 'XB'), party('provider', 'XB', { kind: 'service_provider' }),
    ]);
    await mutualTrust([police, a247], [a247, b247], [b247, provider]);
    for (const p of [police, a247, b247, provider]) p.node.federation.worker.start();
    investigator = await userWith(police.admin, 'ines', ['investigator']);
    officerA = await userWith(a247.admin, 'omar', ['contact_point']);
    officerB = await userWith(b247.admin, 'olga', ['contact_point']);
    responder = await userWith(provider.admin, 'pat', ['provider_responder']);
  });
  after(() => Promise.all([police, a247, b247, provider].map((p) => p?.node.close())));

  test('the request goes up the chain, the provider preserves, and the confirmation comes back to the investigator', async () => {
    const drafted = await investigator.post('/api/v1/requests', { ...REQUEST, executor: 'a-247' });
    assert.equal(drafted.status, 201, drafted.text);
    assert.equal(drafted.body.state, 'draft');
    // The basis between State A and State B for preservation, from the (sample) treaty table.
    assert.equal(drafted.body.legalBasis.type, 'treaty');
    assert.deepEqual([drafted.body.legalBasis.from, drafted.body.legalBasis.to, drafted.body.legalBasis.kind], ['XA', 'XB', 'preservation']);
    assert.deepEqual(drafted.body.actions, ['submit', 'discard']);
    const id = drafted.body.id;

    const submitted = await investigator.post(`/api/v1/requests/${id}/actions/submit`, {});
    assert.equal(submitted.status, 200, submitted.text);
    assert.equal(submitted.body.state, 'submitted');
    assert.ok(submitted.body.dueAt, 'the 24/7 point has a deadline to acknowledge');

    const atA = await reaches(officerA, id, 'submitted');
    assert.equal(atA.side, 'executor');
    // Identifiers travel in their normal form: what the provider searches for.
    assert.deepEqual(atA.fields.identifiers, [
      { kind: 'email', value: 'Decrypt-Now@mail.example' },
      { kind: 'wallet', chain: 'bitcoin', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' },
    ]);
    assert.equal((await officerA.post(`/api/v1/requests/${id}/actions/acknowledge`, {})).status, 200);
    await reaches(investigator, id, 'acknowledged');

    const forwarded = await officerA.post(`/api/v1/requests/${id}/actions/forward`, { to: 'b-247' });
    assert.equal(forwarded.status, 200, forwarded.text);
    assert.equal(forwarded.body.state, 'forwarded');
    const abroad = forwarded.body.forwarded[0].id;

    const atB = await reaches(officerB, abroad, 'submitted');
    assert.equal(atB.requester, 'a-247');
    assert.equal((await officerB.post(`/api/v1/requests/${abroad}/actions/forward`, { to: 'provider' })).status, 200);
    const toProvider = (await officerB.get(`/api/v1/requests/${abroad}`)).body.forwarded[0].id;

    await reaches(responder, toProvider, 'submitted');
    assert.equal((await responder.post(`/api/v1/requests/${toProvider}/actions/acknowledge`, {})).status, 200);
    const confirmed = await responder.post(`/api/v1/requests/${toProvider}/actions/confirm-preserved`, { preservedUntil: '2026-06-30', providerReference: 'EM-PRES-7781' });
    assert.equal(confirmed.status, 200, confirmed.text);

    const seen = await reaches(investigator, id, 'preserved');
    const confirmation = seen.events.at(-1);
    assert.equal(confirmation.action, 'confirm-preserved');
    assert.equal(confirmation.note.providerReference, 'EM-PRES-7781');
    assert.equal(seen.dueAt, '2026-06-30T23:59:59.000Z', 'the preservation runs until the day the provider gave');
    assert.deepEqual(seen.actions, ['request-renewal', 'release']);

    // Both copies of each request agree on the state and on every step, in the same order.
    for (const [x, y, rid] of [[investigator, officerA, id], [officerA, officerB, abroad], [officerB, responder, toProvider]] as const) {
      const [mine, theirs] = [(await x.get(`/api/v1/requests/${rid}`)).body, (await y.get(`/api/v1/requests/${rid}`)).body];
      assert.equal(mine.state, 'preserved');
      assert.deepEqual(mine.events.map((e: any) => [e.seq, e.action, e.toState]), theirs.events.map((e: any) => [e.seq, e.action, e.toState]));
    }
  });

  test("when the preservation period ends, the provider's node marks it expired and the requester learns it", async () => {
    // An order of State B's 24/7 point to a provider in State B: national law is its basis.
    const ordered = await officerB.post('/api/v1/requests', { ...REQUEST, executor: 'provider', requestedState: undefined });
    assert.equal(ordered.status, 201, ordered.text);
    assert.deepEqual(ordered.body.legalBasis, { type: 'domestic', state: 'XB' });
    const id = ordered.body.id;
    assert.equal((await officerB.post(`/api/v1/requests/${id}/actions/submit`, {})).status, 200);
    await reaches(responder, id, 'submitted');
    await responder.post(`/api/v1/requests/${id}/actions/confirm-preserved`, { preservedUntil: '2027-01-31' });
    await reaches(officerB, id, 'preserved');
    const scheduler = new Requests(provider.node.database.db, provider.node.federation);
    await scheduler.runDueSteps(new Date('2027-01-31T12:00:00Z'));
    assert.equal((await responder.get(`/api/v1/requests/${id}`)).body.state, 'preserved', 'not before the end of the last day');
    assert.ok((await scheduler.runDueSteps(new Date('2027-02-01T00:00:00Z'))) >= 1);
    assert.equal(await scheduler.runDueSteps(new Date('2027-02-01T00:00:00Z')), 0, 'a step is taken once');
    const expired = await reaches(officerB, id, 'expired');
    assert.deepEqual([expired.events.at(-1).action, expired.events.at(-1).actorNode], ['expire', 'provider']);
  });

  test('a step the state machine does not allow is refused with a problem and changes nothing', async () => {
    const id = (await investigator.post('/api/v1/requests', { ...REQUEST, executor: 'a-247' })).body.id;
    const early = await investigator.post(`/api/v1/requests/${id}/actions/release`, {});
    assert.equal(early.status, 409);
    assert.equal(early.body.type, '/problems/invalid-transition');
    assert.deepEqual(early.body.allowed, ['submit', 'discard']);
    await investigator.post(`/api/v1/requests/${id}/actions/submit`, {});
    const twice = await investigator.post(`/api/v1/requests/${id}/actions/submit`, {});
    assert.equal(twice.status, 409);
    // The executor's steps are not the requester's to take.
    const ownAck = await investigator.post(`/api/v1/requests/${id}/actions/acknowledge`, {});
    assert.equal(ownAck.status, 409);
    const after_ = (await investigator.get(`/api/v1/requests/${id}`)).body;
    assert.equal(after_.state, 'submitted');
    assert.equal(after_.seq, 1);
  });

  test('incomplete drafts, wrong roles and unknown recipients are refused, and nothing is kept', async () => {
    const count = async () => (await police.node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM requests')).rows[0]!.n;
    const before_ = await count();
    const missing = await investigator.post('/api/v1/requests', { ...REQUEST, executor: 'a-247', fields: { ...REQUEST.fields, identifiers: [], dataCategories: ['everything'] } });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.errors.map((e: any) => e.field).sort(), ['/dataCategories/0', '/identifiers']);
    const malformed = await investigator.post('/api/v1/requests', {
      ...REQUEST, executor: 'a-247',
      fields: { ...REQUEST.fields, identifiers: [{ kind: 'ip', value: '198.51.100.23' }, { kind: 'wallet', chain: 'ethereum', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' }, { kind: 'phone', value: '020 7946 0958' }] },
    });
    assert.equal(malformed.status, 400, malformed.text);
    assert.deepEqual(malformed.body.errors.map((e: any) => [e.field, e.problem]), [
      ['/identifiers/0/observedAt', 'ip-missing-timestamp'],
      ['/identifiers/1/value', 'wallet-bad-checksum'],
      ['/identifiers/2/value', 'phone-not-e164'],
    ]);
    const stranger = await investigator.post('/api/v1/requests', { ...REQUEST, executor: 'nobody-here' });
    assert.equal(stranger.status, 422);
    assert.equal(stranger.body.type, '/problems/unknown-recipient');
    assert.deepEqual(stranger.body.errors, [{ field: '/executor', problem: 'unknown-recipient', params: { node: 'nobody-here' } }]);
    // Everything wrong is told at once: the fields, the recipient and the treaty, not one round each.
    const everything = await investigator.post('/api/v1/requests', {
      ...REQUEST, executor: 'nobody-here', basis: 'no-such-treaty', fields: { ...REQUEST.fields, identifiers: [] },
    });
    assert.equal(everything.status, 400, everything.text);
    assert.deepEqual(everything.body.errors.map((e: any) => [e.field, e.problem]), [['/identifiers', 'minItems'], ['/executor', 'unknown-recipient']]);
    const analyst = await userWith(police.admin, 'ana', ['analyst']);
    assert.equal((await analyst.post('/api/v1/requests', { ...REQUEST, executor: 'a-247' })).status, 403);
    assert.equal(await count(), before_);

    const id = (await investigator.post('/api/v1/requests', { ...REQUEST, executor: 'a-247' })).body.id;
    await investigator.post(`/api/v1/requests/${id}/actions/submit`, {});
    await reaches(officerA, id, 'submitted');
    const noReason = await officerA.post(`/api/v1/requests/${id}/actions/refuse`, {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors[0].field, '/reason');
    const refused = await officerA.post(`/api/v1/requests/${id}/actions/refuse`, { reason: 'The account is not held by any provider in State A.' });
    assert.equal(refused.status, 200);
    const seen = await reaches(investigator, id, 'refused');
    assert.equal(seen.events.at(-1).note.reason, 'The account is not held by any provider in State A.');
    assert.deepEqual(seen.actions, []);
  });

  test('every reading and every step of a request is audited', async () => {
    const audits = async (node: Party, action: string) =>
      (await node.node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [action])).rows[0]!.n;
    const reads = await audits(police, 'requests.read');
    const id = (await investigator.post('/api/v1/requests', { ...REQUEST, executor: 'a-247' })).body.id;
    await investigator.get(`/api/v1/requests/${id}`);
    assert.equal(await audits(police, 'requests.read'), reads + 2);
    const submits = await audits(a247, 'requests.submit');
    await investigator.post(`/api/v1/requests/${id}/actions/submit`, {});
    await reaches(officerA, id, 'submitted');
    assert.ok((await audits(a247, 'requests.submit')) > submits, 'the receiving node records the step it applied');
  });
});
