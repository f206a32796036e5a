import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CompactSign } from 'jose';
import type { Attachment } from '../../src/federation/attachments.ts';
import { sealMessage } from '../../src/federation/envelope.ts';
import { SIGNING_ALG, newMessageId } from '../../src/federation/keys.ts';
import { encryptionKeyOf } from '../../src/federation/trust.ts';
import { BlobStore } from '../../src/platform/blobs.ts';
import { openDatabase } from '../../src/platform/db/open.ts';
import { type Party, notes, party, settled, trust } from '../support/federation.ts';
import type { TestNode } from '../support/node.ts';
import { NodeProcess } from '../support/processes.ts';

const MiB = 1024 * 1024;
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const sha256Of = async (stream: Readable) => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/** A file of random bytes written in chunks, so that the test itself never holds it in memory. */
async function randomFile(dir: string, bytes: number): Promise<{ path: string; sha256: string }> {
  const path = join(dir, `random-${bytes}`);
  const hash = createHash('sha256');
  async function* chunks() {
    for (let left = bytes; left > 0; left -= MiB) {
      const chunk = randomBytes(Math.min(MiB, left));
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path));
  return { path, sha256: hash.digest('hex') };
}

/** Queues a note carrying files from one node to another, as a capability would: attach first, then send in a transaction. */
async function queueWithFiles(from: TestNode, to: string, body: string, files: { path: string; name: string; mediaType: string }[]) {
  const attachments: Attachment[] = [];
  for (const file of files) attachments.push(await from.federation.attach(createReadStream(file.path), { name: file.name, mediaType: file.mediaType }));
  const msgId = await from.database.db.transaction((tx) => from.federation.send(tx, to, 'test.note', { body }, attachments));
  from.federation.worker.kick();
  return { msgId, attachments };
}

const receivedAttachments = async (node: TestNode, msgId: string) =>
  (await node.database.db.query<{ attachments: Attachment[] }>('SELECT attachments FROM inbox WHERE msg_id = $1', [msgId])).rows[0]?.attachments;

