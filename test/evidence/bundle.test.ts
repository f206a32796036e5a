import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import yauzl from 'yauzl';
import { fromHex, leafHash, verifyInclusion } from '../../src/ledger/merkle.ts';
import { leafData } from '../../src/ledger/sources.ts';
import { verifyBundle } from '../../src/evidence/verify-bundle.ts';
import { entraide } from '../support/cli.ts';
import { type Party, party, settled } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { act, addFile, mutualTrust, reaches } from '../support/requests.ts';

const MLA = {
  kind: 'mla',
  fields: {
    caseReference: 'XA-CYB-2026-0300',
    offence: 'ransomware-extortion',
    summary: 'A ransomware group encrypted the networks of two clinics in State A; the leak site ran on servers in State B.',
    link: 'The servers in State B hosted the leak site named in the ransom notes.',
    measures: ['search-and-seizure', 'obtain-stored-data'],
    assistance: 'Image the server named and return the image with its chain of custody.',
    provisions: 'Criminal Code of State A, art. 323-1: up to 10 years.',
    maxPenaltyYears: 10,
  },
};

/** Downloads a bundle to a file of its own. */
async function download(api: Api, method: 'GET' | 'POST', path: string, dir: string): Promise<string> {
  const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${api.token}` } });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(response.headers.get('content-type'), 'application/zip');
  const file = join(dir, `${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
  return file;
}

/** Each entry of a ZIP with where its (stored or compressed) data lies in the file. */
async function entryData(file: string): Promise<{ name: string; start: number; length: number }[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const found: { name: string; start: number; length: number }[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      found.push({ name: entry.fileName, start: fileDataStart, length: entry.compressedSize });
    }
  } finally {
    zip.close();
  }
  return found;
}

function flipped(file: string, position: number, dir: string): string {
  const bytes = readFileSync(file);
  bytes[position] = bytes[position]! ^ 0x01;
  const copy = join(dir, `flipped-${position}.zip`);
  writeFileSync(copy, bytes);
  return copy;
}

const custody = async (api: Api, sha256: string): Promise<any[]> => (await api.get(`/api/v1/evidence/${sha256}/custody`)).body.records;
/** The acts on a file but its views, which every reading of its request adds (polls included). */
const acts = async (api: Api, sha256: string) => (await custody(api, sha256)).map((r) => r.act).filter((act) => act !== 'viewed');

