import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { verifyBundle } from '../../src/evidence/verify-bundle.ts';
import { DEMO_NODES, DEMO_PASSWORD } from '../../src/node/demo.ts';
import { CLI, entraide, exited } from '../support/cli.ts';
import { Api } from '../support/node.ts';
import { act, addFile, reaches } from '../support/requests.ts';

const urlOf = (nodeId: string) => `http://127.0.0.1:${4100 + DEMO_NODES.findIndex((node) => node.nodeId === nodeId)}`;
const signIn = (nodeId: string, username: string) => new Api(urlOf(nodeId)).login(username, DEMO_PASSWORD);

const FACTS = {
  caseReference: 'XA-CYB-2026-0777',
  offence: 'computer-related-fraud',
  summary: 'Victims in State A paid for goods never delivered; the shop was run from a mailbox held by the provider in State B.',
  identifiers: [{ kind: 'email', value: 'shop@mail.example' }],
  period: { from: '2026-09-01', to: '2026-09-30' },
};
const SUBSCRIBER_DATA = Buffer.from('name,created,last_login_ip\nShop Owner,2025-12-01,203.0.113.7\n');

/** Starts `entraide demo` as `npm start` does, and waits for it to say the seven nodes are up. */
async function startDemo(data: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'demo', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Stop with Ctrl-C')) {
        clearInterval(timer);
        resolve();
      }
      if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`the demo stopped:\n${output}`));
      }
    }, 200);
  });
  return { child, output: () => output };
}

