import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Party, party } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { act, addFile, mutualTrust, reaches } from '../support/requests.ts';
import { MAX_STAGED_FILES } from '../../src/requests/files.ts';

const REQUEST = {
  kind: 'mla',
  fields: {
    caseReference: 'XA-CYB-2026-0200',
    offence: 'ransomware-extortion',
    summary: 'A ransomware group encrypted the networks of three hospitals in State A; the ransom was paid to addresses controlled from servers in State B.',
    link: 'The servers in State B hosted the leak site and the negotiation panel named in the ransom notes.',
    measures: ['search-and-seizure', 'obtain-stored-data'],
    assistance: 'Search the hosting company at the address given, image the two servers named and return the images with the chain of custody.',
    provisions: 'Criminal Code of State A, art. 323-1 and 312-10 (extortion): up to 10 years.',
    maxPenaltyYears: 10,
  },
};

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('mutual legal assistance between central authorities', () => {
  let caA: Party;
  let caB: Party;
  let officerA: Api;
  let prosecutorA: Api;
  let officerB: Api;

  before(async () => {
    [caA, caB] = await Promise.all([party('a-ca', 'XA', { kind: 'central_authority' }), party('b-ca', 'XB', { kind: 'central_authority' })]);
    await mutualTrust([caA, caB]);
    for (const p of [caA, caB]) p.node.federation.worker.start();
    officerA = await userWith(caA.admin, 'alice', ['central_authority']);
    prosecutorA = await userWith(caA.admin, 'paul', ['prosecutor']);
    officerB = await userWith(caB.admin, 'bruno', ['central_authority']);
  });
  after(() => Promise.all([caA, caB].map((p) => p?.node.close())));

  async function sent(): Promise<string> {
    const drafted = await officerA.post('/api/v1/requests', { ...REQUEST, executor: 'b-ca' });
    assert.equal(drafted.status, 201, drafted.text);
    await act(officerA, drafted.body.id, 'ask-approval');
    await act(prosecutorA, drafted.body.id, 'approve');
    await reaches(officerB, drafted.body.id, 'submitted');
    return drafted.body.id;
  }

  test('acknowledged, more information asked for and given, executed in two parts with the evidence returned', async () => {
    const id = await sent();
    await act(officerB, id, 'acknowledge', { reference: 'XB-MLA-2026-17' });
    const asked = await act(officerB, id, 'request-information', { questions: 'Give the IP addresses and the dates on which they were seen.' });
    assert.equal(asked.state, 'information-requested');
    const atA = await reaches(officerA, id, 'information-requested');
    assert.deepEqual(atA.actions, ['supply-information', 'withdraw']);
    assert.ok(atA.dueAt, 'the requesting State has a deadline to answer');

    const annex = Buffer.from('203.0.113.7 2026-03-02T01:12:00Z\n198.51.100.23 2026-03-02T01:40:00Z\n');
    const given = await addFile(officerA, id, 'addresses.txt', annex, 'text/plain');
    await act(officerA, id, 'supply-information', { answer: 'See the annex: the addresses and times of the connections.', files: [given.sha256] });
    const informed = await reaches(officerB, id, 'acknowledged');
    assert.deepEqual(informed.files.map((f: any) => f.name), ['addresses.txt']);

    const first = Buffer.from('server one disk image (a test stand-in)');
    const part = await addFile(officerB, id, 'server-1.img', first);
    await act(officerB, id, 'execute-partially', { summary: 'The first server was imaged on 12 October.', files: [part.sha256], remaining: 'The second server is being located.' });
    await reaches(officerA, id, 'partially-executed');
    const second = Buffer.from('server two disk image (a test stand-in)');
    const rest = await addFile(officerB, id, 'server-2.img', second);
    await act(officerB, id, 'execute', { summary: 'The second server was imaged on 2 November.', files: [rest.sha256] });

    const done = await reaches(officerA, id, 'executed');
    assert.deepEqual(done.files.map((f: any) => f.sha256).sort(), [sha256(annex), sha256(first), sha256(second)].sort());
    assert.deepEqual(done.events.map((e: any) => e.action), ['ask-approval', 'approve', 'acknowledge', 'request-information', 'supply-information', 'execute-partially', 'execute']);
    assert.deepEqual(done.actions, [], 'nothing more happens to an executed request');
  });

  test('a refusal gives its grounds from the treaty list; anything else is refused and changes nothing', async () => {
    const id = await sent();
    const vague = await officerB.post(`/api/v1/requests/${id}/actions/refuse`, { grounds: ['because'], reason: 'no' });
    assert.equal(vague.status, 400);
    assert.equal(vague.body.type, '/problems/invalid-fields');
    assert.equal((await officerB.get(`/api/v1/requests/${id}`)).body.state, 'submitted');
    await act(officerB, id, 'refuse', { grounds: ['no-dual-criminality'], reason: 'The conduct described is not an offence under the law of State B.' });
    const refused = await reaches(officerA, id, 'refused');
    assert.deepEqual(refused.events.at(-1).note.grounds, ['no-dual-criminality']);
  });

  test('a file named by a step must have been added first', async () => {
    const id = await sent();
    await act(officerB, id, 'acknowledge');
    const missing = await officerB.post(`/api/v1/requests/${id}/actions/execute`, { summary: 'done', files: ['0'.repeat(64)] });
    assert.equal(missing.status, 422);
    assert.equal(missing.body.type, '/problems/file-not-staged');
    assert.equal((await officerB.get(`/api/v1/requests/${id}`)).body.state, 'acknowledged');
  });

  test('files waiting to be sent are capped at what one step may send; the same file again is no new file', async () => {
    const id = await sent();
    for (let n = 0; n < MAX_STAGED_FILES; n += 1) await addFile(officerB, id, `page-${n}.txt`, Buffer.from(`page ${n}\n`), 'text/plain');
    await addFile(officerB, id, 'page-0.txt', Buffer.from('page 0\n'), 'text/plain');
    const over = await fetch(`${officerB.url}/api/v1/requests/${id}/files?name=one-more.txt`, {
      method: 'POST', headers: { authorization: `Bearer ${officerB.token}`, 'content-type': 'text/plain' }, body: 'one more\n',
    });
    assert.equal(over.status, 409);
    assert.equal(((await over.json()) as { type: string }).type, '/problems/too-many-files');
    const files = (await officerB.get(`/api/v1/requests/${id}`)).body.files;
    assert.equal(files.length, MAX_STAGED_FILES, 'nothing more was kept');
  });
});