describe('chain of custody and verifiable evidence bundles', () => {
  let caA: Party;
  let caB: Party;
  let officerA: Api;
  let prosecutorA: Api;
  let investigatorA: Api;
  let officerB: Api;
  let dir: string;
  let requestId: string;
  let caseId: string;
  let imageSha: string;
  let bundleA: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'entraide-bundles-'));
    [caA, caB] = await Promise.all([party('a-ca', 'XA', { kind: 'central_authority' }), party('b-ca', 'XB', { kind: 'central_authority' })]);
    await mutualTrust([caA, caB]);
    for (const p of [caA, caB]) p.node.federation.worker.start();
    officerA = await userWith(caA.admin, 'alice', ['central_authority']);
    prosecutorA = await userWith(caA.admin, 'paul', ['prosecutor']);
    investigatorA = await userWith(caA.admin, 'ines', ['investigator']);
    officerB = await userWith(caB.admin, 'bruno', ['central_authority']);

    const opened = await investigatorA.post('/api/v1/cases', { offence: 'ransomware-extortion', summary: 'Ransomware against two clinics.' });
    assert.equal(opened.status, 201, opened.text);
    caseId = opened.body.id;
    const drafted = await officerA.post('/api/v1/requests', { ...MLA, executor: 'b-ca', caseId });
    assert.equal(drafted.status, 201, drafted.text);
    requestId = drafted.body.id;
    await act(officerA, requestId, 'ask-approval');
    await act(prosecutorA, requestId, 'approve');
    await reaches(officerB, requestId, 'submitted');
    await act(officerB, requestId, 'acknowledge');
    const image = await addFile(officerB, requestId, 'server-1.img', Buffer.from('server one disk image (a test stand-in)\n'.repeat(200)));
    imageSha = image.sha256;
    await act(officerB, requestId, 'execute', { summary: 'The server was imaged on 12 October.', files: [imageSha] });
    await reaches(officerA, requestId, 'executed');
    const download = await fetch(`${officerA.url}/api/v1/requests/${requestId}/files/${imageSha}`, { headers: { authorization: `Bearer ${officerA.token}` } });
    assert.equal(download.status, 200);
    await download.arrayBuffer();
  });
  after(async () => {
    await Promise.all([caA, caB].map((p) => p?.node.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('each act on a file is recorded where it happens, on both nodes', async () => {
    // The step that executes the request closes it: its files are sealed on both sides.
    assert.deepEqual(await acts(officerB, imageSha), ['added', 'transferred', 'sealed']);
    assert.deepEqual(await acts(officerA, imageSha), ['received', 'sealed', 'downloaded']);
    const records = await custody(officerA, imageSha);
    assert.equal(records[0].peer, 'b-ca');
    assert.equal(records[0].actorName, 'b-ca:bruno');
    assert.equal(records[0].caseId, caseId, "the requesting node's case is recorded with the file");
    assert.equal(records[1].act, 'sealed');
    assert.equal(records[1].details.msgId, records[0].details.msgId, 'sealed by the step that carried the file');
    const viewed = records.filter((r) => r.act === 'viewed');
    assert.ok(viewed.length > 0 && viewed.every((r) => r.actorName === 'alice' && r.details.httpRequest), 'each reading of the request that shows the file');
    assert.equal(records.find((r) => r.act === 'downloaded').actorName, 'alice');
    const transferred = (await custody(officerB, imageSha)).find((r) => r.act === 'transferred');
    assert.equal(transferred.details.msgId, records[0].details.msgId, 'the same message is sent by one node and received by the other');
    const reads = await caA.node.database.db.query("SELECT actor_name FROM audit_log WHERE action = 'evidence.custody.read'");
    assert.equal(reads.rows.length, 2, 'each reading of a chain of custody is audited');
  });

  test('custody records cannot be changed or deleted, only given their place in the log', async () => {
    const db = caA.node.database.db;
    await assert.rejects(db.query("UPDATE custody_records SET purpose = 'something else'"), /cannot be changed or deleted/);
    await assert.rejects(db.query('DELETE FROM custody_records'), /cannot be changed or deleted/);
    await assert.rejects(db.query('TRUNCATE custody_records'), /cannot be changed or deleted/);
    await caA.admin.post('/api/v1/log/publish');
    await assert.rejects(db.query('UPDATE custody_records SET log_index = log_index + 1000'), /cannot be changed or deleted/);
  });

  test('custody records are leaves of the log, with inclusion proofs to the signed tree head', async () => {
    const head = (await caA.admin.post('/api/v1/log/publish')).body;
    const records = (await officerA.get(`/api/v1/evidence/${imageSha}/custody`)).body.records;
    for (const { logIndex, ...record } of records) {
      assert.equal(typeof logIndex, 'number');
      const leaf = leafHash(leafData('custody', record));
      const proven = (await caA.admin.get(`/api/v1/log/inclusion?index=${logIndex}&size=${head.size}`)).body;
      assert.equal(proven.leafHash, Buffer.from(leaf).toString('hex'));
      assert.ok(verifyInclusion(logIndex, head.size, leaf, proven.proof.map(fromHex), fromHex(head.rootHash)));
    }
  });

  test("a request's bundle verifies offline, with the command line, and records its export", async () => {
    bundleA = await download(officerA, 'GET', `/api/v1/requests/${requestId}/export`, dir);
    const outcome = await verifyBundle(bundleA);
    assert.deepEqual(outcome.failures, []);
    assert.deepEqual(outcome.counts.files, 1);
    assert.equal(outcome.counts.messages, 1, 'the message that carried the file, signed by its sender, with the receipt');
    assert.ok(outcome.counts.custodyRecords >= 3);
    assert.ok(outcome.counts.auditRecords > 0);
    assert.deepEqual(await acts(officerA, imageSha), ['received', 'sealed', 'downloaded', 'exported']);

    const fingerprint = (await caA.admin.get('/.well-known/entraide')).body.fingerprint;
    const passed = await entraide(['verify', bundleA, '--key', fingerprint, '--progress'], {});
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /verifies: 1 files/);
    assert.match(passed.stderr, /entries: 100%/, 'progress is shown when asked');
    const otherKey = (await caB.admin.get('/.well-known/entraide')).body.fingerprint;
    const refused = await entraide(['verify', bundleA, '--key', otherKey], {});
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /FAIL keys\.json: fingerprint: the bundle is signed with the key/);
  });

  test("the sender's bundle holds the message it sent and the receiver's signed receipt", async () => {
    const { rows } = await caB.node.database.db.query<{ msg_id: string }>("SELECT details->>'msgId' AS msg_id FROM custody_records WHERE act = 'transferred'");
    await settled(caB.node, rows[0]!.msg_id, ['delivered']);
    const bundle = await download(officerB, 'GET', `/api/v1/requests/${requestId}/export`, dir);
    const outcome = await verifyBundle(bundle);
    assert.deepEqual(outcome.failures, []);
    assert.deepEqual(outcome.notes.filter((n) => n.includes('not acknowledged')), []);
    assert.equal(outcome.counts.messages, 1);
  });

  test("a case's bundle holds the files of its requests", async () => {
    const bundle = await download(investigatorA, 'POST', `/api/v1/cases/${caseId}/export`, dir);
    const outcome = await verifyBundle(bundle);
    assert.deepEqual(outcome.failures, []);
    assert.equal(outcome.counts.files, 1);
    const jsonld = await entryText(bundle, 'case.jsonld');
    const graph = JSON.parse(jsonld)['@graph'] as any[];
    const file = graph.find((node) => node['@type'] === 'uco-observable:File');
    assert.equal(file['uco-core:hasFacet'][1]['uco-observable:hash'][0]['uco-types:hashValue']['@value'], imageSha);
    assert.ok(graph.some((node) => node['@type'] === 'case-investigation:ProvenanceRecord'));
    assert.ok(graph.filter((node) => node['@type'] === 'uco-action:Action').every((node) => node['uco-action:performer'] && node['uco-action:startTime']));
  });

  test('one byte changed in any entry fails the check that names that entry, in the command line too', async () => {
    for (const entry of await entryData(bundleA)) {
      const copy = flipped(bundleA, entry.start + Math.floor(entry.length / 2), dir);
      const outcome = await verifyBundle(copy);
      assert.ok(outcome.failures.some((f) => f.where === entry.name), `${entry.name}: ${JSON.stringify(outcome.failures)}`);
      rmSync(copy);
    }
    const image = (await entryData(bundleA)).find((entry) => entry.name.startsWith('files/'))!;
    const cli = await entraide(['verify', flipped(bundleA, image.start, dir)], {});
    assert.equal(cli.code, 1);
    assert.ok(cli.stdout.includes(`FAIL ${image.name}: SHA-256 of the content`), cli.stdout);
  });

  test('one byte changed anywhere in the ZIP makes it fail', async () => {
    const size = readFileSync(bundleA).length;
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: 1, max: 255 }), async (position, mask) => {
      const bytes = readFileSync(bundleA);
      bytes[position] = bytes[position]! ^ mask;
      const copy = join(dir, 'any-byte.zip');
      writeFileSync(copy, bytes);
      const outcome = await verifyBundle(copy);
      assert.ok(outcome.failures.length > 0, `byte ${position} changed unseen`);
    }), { numRuns: 150 });
  });

  test('bad input gets a problem and exports nothing', async () => {
    const malformed = await officerA.get('/api/v1/requests/not-a-uuid/export');
    assert.equal(malformed.status, 400);
    assert.match(malformed.headers.get('content-type') ?? '', /application\/problem\+json/);
    const unknown = await officerA.get('/api/v1/requests/00000000-0000-4000-8000-000000000000/export');
    assert.equal(unknown.status, 404);
    const bare = await officerA.post('/api/v1/requests', { ...MLA, executor: 'b-ca' });
    const empty = await officerA.get(`/api/v1/requests/${bare.body.id}/export`);
    assert.equal(empty.status, 409);
    assert.equal(empty.body.type, '/problems/no-evidence');
    assert.equal((await officerA.get('/api/v1/evidence/xyz/custody')).status, 400);
    assert.equal((await officerA.get(`/api/v1/evidence/${'0'.repeat(64)}/custody`)).status, 404);
    const analyst = await userWith(caA.admin, 'ana', ['analyst']);
    assert.equal((await analyst.get(`/api/v1/requests/${requestId}/export`)).status, 403);
    assert.equal((await analyst.get(`/api/v1/evidence/${imageSha}/custody`)).status, 403);
    const exports = await caA.node.database.db.query("SELECT count(*)::int AS n FROM custody_records WHERE act = 'exported'");
    assert.equal(exports.rows[0]!.n, 2, 'only the two exports that succeeded were recorded');
    const notABundle = join(dir, 'not-a-bundle.zip');
    writeFileSync(notABundle, 'hello');
    const cli = await entraide(['verify', notABundle], {});
    assert.equal(cli.code, 1);
    assert.match(cli.stdout, /FAIL bundle: ZIP end record/);
  });
});

async function entryText(file: string, name: string): Promise<string> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName !== name) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    throw new Error(`${name} is not in ${file}`);
  } finally {
    zip.close();
  }
}
