import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { type Party, party, waitFor } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { act, addFile, mutualTrust, reaches } from '../support/requests.ts';
import { Requests } from '../../src/requests/service.ts';
import { newCode } from '../../src/platform/codes.ts';

const EMERGENCY = {
  kind: 'emergency',
  fields: {
    offence: 'sextortion',
    summary: 'A 15-year-old is being blackmailed with intimate images by an account held by the provider and has said she will harm herself tonight.',
    danger: 'The child announced self-harm for tonight; the police must find who runs the account and where she is before then.',
    risk: 'life',
    identifiers: [{ kind: 'account', service: 'example-chat', value: 'dark.lens.77' }],
    dataCategories: ['subscriber', 'traffic'],
    period: { from: '2026-11-20', to: '2026-11-29' },
    deadlineHours: 4,
  },
};

describe('emergency requests: approved, paged, and confirmed by the provider over a second channel', () => {
  let desk: Party;
  let provider: Party;
  let investigator: Api;
  let prosecutor: Api;
  let officer: Api;
  let responder: Api;

  before(async () => {
    [desk, provider] = await Promise.all([party('a-247', 'XA', { kind: 'contact_point' }), party('b-provider', 'XB', { kind: 'service_provider' })]);
    await mutualTrust([desk, provider]);
    for (const p of [desk, provider]) p.node.federation.worker.start();
    investigator = await userWith(desk.admin, 'ines', ['investigator']);
    prosecutor = await userWith(desk.admin, 'paul', ['prosecutor']);
    officer = await userWith(desk.admin, 'omar', ['contact_point']);
    responder = await userWith(provider.admin, 'pat', ['provider_responder']);
  });
  after(() => Promise.all([desk, provider].map((p) => p?.node.close())));

  async function approved(): Promise<any> {
    const drafted = await investigator.post('/api/v1/requests', { ...EMERGENCY, executor: 'b-provider' });
    assert.equal(drafted.status, 201, drafted.text);
    await act(investigator, drafted.body.id, 'ask-approval');
    return act(prosecutor, drafted.body.id, 'approve');
  }

  test('the provider is paged, calls the desk, checks the code it is read, then answers within the hours given', async () => {
    const sent = await approved();
    const hours = (Date.parse(sent.dueAt) - Date.parse(sent.events.at(-1).at)) / 3_600_000;
    assert.equal(Math.round(hours), 4, 'the provider has the hours the request gives');
    const id = sent.id;

    await reaches(responder, id, 'submitted');
    const paged = (await responder.get('/api/v1/requests/alerts')).body.items;
    assert.deepEqual(paged.filter((a: any) => a.requestId === id).map((a: any) => a.reason), ['emergency']);

    await act(responder, id, 'ask-confirmation', { comment: 'calling your desk now' });
    const expecting = await waitFor('the desk being told a provider will call', async () => (await officer.get('/api/v1/requests/alerts')).body.items.find((a: any) => a.requestId === id));
    assert.equal(expecting.reason, 'confirmation');

    // Neither the drafter nor the approver may read the code: a stolen account alone cannot confirm a fake request.
    assert.equal((await investigator.get(`/api/v1/requests/${id}/confirmation-code`)).status, 403);
    assert.equal((await prosecutor.get(`/api/v1/requests/${id}/confirmation-code`)).status, 403);
    const { code } = (await officer.get(`/api/v1/requests/${id}/confirmation-code`)).body;
    assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    assert.equal((await responder.get(`/api/v1/requests/${id}/confirmation-code`)).status, 404, 'the provider never holds the code');

    const misheard = code.slice(0, 2) + (code[2] === 'A' ? 'B' : 'A') + code.slice(3);
    const typo = await responder.post(`/api/v1/requests/${id}/actions/confirm-origin`, { code: misheard });
    assert.equal(typo.status, 400, 'a misheard character is told as a typo');
    assert.deepEqual(typo.body.errors, [{ field: '/code', problem: 'code-typo', params: {} }]);
    const wrong = await responder.post(`/api/v1/requests/${id}/actions/confirm-origin`, { code: newCode(12) });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.attemptsLeft, 4);
    assert.equal((await responder.get(`/api/v1/requests/${id}`)).body.state, 'confirmation-requested', 'a wrong code changes nothing');

    const confirmed = await act(responder, id, 'confirm-origin', { code: ` ${code.toLowerCase().replaceAll('-', ' ')} ` });
    assert.equal(confirmed.state, 'confirmed');
    assert.deepEqual(confirmed.events.at(-1).note, {}, 'the code is not kept in the record');

    const data = Buffer.from('account dark.lens.77: registered 2026-10-02 from 198.51.100.4, last login 2026-11-29T21:04Z from 198.51.100.4\n');
    const file = await addFile(responder, id, 'dark.lens.77.txt', data, 'text/plain');
    await act(responder, id, 'disclose', { files: [file.sha256] });
    const answered = await reaches(investigator, id, 'disclosed');
    assert.equal(answered.files[0].sha256, file.sha256);

    // Anyone holding the request can ask the issuing node whether it is genuine, and keep its signed answer.
    const check = await fetch(`${desk.node.url}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reference: id, digest: answered.digest }) });
    const verified: any = await check.json();
    assert.deepEqual([verified.genuine, verified.kind, verified.approved, verified.inForce, verified.issuer], [true, 'emergency', true, false, 'a-247']);
    assert.equal(verified.summary, undefined, 'nothing of what the request says');
    const { jwks } = (await desk.admin.get('/.well-known/entraide')).body;
    const key = jwks.keys.find((k: any) => k.kid === decodeProtectedHeader(verified.signed).kid);
    const { payload } = await compactVerify(verified.signed, await importJWK(key, 'EdDSA'));
    assert.equal(JSON.parse(new TextDecoder().decode(payload)).genuine, true);
    const forged = await fetch(`${desk.node.url}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reference: id, digest: 'f'.repeat(64) }) });
    assert.equal(((await forged.json()) as any).genuine, false);
  });

  test('after five wrong codes the request cannot be confirmed, even with the right one', async () => {
    const { id } = await approved();
    await reaches(responder, id, 'submitted');
    const { code } = (await officer.get(`/api/v1/requests/${id}/confirmation-code`)).body;
    for (let left = 4; left >= 0; left -= 1) {
      const wrong = await responder.post(`/api/v1/requests/${id}/actions/confirm-origin`, { code: newCode(12) });
      assert.equal(wrong.body.attemptsLeft, left);
    }
    const locked = await responder.post(`/api/v1/requests/${id}/actions/confirm-origin`, { code });
    assert.equal(locked.status, 409);
    assert.equal(locked.body.type, '/problems/confirmation-locked');
    const disclose = await responder.post(`/api/v1/requests/${id}/actions/disclose`, { files: ['0'.repeat(64)] });
    assert.equal(disclose.status, 409, 'nothing is disclosed on an unconfirmed emergency request');
  });

  test('a deadline that passes pages the desk once, addressed to the officer on call', async () => {
    const { id } = await approved();
    await reaches(responder, id, 'submitted');
    const pat = provider.node.database.db;
    assert.equal((await responder.call('PUT', '/api/v1/requests/on-call', { until: new Date(Date.now() + 8 * 3_600_000).toISOString() })).status, 204);
    const scheduler = new Requests(pat, provider.node.federation);
    await scheduler.runDueSteps(new Date(Date.now() + 5 * 3_600_000));
    await scheduler.runDueSteps(new Date(Date.now() + 6 * 3_600_000));
    const { items, onCall } = (await responder.get('/api/v1/requests/alerts')).body;
    assert.deepEqual(onCall.map((o: any) => o.username), ['pat']);
    const overdue = items.filter((a: any) => a.requestId === id && a.reason === 'overdue');
    assert.equal(overdue.length, 1, 'one alert per deadline');
    assert.equal(overdue[0].paged, 'pat');
    assert.equal((await responder.post(`/api/v1/requests/alerts/${overdue[0].id}/acknowledge`, {})).status, 204);
    assert.equal((await responder.get('/api/v1/requests/alerts')).body.items.some((a: any) => a.id === overdue[0].id), false);
    const far = await responder.call('PUT', '/api/v1/requests/on-call', { until: '2099-01-01T00:00:00Z' });
    assert.equal(far.status, 400);
  });
});