describe('attachments: encrypted files named by their SHA-256, streamed, checked against what the sender signed', () => {
  let a: Party;
  let b: Party;
  let stranger: Party;
  let files: string;
  before(async () => {
    files = mkdtempSync(join(tmpdir(), 'entraide-files-'));
    [a, b, stranger] = await Promise.all([party('a-police', 'AA'), party('b-police', 'BB'), party('x-stranger', 'XX')]);
    await trust(a, b);
    await trust(b, a);
    await trust(stranger, b);
    a.node.federation.worker.start();
  });
  after(async () => {
    await Promise.all([a, b, stranger].map((p) => p.node.close()));
    rmSync(files, { recursive: true, force: true });
  });

  test('files sent with a message arrive intact and are kept only encrypted; a large one never sits in memory', async (t) => {
    const large = await randomFile(files, 96 * MiB);
    const small = await randomFile(files, 1000);
    // Live memory only: garbage not yet collected would say nothing about buffering.
    const live = () => {
      collectGarbage();
      const now = process.memoryUsage();
      return now.heapUsed + now.arrayBuffers;
    };
    const baseline = live();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, live() - baseline)), 200);
    let sent;
    try {
      sent = await queueWithFiles(a.node, 'b-police', 'with files', [
        { path: large.path, name: 'disk-image.bin', mediaType: 'application/octet-stream' },
        { path: small.path, name: 'headers.txt', mediaType: 'text/plain' },
      ]);
      assert.equal(await settled(a.node, sent.msgId), 'delivered');
    } finally {
      clearInterval(sampler);
    }
    t.diagnostic(`live memory grew by at most ${Math.round(peak / MiB)} MiB while a 96 MiB file travelled`);
    assert.ok(peak < 32 * MiB, `memory grew by ${Math.round(peak / MiB)} MiB while a 96 MiB file travelled`);

    const received = (await receivedAttachments(b.node, sent.msgId))!;
    assert.deepEqual(received.map((f) => [f.name, f.sha256, f.size]), [['disk-image.bin', large.sha256, 96 * MiB], ['headers.txt', small.sha256, 1000]]);
    for (const file of received) {
      assert.equal(await sha256Of(await b.node.federation.openAttachment(file)), file.sha256);
      // What lies on disk is the encrypted copy: its name is its own SHA-256, not the content's.
      assert.notEqual(file.encrypted.sha256, file.sha256);
      assert.equal(await sha256Of(b.node.federation.store.read(file.encrypted.sha256)), file.encrypted.sha256);
    }
  });

  test('a message whose files have not arrived is refused for now and applied once they have', async () => {
    const file = await randomFile(files, 4096);
    const attachment = await a.node.federation.attach(createReadStream(file.path), { name: 'late.bin', mediaType: 'application/octet-stream' });
    const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
    const envelope = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'late' }, a.node.federation.keys, key, [attachment]);
    const before_ = await notes(b.node);
    const early = await postEnvelope(b.node, envelope);
    assert.equal(early.status, 409);
    assert.equal(early.body.type, '/problems/attachment-missing');
    assert.equal(await notes(b.node), before_);
    const put = await putCopy(b.node, a.node, attachment.encrypted);
    assert.equal(put.status, 201, put.text);
    assert.equal((await postEnvelope(b.node, envelope)).status, 200);
    assert.equal(await notes(b.node), before_ + 1);
  });

  test('a sender that signs a hash its file does not have is refused, and nothing is applied', async () => {
    const file = await randomFile(files, 2048);
    const attachment = await a.node.federation.attach(createReadStream(file.path), { name: 'claimed.bin', mediaType: 'application/octet-stream' });
    const lying = { ...attachment, sha256: createHash('sha256').update('something else').digest('hex') };
    await putCopy(b.node, a.node, attachment.encrypted);
    const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
    const envelope = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'lie' }, a.node.federation.keys, key, [lying]);
    const before_ = await notes(b.node);
    const answer = await postEnvelope(b.node, envelope);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.type, '/problems/attachment-altered');
    assert.equal(await notes(b.node), before_);
  });

  describe('uploads are refused, with nothing stored, unless a trusted peer signed a grant for exactly those bytes', () => {
    let attachment: Attachment;
    let stored: () => string[];
    before(async () => {
      const file = await randomFile(files, 8192);
      attachment = await a.node.federation.attach(createReadStream(file.path), { name: 'x.bin', mediaType: 'application/octet-stream' });
      stored = () => {
        try {
          return readdirSync(join(b.node.config.blobDir, 'sha256'), { recursive: true }).map(String).filter((name) => name.length === 64 + 3);
        } catch {
          return [];
        }
      };
    });
    const copyOf = () => a.node.federation.store.read(attachment.encrypted.sha256);

    async function refusedUpload(put: Promise<{ status: number; body: { type?: string } }>, status: number, type: string) {
      const before_ = stored();
      const answer = await put;
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.type, `/problems/${type}`);
      assert.deepEqual(stored(), before_);
      assert.equal(await b.node.federation.store.sizeOf(attachment.encrypted.sha256), undefined);
    }

    test('no grant, a grant from a node not trusted, or a grant for another file', async () => {
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), undefined), 401, 'upload-not-signed');
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), await grant(stranger.node, 'b-police', attachment.encrypted)), 403, 'untrusted-sender');
      const other = { sha256: 'f'.repeat(64), size: attachment.encrypted.size };
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), await grant(a.node, 'b-police', other)), 403, 'grant-mismatch');
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), await grant(a.node, 'c-police', attachment.encrypted)), 403, 'grant-mismatch');
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), await grant(a.node, 'b-police', attachment.encrypted, -3600)), 403, 'grant-expired');
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), 'not.a.jws'), 400, 'malformed-grant');
    });

    test('bytes other than those granted: one flipped, or more than announced', async () => {
      const token = await grant(a.node, 'b-police', attachment.encrypted);
      const bytes = Buffer.concat(await copyOf().toArray());
      bytes[100]! ^= 0x01;
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, Readable.from([bytes]), token), 400, 'digest-mismatch');
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, Readable.from([bytes, Buffer.alloc(10)]), token), 413, 'too-large');
    });

    test('a file over the node’s limit, or sent as another media type', async () => {
      const huge = { sha256: attachment.encrypted.sha256, size: b.node.config.federation.attachmentLimit + 1 };
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), await grant(a.node, 'b-police', huge)), 413, 'too-large');
      await refusedUpload(upload(b.node, attachment.encrypted.sha256, copyOf(), await grant(a.node, 'b-police', attachment.encrypted), 'text/plain'), 415, 'unsupported-media-type');
    });
  });
});