// The demo always runs on embedded databases on fixed ports: started once for the whole file, on PGlite only.
describe('the demo federation that npm start brings up', { skip: Boolean(process.env.DATABASE_URL) && 'runs on PGlite only', timeout: 10 * 60_000 }, () => {
  let data: string;
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;

  before(async () => {
    data = mkdtempSync(join(tmpdir(), 'entraide-demo-'));
    demo = await startDemo(data);
  });
  after(async () => {
    if (demo) {
      demo.child.kill('SIGTERM');
      await exited(demo.child);
    }
    rmSync(data, { recursive: true, force: true });
  });

  test('seven nodes on loopback from port 4100, trusting each other, with an account for every role', async () => {
    assert.match(demo!.output(), /a-police\s+XA\s+authority\s+http:\/\/127\.0\.0\.1:4100\/login/);
    for (const [index, node] of DEMO_NODES.entries()) {
      const url = `http://127.0.0.1:${4100 + index}`;
      const metadata = (await new Api(url).get('/.well-known/entraide')).body;
      assert.equal(metadata.nodeId, node.nodeId);
      assert.equal(metadata.state, node.state);
    }
    const police = await new Api('http://127.0.0.1:4100').login('admin', DEMO_PASSWORD);
    const peers = (await police.get('/api/v1/federation/peers')).body.map((p: { nodeId: string }) => p.nodeId);
    assert.deepEqual(peers.sort(), DEMO_NODES.map((n) => n.nodeId).filter((id) => id !== 'a-police').sort());
    await new Api('http://127.0.0.1:4106').login('provider-responder', DEMO_PASSWORD);

    // Each node publishes its State's (sample) requirements, which peers fetch signed.
    const investigator = await new Api('http://127.0.0.1:4100').login('investigator', DEMO_PASSWORD);
    const provider = (await investigator.get('/api/v1/requests/profiles/provider')).body;
    assert.deepEqual([provider.version, provider.directDisclosure, provider.notifyNode], [1, ['subscriber'], 'b-central']);

    // State A's portal shows sample advisories and good practices, marked as samples.
    assert.match(await (await fetch('http://127.0.0.1:4100/advisories', { headers: { 'accept-language': 'en' } })).text(), /Sample: fake parcel messages/);
    assert.match(await (await fetch('http://127.0.0.1:4100/practices?q=password', { headers: { 'accept-language': 'en' } })).text(), /Sample: strong <mark>passwords<\/mark>/);

    // A message from State A's police reaches the provider, with its receipt.
    const { msgId } = (await police.post('/api/v1/federation/peers/provider/ping')).body;
    for (let i = 0; i < 100; i += 1) {
      const log = (await police.get('/api/v1/federation/messages?direction=sent')).body.items;
      if (log.find((m: { msgId: string; state: string }) => m.msgId === msgId && m.state === 'delivered')) return;
      await new Promise((done) => setTimeout(done, 100));
    }
    assert.fail('the message to the provider was not delivered');
  });

  test("the police units share: a wallet and a TLP:GREEN indicator reported in State B reach State A, the TLP:RED one stays home", async () => {
    const TAXII = 'application/taxii+json;version=2.1';
    const [investigatorB, analystB, investigatorA, analystA] = await Promise.all([
      signIn('b-police', 'investigator'), signIn('b-police', 'analyst'), signIn('a-police', 'investigator'), signIn('a-police', 'analyst'),
    ]);
    const taxii = (api: Api, nodeId: string, path: string, body?: unknown) => fetch(`${urlOf(nodeId)}/taxii2/${nodeId}${path}`, {
      method: body ? 'POST' : 'GET', body: body ? JSON.stringify(body) : undefined,
      headers: { accept: TAXII, authorization: `Bearer ${api.token}`, ...(body ? { 'content-type': TAXII } : {}) },
    });
    const wallet = '0x52908400098527886e0f7030069857d2e4169ee7';
    assert.equal((await investigatorB.post('/api/v1/wallets', { address: wallet, abuseType: 'scam' })).status, 201);
    const { collections } = await (await taxii(analystB, 'b-police', '/collections/')).json() as { collections: { id: string; title: string }[] };
    const indicators = collections.find((collection) => collection.title === 'Indicators')!;
    const indicator = (tlp: string, host: string) => ({
      type: 'indicator', spec_version: '2.1', id: `indicator--${crypto.randomUUID()}`, created: '2026-11-01T10:00:00.000Z', modified: '2026-11-01T10:00:00.000Z',
      pattern: `[domain-name:value = '${host}']`, pattern_type: 'stix', valid_from: '2026-11-01T10:00:00.000Z', object_marking_refs: [tlp],
    });
    const green = indicator('marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', 'fake-shop.example');
    const red = indicator('marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', 'informant.example');
    const posted = await taxii(analystB, 'b-police', `/collections/${indicators.id}/objects/`, { objects: [green, red] });
    assert.equal(posted.status, 202, await posted.clone().text());

    for (let attempt = 0; ; attempt += 1) {
      const lookup = (await investigatorA.get(`/api/v1/wallets/lookup?address=${wallet}`)).body;
      const fromB = (await (await taxii(analystA, 'a-police', '/collections/')).json() as { collections: { id: string; title: string }[] }).collections
        .find((collection) => collection.title.startsWith('State B') && collection.title.endsWith(': Indicators'));
      const objects = fromB ? ((await (await taxii(analystA, 'a-police', `/collections/${fromB.id}/objects/`)).json()) as { objects?: { id: string }[] }).objects ?? [] : [];
      if (lookup.matches?.some((match: { source: string }) => match.source === 'b-police') && objects.some((object) => object.id === green.id)) {
        assert.ok(!objects.some((object) => object.id === red.id), 'TLP:RED stays in State B');
        break;
      }
      assert.ok(attempt < 150, `not shared in time: ${JSON.stringify(lookup)} ${JSON.stringify(objects.map((object) => object.id))}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  });

  describe("the preservation-and-disclosure journey ends in a bundle that verifies offline", () => {
    let caseId: string;
    let bundle: string;

    before(async () => {
      const [investigator, prosecutor, desk247A, desk247B, responder] = await Promise.all([
        signIn('a-police', 'investigator'), signIn('a-police', 'prosecutor'), signIn('a-247', 'contact-point'),
        signIn('b-247', 'contact-point'), signIn('provider', 'provider-responder'),
      ]);
      const opened = await investigator.post('/api/v1/cases', { offence: FACTS.offence, summary: FACTS.summary });
      assert.equal(opened.status, 201, opened.text);
      caseId = opened.body.id;

      // Preservation: through both 24/7 points to the provider, who preserves the mailbox's data.
      const preservation = await investigator.post('/api/v1/requests', {
        kind: 'preservation', executor: 'a-247', requestedState: 'XB', caseId,
        fields: { ...FACTS, dataCategories: ['subscriber', 'traffic'], provider: 'Example Mail' },
      });
      assert.equal(preservation.status, 201, preservation.text);
      const id = preservation.body.id;
      await act(investigator, id, 'submit');
      await reaches(desk247A, id, 'submitted');
      await act(desk247A, id, 'acknowledge');
      const abroad = (await act(desk247A, id, 'forward', { to: 'b-247' })).forwarded[0].id;
      await reaches(desk247B, abroad, 'submitted');
      const atProvider = (await act(desk247B, abroad, 'forward', { to: 'provider' })).forwarded[0].id;
      await reaches(responder, atProvider, 'submitted');
      await act(responder, atProvider, 'acknowledge');
      await act(responder, atProvider, 'confirm-preserved', { preservedUntil: '2027-06-30', providerReference: 'EM-PRES-0777' });
      await reaches(investigator, id, 'preserved');

      // Disclosure: an order approved by a prosecutor, straight to the provider, answered with the data as a file.
      const order = await investigator.post('/api/v1/requests', {
        kind: 'disclosure', executor: 'provider', caseId,
        fields: { ...FACTS, link: 'The mailbox received the orders and the payment instructions.', dataCategories: ['subscriber'] },
      });
      assert.equal(order.status, 201, order.text);
      await act(investigator, order.body.id, 'ask-approval');
      await act(prosecutor, order.body.id, 'approve');
      await reaches(responder, order.body.id, 'submitted');
      const file = await addFile(responder, order.body.id, 'subscriber.csv', SUBSCRIBER_DATA, 'text/csv');
      await act(responder, order.body.id, 'disclose', { files: [file.sha256] });
      await reaches(investigator, order.body.id, 'disclosed');

      bundle = join(data, 'case.zip');
      const exported = await entraide(['export', '--node', urlOf('a-police'), '--username', 'investigator', '--case', caseId, '--out', bundle], {}, DEMO_PASSWORD);
      assert.equal(exported.code, 0, exported.stdout + exported.stderr);
      assert.match(exported.stdout, /exported case .* bytes\)/);
    });

    test("the case's bundle, exported with the command line, verifies offline against the node's fingerprint", async () => {
      const { fingerprint } = (await new Api(urlOf('a-police')).get('/.well-known/entraide')).body;
      const verified = await entraide(['verify', bundle, '--key', fingerprint], {});
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      assert.match(verified.stdout, /verifies: 1 files, \d+ custody records, \d+ audit records, 1 messages/);
      const outcome = await verifyBundle(bundle);
      assert.deepEqual(outcome.failures, []);
    });

    test('one byte changed anywhere makes it fail, with the command line too', async () => {
      const bytes = readFileSync(bundle);
      const copy = join(data, 'changed.zip');
      await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (position, mask) => {
        const changed = Buffer.from(bytes);
        changed[position] = changed[position]! ^ mask;
        writeFileSync(copy, changed);
        assert.ok((await verifyBundle(copy)).failures.length > 0, `byte ${position} changed unseen`);
      }), { numRuns: 100 });
      const changed = Buffer.from(bytes);
      const at = changed.indexOf(SUBSCRIBER_DATA);
      assert.ok(at > 0, 'the disclosed file is stored as it is in the ZIP');
      changed[at] = changed[at]! ^ 0x01;
      writeFileSync(copy, changed);
      const refused = await entraide(['verify', copy], {});
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /FAIL files\/.*: SHA-256 of the content/);
    });

    test("the statistics show the journey's requests, on the API and the console page", async () => {
      const investigator = await signIn('a-police', 'investigator');
      const figures = (await investigator.get('/api/v1/statistics/requests')).body;
      const sent = (kind: string) => figures.groups.find((g: { direction: string; level: string; kind: string }) => g.direction === 'sent' && g.level === 'kind' && g.kind === kind);
      assert.deepEqual([sent('preservation')?.requests, sent('disclosure')?.requests], [1, 1]);
      assert.equal(sent('disclosure').closed, 1, 'the disclosure ended with the data');
      const page = await investigator.get('/statistics');
      assert.equal(page.status, 200);
      assert.match(page.text, /<th scope="row">Disclosure order<\/th>/);
    });

    test('an export the node refuses is told, and leaves no file', async () => {
      const out = join(data, 'refused.zip');
      const wrong = await entraide(['export', '--node', urlOf('a-police'), '--username', 'investigator', '--request', '00000000-0000-4000-8000-000000000000', '--out', out], {}, DEMO_PASSWORD);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /cannot export request 00000000-0000-4000-8000-000000000000: 404/);
      const badPassword = await entraide(['export', '--node', urlOf('a-police'), '--username', 'investigator', '--case', caseId, '--out', out], {}, 'not the password');
      assert.equal(badPassword.code, 1);
      assert.match(badPassword.stderr, /cannot sign in to .* as investigator: 401/);
      const nothing = await entraide(['export', '--node', urlOf('a-police'), '--username', 'investigator', '--out', out], {}, DEMO_PASSWORD);
      assert.equal(nothing.code, 1);
      assert.match(nothing.stderr, /--request ID or --case ID/);
      assert.throws(() => readFileSync(out), /ENOENT/);
    });
  });
});
