import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type Party, party, settled, waitFor } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { act, addFile, mutualTrust, reaches } from '../support/requests.ts';
import { SUBMIT_MESSAGE } from '../../src/requests/service.ts';

const ORDER = {
  kind: 'disclosure',
  fields: {
    caseReference: 'XA-CYB-2026-0107',
    offence: 'computer-related-fraud',
    summary: 'Victims in State A paid for goods never delivered; the shop was run from an account held by the provider.',
    link: 'The account received the orders and the payment instructions sent to the victims.',
    identifiers: [{ kind: 'email', value: 'shop@mail.example' }],
    dataCategories: ['subscriber'],
    period: { from: '2026-09-01', to: '2026-09-30' },
  },
};

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('disclosure orders: four-eyes approval, straight to the provider where its State allows it, else through that State', () => {
  let police: Party;
  let authorityB: Party;
  let provider: Party;
  let investigator: Api;
  let prosecutor: Api;
  let otherProsecutor: Api;
  let responder: Api;
  let prosecutorB: Api;

  before(async () => {
    [police, authorityB, provider] = await Promise.all([
      party('a-police', 'XA'), party('b-ca', 'XB', { kind: 'central_authority' }), party('b-provider', 'XB', { kind: 'service_provider' }),
    ]);
    await mutualTrust([police, authorityB], [police, provider], [authorityB, provider]);
    for (const p of [police, authorityB, provider]) p.node.federation.worker.start();
    // State B lets foreign authorities order subscriber information straight from its providers, and wants to know.
    const profile = await provider.admin.call('PUT', '/api/v1/requests/profile', {
      languages: ['en'], kinds: {}, directDisclosure: ['subscriber'], notifyOn: ['subscriber'], notifyNode: 'b-ca', retentionDays: { subscriber: 3650, traffic: 365 },
    });
    assert.equal(profile.status, 200, profile.text);
    investigator = await userWith(police.admin, 'ines', ['investigator']);
    prosecutor = await userWith(police.admin, 'paul', ['prosecutor']);
    otherProsecutor = await userWith(police.admin, 'petra', ['prosecutor']);
    responder = await userWith(provider.admin, 'pat', ['provider_responder']);
    prosecutorB = await userWith(authorityB.admin, 'boris', ['prosecutor']);
  });
  after(() => Promise.all([police, authorityB, provider].map((p) => p?.node.close())));

  test('an order leaves only once a prosecutor other than its drafter approves it, and the provider sees the verified approval', async () => {
    const drafted = await investigator.post('/api/v1/requests', { ...ORDER, executor: 'b-provider' });
    assert.equal(drafted.status, 201, drafted.text);
    assert.deepEqual(drafted.body.actions, ['ask-approval', 'discard']);
    const id = drafted.body.id;

    const self = await investigator.post(`/api/v1/requests/${id}/actions/approve`, {});
    assert.equal(self.status, 409, 'a draft is not approved before it is put forward');
    const asked = await act(investigator, id, 'ask-approval', { comment: 'urgent: the shop is still taking orders' });
    assert.equal(asked.state, 'awaiting-approval');
    assert.equal(asked.events.at(-1).note.profileVersion, 1, 'checked against the provider’s requirements before approval');
    const byInvestigator = await investigator.post(`/api/v1/requests/${id}/actions/approve`, {});
    assert.equal(byInvestigator.status, 403, 'an investigator does not approve');
    const changed = await investigator.call('PUT', `/api/v1/requests/${id}`, { fields: { ...ORDER.fields, summary: 'something else' } });
    assert.equal(changed.status, 409, 'what awaits approval cannot be changed under the approver');

    const approved = await act(prosecutor, id, 'approve');
    assert.equal(approved.state, 'submitted');
    assert.equal(approved.approval.official, 'paul');
    assert.match(approved.digest, /^[0-9a-f]{64}$/);
    assert.ok(approved.dueAt, 'the provider has a deadline');

    const received = await reaches(responder, id, 'submitted');
    assert.equal(received.side, 'executor');
    assert.equal(received.digest, approved.digest, 'both sides compute the same digest');
    assert.equal(received.approval.official, 'paul');
    assert.equal(received.approval.certificate, approved.approval.certificate);
    assert.deepEqual(received.actions, ['acknowledge', 'ask-clarification', 'disclose', 'refuse']);

    // State B asked to be told of orders for subscriber information sent straight to its providers.
    const caB = await userWith(authorityB.admin, 'carla', ['central_authority']);
    const notice = await waitFor('the notice reaching State B', async () => (await caB.get('/api/v1/requests/notifications')).body.items?.find((n: any) => n.id === id));
    assert.equal(notice.digest, approved.digest);
    assert.equal(notice.provider, 'b-provider');
    assert.equal(notice.approvedBy, 'paul');

    // The provider answers with the data, stored as a file with its SHA-256, and the order is closed.
    const data = Buffer.from('name,created,last_login_ip\nShop Owner,2025-12-01,203.0.113.7\n');
    const file = await addFile(responder, id, 'subscriber.csv', data, 'text/csv');
    assert.equal(file.sha256, sha256(data));
    assert.equal(file.seq, null, 'added, not sent yet');
    const disclosed = await act(responder, id, 'disclose', { files: [file.sha256], comment: 'all we hold' });
    assert.equal(disclosed.state, 'disclosed');
    const back = await reaches(investigator, id, 'disclosed');
    assert.deepEqual(back.files.map((f: any) => [f.name, f.sha256, f.size, f.mediaType]), [['subscriber.csv', sha256(data), data.length, 'text/csv']]);
    const download = await fetch(`${police.node.url}/api/v1/requests/${id}/files/${file.sha256}`, { headers: { authorization: `Bearer ${investigator.token}` } });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="subscriber.csv"/);
    assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(data));
  });

  test('the drafter cannot approve their own order, even as a prosecutor; the approver may send it back', async () => {
    const drafted = await prosecutor.post('/api/v1/requests', { ...ORDER, executor: 'b-provider' });
    const id = drafted.body.id;
    await act(prosecutor, id, 'ask-approval');
    const rewritten = await otherProsecutor.call('PUT', `/api/v1/requests/${id}`, { fields: ORDER.fields });
    assert.equal(rewritten.status, 409, 'nothing is rewritten while it awaits approval');
    const own = await prosecutor.post(`/api/v1/requests/${id}/actions/approve`, {});
    assert.equal(own.status, 403);
    assert.equal(own.body.type, '/problems/four-eyes');
    const back = await act(otherProsecutor, id, 'send-back', { reason: 'say how the account relates to each victim' });
    assert.equal(back.state, 'draft');
    // Whoever would approve it may not write any of it: only its drafter rewrites a draft.
    const byApprover = await otherProsecutor.call('PUT', `/api/v1/requests/${id}`, { fields: ORDER.fields });
    assert.equal(byApprover.status, 403);
    assert.equal(byApprover.body.type, '/problems/not-the-drafter');
    const rows = await provider.node.database.db.query('SELECT 1 FROM requests WHERE id = $1', [id]);
    assert.equal(rows.rows.length, 0, 'nothing left the drafting node');
  });

  test('traffic data is not ordered straight from a provider whose State does not allow it', async () => {
    const drafted = await investigator.post('/api/v1/requests', { ...ORDER, fields: { ...ORDER.fields, dataCategories: ['subscriber', 'traffic'] }, executor: 'b-provider' });
    const refused = await investigator.post(`/api/v1/requests/${drafted.body.id}/actions/ask-approval`, {});
    assert.equal(refused.status, 422, refused.text);
    assert.equal(refused.body.type, '/problems/requirements-not-met');
    assert.deepEqual(refused.body.errors, [{ field: '/dataCategories', problem: 'not-direct', params: { category: 'traffic', state: 'XB' } }]);
    assert.equal((await investigator.get(`/api/v1/requests/${drafted.body.id}`)).body.state, 'draft', 'nothing changed');
  });

  test('through State B: its prosecutor makes the order its own and sends it to the provider, whose data comes back up', async () => {
    const drafted = await investigator.post('/api/v1/requests', { ...ORDER, fields: { ...ORDER.fields, dataCategories: ['traffic'] }, executor: 'b-ca' });
    assert.equal(drafted.status, 201, drafted.text);
    const id = drafted.body.id;
    await act(investigator, id, 'ask-approval');
    await act(prosecutor, id, 'approve');
    await reaches(prosecutorB, id, 'submitted');
    const forwarded = await act(prosecutorB, id, 'forward', { to: 'b-provider' });
    assert.equal(forwarded.state, 'forwarded');
    const child = forwarded.forwarded[0];
    const atProvider = await reaches(responder, child.id, 'submitted');
    assert.equal(atProvider.requester, 'b-ca');
    assert.equal(atProvider.approval.official, 'boris', "State B's own prosecutor approved the order the provider obeys");
    assert.equal(atProvider.legalBasis.kind, 'disclosure');

    // A file whose type the node also reads as a request body (JSON) is stored as it is, not parsed.
    const data = Buffer.from('{"at":"2026-09-03T10:00:00Z","ip":"203.0.113.7","event":"login"}\n');
    const file = await addFile(responder, child.id, 'traffic.json', data, 'application/json');
    await act(responder, child.id, 'disclose', { files: [file.sha256] });
    const back = await reaches(investigator, id, 'disclosed');
    assert.deepEqual(back.files.map((f: any) => f.sha256), [sha256(data)], 'the data travelled from the provider through State B to State A');
  });

  test('a request whose approval does not match what it says is refused by the recipient and never applied', async () => {
    const drafted = await investigator.post('/api/v1/requests', { ...ORDER, executor: 'b-provider' });
    const id = drafted.body.id;
    await act(investigator, id, 'ask-approval');
    const approved = await act(prosecutor, id, 'approve');
    await reaches(responder, id, 'submitted');
    // The same approval, stuck on an order that asks for more: as an attacker with the node's outbox would.
    const forged = crypto.randomUUID();
    const { rows } = await police.node.database.db.query<{ fields: any; legal_basis: any }>('SELECT fields, legal_basis FROM requests WHERE id = $1', [id]);
    const msgId = await police.node.database.db.transaction((tx) => police.node.federation.send(tx, 'b-provider', SUBMIT_MESSAGE, {
      id: forged, seq: 3, action: 'approve', note: {}, at: new Date().toISOString(), actor: 'paul', kind: 'disclosure',
      fields: { ...rows[0]!.fields, dataCategories: ['subscriber', 'content'] }, legalBasis: rows[0]!.legal_basis,
      approval: { certificate: approved.approval.certificate, signature: approved.approval.signature },
    }));
    police.node.federation.worker.kick();
    assert.equal(await settled(police.node, msgId), 'dead');
    const there = await provider.node.database.db.query('SELECT 1 FROM requests WHERE id = $1', [forged]);
    assert.equal(there.rows.length, 0);
  });

  test("each recipient's response times are measured from the order leaving to its answer", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const times = await investigator.get(`/api/v1/requests/response-times?from=${today}&to=${today}`);
    assert.equal(times.status, 200, times.text);
    const provider = times.body.items.find((row: any) => row.executor === 'b-provider' && row.kind === 'disclosure');
    assert.ok(provider.sent >= 2 && provider.answered >= 1, JSON.stringify(provider));
    assert.ok(provider.answerMedianHours >= 0 && provider.answerP90Hours >= provider.answerMedianHours);
    assert.ok(provider.firstStepMedianHours <= provider.answerP90Hours);
    const reversed = await investigator.get(`/api/v1/requests/response-times?from=${today}&to=2000-01-01`);
    assert.equal(reversed.status, 400);
  });

  test('a client that drops an upload half-way leaves nothing and does not bring the node down', async () => {
    const id = (await investigator.post('/api/v1/requests', { ...ORDER, executor: 'b-provider' })).body.id;
    const { hostname, port } = new URL(police.node.url);
    await new Promise<void>((resolve) => {
      const upload = request({
        hostname, port, method: 'POST', path: `/api/v1/requests/${id}/files?name=half.bin`,
        headers: { authorization: `Bearer ${investigator.token}`, 'content-type': 'application/octet-stream', 'content-length': '1000000' },
      });
      upload.on('error', () => resolve());
      upload.write(Buffer.alloc(20_000, 1), () => setTimeout(() => { upload.destroy(); resolve(); }, 100));
    });
    await new Promise((done) => setTimeout(done, 300));
    const after = await investigator.get(`/api/v1/requests/${id}`);
    assert.equal(after.status, 200, 'the node still answers');
    assert.deepEqual(after.body.files, []);
  });
});
