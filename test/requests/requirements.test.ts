import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compactVerify, importJWK } from 'jose';
import { OFFENCE_IDS } from '../../src/requests/offences.ts';
import { type Party, party, trust } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** State B's 24/7 point: English or French, a case number and the link between facts and data, 90 days at most, and no copyright cases. */
const B_REQUIREMENTS = {
  languages: ['en', 'fr'],
  kinds: { preservation: { requiredFacts: ['caseReference', 'link'], maxPeriodDays: 90, acknowledgeWithinHours: 12 } },
  offences: OFFENCE_IDS.filter((id) => id !== 'commercial-copyright-infringement'),
  contact: '+99 555 0100, day and night',
};

const DEFECTIVE = {
  offence: 'commercial-copyright-infringement',
  summary: 'Films sold on a streaming site hosted in State B.',
  identifiers: [{ kind: 'domain', value: 'films-cheap.example' }],
  dataCategories: ['subscriber', 'content'],
  period: { from: daysAgo(200), to: daysAgo(1) },
  language: 'ru',
};

describe("a request is checked against the requirements the receiving node publishes, and cannot leave until it meets them", () => {
  let a: Party;
  let b: Party;
  let provider: Party;
  let officer: Api;

  before(async () => {
    [a, b, provider] = await Promise.all([party('a-247', 'XA'), party('b-247', 'XB'), party('provider', 'XB', { kind: 'service_provider' })]);
    for (const peer of [b, provider]) {
      await trust(a, peer);
      await trust(peer, a);
    }
    a.node.federation.worker.start();
    officer = await userWith(a.admin, 'omar', ['contact_point']);
    assert.equal((await b.admin.call('PUT', '/api/v1/requests/profile', B_REQUIREMENTS)).status, 200);
    const published = await provider.admin.call('PUT', '/api/v1/requests/profile', { languages: ['en'], kinds: {}, retentionDays: { subscriber: 365, traffic: 30 } });
    assert.equal(published.status, 200, published.text);
  });
  after(() => Promise.all([a, b, provider].map((p) => p?.node.close())));

  test('the profile is published signed by the node, and read by peers with its version', async () => {
    const jws = await fetch(`${b.node.url}/.well-known/entraide/profile`);
    assert.equal(jws.headers.get('content-type'), 'application/jose');
    const { jwks } = (await b.admin.get('/.well-known/entraide')).body;
    const signing = jwks.keys.find((key: { use: string }) => key.use === 'sig');
    const { payload, protectedHeader } = await compactVerify(await jws.text(), await importJWK(signing, 'EdDSA'));
    assert.equal(protectedHeader.typ, 'entraide-profile+jws');
    const profile = JSON.parse(new TextDecoder().decode(payload));
    assert.deepEqual([profile.nodeId, profile.state, profile.version, profile.languages], ['b-247', 'XB', 1, ['en', 'fr']]);
    const read = await officer.get('/api/v1/requests/profiles/b-247');
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.kinds.preservation.maxPeriodDays, 90);
  });

  test('each defect is named beside its field; the request stays a draft and nothing leaves', async () => {
    const id = (await officer.post('/api/v1/requests', { kind: 'preservation', executor: 'b-247', fields: DEFECTIVE })).body.id;
    const checked = await officer.get(`/api/v1/requests/${id}/check`);
    assert.equal(checked.status, 200, checked.text);
    const expected = [
      ['/language', 'language-not-accepted'],
      ['/caseReference', 'fact-required'],
      ['/link', 'fact-required'],
      ['/offence', 'no-dual-criminality'],
      ['/proportionality', 'proportionality-missing'],
      ['/period', 'period-too-broad'],
    ];
    assert.deepEqual(checked.body.problems.map((p: any) => [p.field, p.problem]), expected);
    assert.deepEqual(checked.body.warnings.map((w: any) => w.problem), ['coercive-measure']);

    const outbox = async () => (await a.node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    const queued = await outbox();
    const refused = await officer.post(`/api/v1/requests/${id}/actions/submit`, {});
    assert.equal(refused.status, 422);
    assert.equal(refused.body.type, '/problems/requirements-not-met');
    assert.deepEqual(refused.body.errors.map((p: any) => [p.field, p.problem]), expected);
    assert.equal((await officer.get(`/api/v1/requests/${id}`)).body.state, 'draft');
    assert.equal(await outbox(), queued);

    const fixed = {
      ...DEFECTIVE,
      offence: 'computer-related-fraud',
      caseReference: 'XA-2026-118',
      link: 'The domain took the payments; its subscriber is the seller.',
      proportionality: 'Only the messages of the seller account, for the weeks of the sales.',
      period: { from: daysAgo(60), to: daysAgo(1) },
      language: 'fr',
    };
    assert.equal((await officer.call('PUT', `/api/v1/requests/${id}`, { fields: fixed })).status, 200);
    assert.deepEqual((await officer.get(`/api/v1/requests/${id}/check`)).body.problems, []);
    const sent = await officer.post(`/api/v1/requests/${id}/actions/submit`, {});
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.body.events.at(-1).note.profileVersion, 1, 'the request says which requirements it met');
  });

  test("data older than the provider keeps is refused; a period partly past it is a warning", async () => {
    const draft = async (from: number, to: number) =>
      (await officer.post('/api/v1/requests', { kind: 'preservation', executor: 'provider', fields: { ...DEFECTIVE, offence: 'phishing', language: 'en', dataCategories: ['traffic'], period: { from: daysAgo(from), to: daysAgo(to) } } })).body.id;
    const gone = await officer.get(`/api/v1/requests/${await draft(90, 45)}/check`);
    assert.deepEqual(gone.body.problems.map((p: any) => [p.field, p.problem, p.params.days]), [['/period/to', 'older-than-retention', 30]]);
    const partly = await officer.get(`/api/v1/requests/${await draft(40, 2)}/check`);
    assert.deepEqual(partly.body.problems, []);
    assert.deepEqual(partly.body.warnings.map((w: any) => w.problem), ['partly-past-retention']);
  });

  test('a profile that is not valid is refused and the published version stays', async () => {
    const bad = await b.admin.call('PUT', '/api/v1/requests/profile', { languages: ['xx'], kinds: {} });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.type, '/problems/invalid-profile');
    assert.equal((await b.admin.get('/api/v1/requests/profile')).body.version, 1);
    const notAdmin = await userWith(b.admin, 'bea', ['contact_point']);
    assert.equal((await notAdmin.call('PUT', '/api/v1/requests/profile', B_REQUIREMENTS)).status, 403);
  });

  test("a draft's check reuses the requirements fetched in the last minutes; asking for the profile fetches it afresh", async () => {
    const id = (await officer.post('/api/v1/requests', { kind: 'preservation', executor: 'b-247', fields: DEFECTIVE })).body.id;
    assert.equal((await officer.get(`/api/v1/requests/${id}/check`)).body.profileVersion, 1);
    const stricter = { ...B_REQUIREMENTS, kinds: { preservation: { ...B_REQUIREMENTS.kinds.preservation, requiredFacts: ['caseReference', 'link', 'provider'] } } };
    assert.equal((await b.admin.call('PUT', '/api/v1/requests/profile', stricter)).status, 200);
    assert.equal((await officer.get(`/api/v1/requests/${id}/check`)).body.profileVersion, 1, 'the copy fetched a moment ago is reused');
    assert.equal((await officer.get('/api/v1/requests/profiles/b-247')).body.version, 2);
    const checked = (await officer.get(`/api/v1/requests/${id}/check`)).body;
    assert.equal(checked.profileVersion, 2);
    assert.ok(checked.problems.some((p: any) => p.field === '/provider' && p.problem === 'fact-required'));
  });

  test('when the receiving node cannot be reached, the requirements last verified still apply', async () => {
    await officer.get('/api/v1/requests/profiles/b-247');
    await b.node.close();
    const id = (await officer.post('/api/v1/requests', { kind: 'preservation', executor: 'b-247', fields: DEFECTIVE })).body.id;
    const checked = await officer.get(`/api/v1/requests/${id}/check`);
    assert.equal(checked.status, 200, checked.text);
    assert.equal(checked.body.profileVersion, 2);
    assert.ok(checked.body.problems.length > 0);
  });
});
