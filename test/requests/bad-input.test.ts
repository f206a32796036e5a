import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { KINDS, KIND_NAMES } from '../../src/requests/kinds.ts';
import { type Party, party } from '../support/federation.ts';
import { type Api, type ApiResponse, userWith } from '../support/node.ts';
import { act, mutualTrust, reaches } from '../support/requests.ts';

/** Any JSON a client might send: wrong types, unknown keys, huge or odd strings. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const oddString = fc.oneof(fc.string({ maxLength: 50 }), fc.string({ minLength: 3000, maxLength: 9000 }), fc.constantFrom('', ' ', '\u202e', '<script>', '../../etc/passwd'));
const actions = [...new Set(Object.values(KINDS).flatMap((kind) => kind.machine.transitions.map((t) => t.action)))];

/** A refusal as the API gives it: a 4xx problem document with a title, never a server error. */
function refused(answer: ApiResponse, what: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
  assert.equal(typeof answer.body.title, 'string', what);
}

describe('bad input to requests is refused with a problem and changes nothing', () => {
  let a: Party;
  let b: Party;
  let officer: Api;
  let prosecutor: Api;
  let answerer: Api;
  let mla: any;

  const count = async () => Number((await a.node.database.db.query<{ n: string }>('SELECT count(*) AS n FROM requests')).rows[0]!.n);

  before(async () => {
    [a, b] = await Promise.all([party('a-ca', 'XA', { kind: 'central_authority' }), party('b-ca', 'XB', { kind: 'central_authority' })]);
    await mutualTrust([a, b]);
    for (const p of [a, b]) p.node.federation.worker.start();
    officer = await userWith(a.admin, 'alice', ['central_authority', 'investigator', 'contact_point']);
    prosecutor = await userWith(a.admin, 'paul', ['prosecutor']);
    answerer = await userWith(b.admin, 'bruno', ['central_authority']);
    const drafted = await officer.post('/api/v1/requests', {
      kind: 'mla', executor: 'b-ca',
      fields: {
        offence: 'phishing', summary: 'A phishing campaign.', link: 'The domain hosted the kit.', measures: ['obtain-stored-data'], assistance: 'Obtain the hosting records.',
        provisions: 'Criminal Code art. 1.', maxPenaltyYears: 5,
      },
    });
    assert.equal(drafted.status, 201, drafted.text);
    await act(officer, drafted.body.id, 'ask-approval');
    await act(prosecutor, drafted.body.id, 'approve');
    mla = await reaches(answerer, drafted.body.id, 'submitted');
  });
  after(() => Promise.all([a, b].map((p) => p?.node.close())));

  test('random fields for every kind of draft: refused, nothing stored', async () => {
    const before = await count();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...KIND_NAMES), fc.dictionary(fc.constantFrom('offence', 'summary', 'identifiers', 'period', 'measures', 'risk', 'deadlineHours', 'grounds', 'extra'), fc.oneof(anyJson, oddString)), async (kind, fields) => {
        const answer = await officer.post('/api/v1/requests', { kind, executor: 'b-ca', fields });
        refused(answer, `${kind} with ${JSON.stringify(fields).slice(0, 200)}`);
      }),
      { numRuns: 100 },
    );
    assert.equal(await count(), before);
  });

  test('random steps and notes on a request: refused unless allowed and complete, and the state does not move', async () => {
    const id = mla.id;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...actions, 'approve ', 'x', 'DROP TABLE'), fc.oneof(anyJson, fc.dictionary(fc.constantFrom('grounds', 'reason', 'files', 'code', 'to', 'summary'), fc.oneof(anyJson, oddString))), async (action, note) => {
        const answer = await answerer.call('POST', `/api/v1/requests/${id}/actions/${encodeURIComponent(action)}`, note);
        // A complete, allowed step may pass now and then; what matters is that nothing else does.
        if (answer.status === 200) return;
        refused(answer, `${action} with ${JSON.stringify(note).slice(0, 200)}`);
      }),
      { numRuns: 100 },
    );
    const seen = (await answerer.get(`/api/v1/requests/${id}`)).body;
    const moves = seen.events.filter((e: any) => e.actorNode === 'b-ca').length;
    assert.equal(seen.seq, mla.seq + moves, 'only the steps that passed were recorded');
  });

  test('roles: nobody acts outside their role, on either side', async () => {
    const analyst = await userWith(a.admin, 'ana', ['analyst']);
    refused(await analyst.post('/api/v1/requests', { kind: 'mla', executor: 'b-ca', fields: {} }), 'an analyst drafting');
    const investigatorB = await userWith(b.admin, 'ivo', ['investigator']);
    refused(await investigatorB.post(`/api/v1/requests/${mla.id}/actions/acknowledge`, {}), 'an investigator acknowledging an MLA request');
    refused(await officer.post(`/api/v1/requests/${mla.id}/actions/acknowledge`, {}), "the requester taking the executor's step");
    refused(await answerer.get('/api/v1/requests/alerts'), 'a central authority reading the 24/7 desk');
  });
});
