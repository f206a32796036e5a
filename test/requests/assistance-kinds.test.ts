import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Party, party } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { act, addFile, mutualTrust, reaches } from '../support/requests.ts';
import { Requests } from '../../src/requests/service.ts';

const WALLET = { kind: 'wallet', chain: 'bitcoin', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' };

describe('spontaneous information, asset freezing and extradition consultation between central authorities', () => {
  let a: Party;
  let b: Party;
  let officerA: Api;
  let prosecutorA: Api;
  let officerB: Api;

  before(async () => {
    [a, b] = await Promise.all([party('a-ca', 'XA', { kind: 'central_authority' }), party('b-ca', 'XB', { kind: 'central_authority' })]);
    await mutualTrust([a, b]);
    for (const p of [a, b]) p.node.federation.worker.start();
    officerA = await userWith(a.admin, 'alice', ['central_authority']);
    prosecutorA = await userWith(a.admin, 'paul', ['prosecutor']);
    officerB = await userWith(b.admin, 'bruno', ['central_authority', 'prosecutor']);
  });
  after(() => Promise.all([a, b].map((p) => p?.node.close())));

  test('spontaneous information: the offer states its conditions; the information follows only once they are accepted', async () => {
    const drafted = await officerA.post('/api/v1/requests', {
      kind: 'spontaneous', executor: 'b-ca',
      fields: {
        offence: 'phishing', summary: 'A phishing kit seized in State A targets the customers of two banks of State B.', conditions: ['confidential', 'stated-purpose-only'],
        identifiers: [{ kind: 'domain', value: 'secure-login-bank.example' }],
      },
    });
    assert.equal(drafted.status, 201, drafted.text);
    const id = drafted.body.id;
    await act(officerA, id, 'offer');
    const offered = await reaches(officerB, id, 'offered');
    assert.deepEqual(offered.fields.conditions, ['confidential', 'stated-purpose-only']);
    assert.deepEqual(offered.files, [], 'nothing but the offer before the conditions are accepted');
    assert.deepEqual(offered.actions, ['accept-conditions', 'decline']);
    await act(officerB, id, 'accept-conditions', { comment: 'State B accepts both conditions.' });
    await reaches(officerA, id, 'accepted');
    const kit = await addFile(officerA, id, 'kit-config.txt', Buffer.from('target=secure-login-bank.example\nexfil=bot123:token\n'));
    await act(officerA, id, 'provide', { information: 'The kit sends the credentials to the bot named in the file.', files: [kit.sha256] });
    const provided = await reaches(officerB, id, 'provided');
    assert.equal(provided.files[0].sha256, kit.sha256);
  });

  test('freezing: approved, traced, frozen until a date, and lapsed by the node when that date passes', async () => {
    const drafted = await officerA.post('/api/v1/requests', {
      kind: 'freezing', executor: 'b-ca',
      fields: {
        offence: 'ransomware-extortion', summary: 'The ransom paid by a hospital went to the wallet below, then to an exchange in State B.',
        link: 'The ransom note names the wallet; the exchange received the funds from it.', identifiers: [WALLET], measures: ['trace', 'freeze'],
        estimatedValue: { amount: 12.5, currency: 'BTC' },
      },
    });
    assert.equal(drafted.status, 201, drafted.text);
    const id = drafted.body.id;
    await act(officerA, id, 'ask-approval');
    const sent = await act(prosecutorA, id, 'approve');
    assert.equal(sent.approval.official, 'paul');
    await reaches(officerB, id, 'submitted');
    await act(officerB, id, 'report-tracing', { findings: 'The funds reached two accounts at an exchange in State B.' });
    const bad = await officerB.post(`/api/v1/requests/${id}/actions/freeze`, { frozen: [], until: '2027-05-31' });
    assert.equal(bad.status, 400, 'a freeze says what it froze');
    await act(officerB, id, 'freeze', { frozen: [{ identifier: 'exchange account 4411', amount: 11.9, currency: 'BTC' }], until: '2027-05-31' });
    const frozen = await reaches(officerA, id, 'frozen');
    assert.equal(frozen.dueAt, '2027-05-31T23:59:59.000Z');
    await new Requests(b.node.database.db, b.node.federation).runDueSteps(new Date('2027-06-01T00:00:00Z'));
    await reaches(officerA, id, 'lapsed');
  });

  test('extradition: the State minded to refuse consults first, hears the opinion, and decides with its reasons', async () => {
    const drafted = await officerB.post('/api/v1/requests', {
      kind: 'extradition', executor: 'a-ca',
      fields: {
        extraditionReference: 'XA-EXT-2026-3', personReference: 'P-2026-118', offence: 'ransomware-extortion',
        summary: 'State A asks for the extradition of a national of State B for ransomware attacks on hospitals.',
        grounds: ['nationality'], reasons: 'The constitution of State B forbids the extradition of its nationals.', willProsecute: true,
      },
    });
    assert.equal(drafted.status, 201, drafted.text);
    const id = drafted.body.id;
    await act(officerB, id, 'consult');
    await reaches(officerA, id, 'consulting');
    const evidence = await addFile(officerA, id, 'evidence-summary.pdf', Buffer.from('%PDF-1.7 a test stand-in'), 'application/pdf');
    await act(officerA, id, 'give-opinion', { opinion: 'State A asks State B to prosecute and offers its evidence.', files: [evidence.sha256] });
    await reaches(officerB, id, 'answered');
    const wrong = await officerB.post(`/api/v1/requests/${id}/actions/decide`, { decision: 'maybe', reasons: 'x' });
    assert.equal(wrong.status, 400);
    await act(officerB, id, 'decide', { decision: 'prosecuted-domestically', reasons: 'Refused on the ground of nationality; State B prosecutes on the evidence of State A.' });
    const decided = await reaches(officerA, id, 'decided');
    assert.equal(decided.events.at(-1).note.decision, 'prosecuted-domestically');
  });
});
