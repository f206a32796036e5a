import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { type Party, party } from '../support/federation.ts';
import { Api, userWith } from '../support/node.ts';
import { NodeProcess } from '../support/processes.ts';

const MiB = 1024 * 1024;
const SIZE = 1024 * MiB;
/**
 * What the node's memory may grow by while it takes and gives the file, far below the file's size: it
 * holds a few chunks at a time, never the file. Growth, not a total: at rest an embedded database
 * alone holds several hundred MiB.
 */
const GROWTH_BOUND = 256 * MiB;

const ORDER = {
  kind: 'disclosure',
  fields: {
    caseReference: 'XA-CYB-2026-0420',
    offence: 'computer-related-fraud',
    summary: 'A mailbox held by the provider received the proceeds of a fraud; its full export is disclosed.',
    link: 'The mailbox received the payment instructions sent to the victims.',
    identifiers: [{ kind: 'email', value: 'mule@mail.example' }],
    dataCategories: ['subscriber'],
    period: { from: '2026-09-01', to: '2026-09-30' },
  },
};

/** Generated content, different in every MiB so that no layer could store it by repetition. */
function generated(size: number): Readable {
  return Readable.from((function* () {
    for (let offset = 0; offset < size; offset += MiB) {
      const chunk = Buffer.alloc(Math.min(MiB, size - offset), offset / MiB);
      chunk.writeUInt32BE(offset / MiB, 0);
      yield chunk;
    }
  })());
}

/** Peak and current resident memory of a process, from the kernel's own count (VmHWM: the peak since it was last reset). */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { peak: kib('VmHWM'), now: kib('VmRSS') };
}

describe('a file of 1 GiB streamed into a node and back, its memory bounded', () => {
  let node: NodeProcess;
  let provider: Party;
  let investigator: Api;
  let requestId: string;

  before(async () => {
    node = await NodeProcess.create('xa-police');
    await node.start();
    provider = await party('xb-provider', 'XB', { kind: 'service_provider' });
    const admin = await node.admin();
    const { fingerprint } = (await provider.admin.get('/.well-known/entraide')).body;
    assert.equal((await admin.post('/api/v1/federation/peers', { url: provider.node.url, fingerprint })).status, 201);
    investigator = await userWith(admin, 'ines', ['investigator']);
    const drafted = await investigator.post('/api/v1/requests', { ...ORDER, executor: 'xb-provider' });
    assert.equal(drafted.status, 201, drafted.text);
    requestId = drafted.body.id;
  });
  after(async () => {
    await node?.dispose();
    await provider?.node.close();
    if (node) rmSync(node.dataDir, { recursive: true, force: true });
  });

  test('the SHA-256 of what is stored and read back is that of what was sent, and the node never holds the file', { timeout: 10 * 60_000 }, async () => {
    const pid = node.child!.pid!;
    // The peak counted from here: what starting the node took is not the transfer's.
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const before = memoryOf(pid);
    const sent = createHash('sha256');
    const { hostname, port } = new URL(node.url);
    const added = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const upload = request({
        hostname, port, method: 'POST', path: `/api/v1/requests/${requestId}/files?name=mailbox.mbox`,
        headers: { authorization: `Bearer ${investigator.token}`, 'content-type': 'application/mbox', 'content-length': String(SIZE) },
      }, (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
      });
      upload.on('error', reject);
      const source = generated(SIZE);
      source.on('data', (chunk: Buffer) => sent.update(chunk));
      pipeline(source, upload).catch(reject);
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const expected = sent.digest('hex');
    assert.equal(added.body.sha256, expected, 'the SHA-256 the node computed on the way in');
    assert.equal(added.body.size, SIZE);

    const download = await fetch(`${node.url}/api/v1/requests/${requestId}/files/${expected}`, { headers: { authorization: `Bearer ${investigator.token}` } });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('x-entraide-sha256'), expected);
    const received = createHash('sha256');
    let size = 0;
    for await (const chunk of Readable.fromWeb(download.body! as never)) {
      received.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    assert.equal(size, SIZE);
    assert.equal(received.digest('hex'), expected, 'the content read back, decrypted as it streams');

    const { peak } = memoryOf(pid);
    console.log(`node RSS: ${(before.now / MiB).toFixed(0)} MiB before, ${(peak / MiB).toFixed(0)} MiB at most while it took and gave ${SIZE / MiB} MiB`);
    assert.ok(peak - before.now < GROWTH_BOUND, `the node's resident memory grew from ${before.now} to ${peak} bytes`);

    // Each act is in the file's chain of custody: added on the way in, downloaded on the way out.
    const acts = (await investigator.get(`/api/v1/evidence/${expected}/custody`)).body.records.map((r: { act: string }) => r.act);
    assert.deepEqual(acts, ['added', 'downloaded']);
  });
});