describe('an attachment survives the receiver being killed while it arrives', { timeout: 5 * 60_000 }, () => {
  test('the receiver is killed with SIGKILL mid-upload; once it is back the message is applied once, with the file intact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entraide-files-'));
    const sender = await party('aa-sender', 'AA', { federation: { deadAfterSeconds: 600 } });
    const receiver = await NodeProcess.create('bb-receiver');
    try {
      await receiver.start();
      const theirs = await (await fetch(`${receiver.url}/.well-known/entraide`)).json() as { fingerprint: string };
      assert.equal((await sender.admin.post('/api/v1/federation/peers', { url: receiver.url, fingerprint: theirs.fingerprint })).status, 201);
      const ours = (await sender.admin.get('/.well-known/entraide')).body;
      assert.equal((await (await receiver.admin()).post('/api/v1/federation/peers', { url: sender.node.url, fingerprint: ours.fingerprint })).status, 201);

      const file = await randomFile(dir, 64 * MiB);
      const attachment = await sender.node.federation.attach(createReadStream(file.path), { name: 'big.bin', mediaType: 'application/octet-stream' });
      const msgId = await sender.node.database.db.transaction((tx) => sender.node.federation.send(tx, 'bb-receiver', 'federation.ping', { note: 'with a file' }, [attachment]));
      // Kill the receiver as soon as the upload has begun: a staging file appears before the blob.
      sender.node.federation.worker.start();
      const staging = join(receiver.dataDir, 'blobs', 'staging');
      for (let i = 0; i < 400; i += 1) {
        try {
          if (readdirSync(staging).length > 0) break;
        } catch {
          // not created yet
        }
        await new Promise((done) => setTimeout(done, 5));
      }
      await receiver.kill('SIGKILL');
      const store = new BlobStore(join(receiver.dataDir, 'blobs'));
      assert.equal(await store.sizeOf(attachment.encrypted.sha256), undefined, 'a half-received file is never taken for the whole');
      await receiver.start();
      assert.equal(await settled(sender.node, msgId, ['delivered']), 'delivered');
      await receiver.kill('SIGTERM');

      const db = await openDatabase({ databaseUrl: receiver.databaseUrl, dataDir: receiver.dataDir });
      try {
        const rows = (await db.query<{ attachments: Attachment[] }>('SELECT attachments FROM inbox WHERE msg_id = $1', [msgId])).rows;
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.attachments[0]!.sha256, file.sha256);
        assert.equal(await store.sizeOf(attachment.encrypted.sha256), attachment.encrypted.size);
        assert.equal(await sha256Of(store.read(attachment.encrypted.sha256)), attachment.encrypted.sha256);
      } finally {
        await db.close();
      }
    } finally {
      await sender.node.close();
      await receiver.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function postEnvelope(node: TestNode, envelope: string) {
  const response = await fetch(`${node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: envelope });
  return { status: response.status, body: (await response.json()) as { type?: string } };
}

function grant(from: TestNode, to: string, copy: { sha256: string; size: number }, shiftSeconds = 0): Promise<string> {
  const claims = { from: from.config.nodeId, to, sha256: copy.sha256, size: copy.size, iat: Math.floor(Date.now() / 1000) + shiftSeconds };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: SIGNING_ALG, kid: from.federation.keys.signing.kid, typ: 'entraide-upload+jws' })
    .sign(from.federation.keys.signing.privateKey);
}

async function upload(node: TestNode, sha256: string, body: Readable, token: string | undefined, contentType = 'application/octet-stream') {
  const response = await fetch(`${node.url}/federation/v1/inbox/attachments/${sha256}`, {
    method: 'PUT',
    headers: { 'content-type': contentType, ...(token ? { 'entraide-upload': token } : {}) },
    body: body as unknown as RequestInit['body'],
    duplex: 'half',
  } as RequestInit);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { type?: string } };
}

async function putCopy(to: TestNode, from: TestNode, copy: { sha256: string; size: number }) {
  return upload(to, copy.sha256, from.federation.store.read(copy.sha256), await grant(from, to.config.nodeId, copy));
}
