/**
 * Checks an evidence bundle offline, with nothing but the bundle (and, for trust in the node's key,
 * a fingerprint got out of band): the node's signature over every byte of the ZIP, each entry against
 * the manifest, each file's SHA-256, each custody and audit record's leaf and inclusion proof against
 * the signed tree head, each message's and receipt's signature. Every failure says where (the entry,
 * the record) and which check; one failure never hides the others.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type JWK, decodeProtectedHeader } from 'jose';
import yauzl from 'yauzl';
import { isAttachmentList } from '../federation/attachments.ts';
import { digestOf } from '../federation/envelope.ts';
import { fingerprintOf } from '../federation/keys.ts';
import { verifyReceipt } from '../federation/receipts.ts';
import { verifyStatement } from '../federation/statements.ts';
import { fromHex, leafHash, verifyInclusion } from '../ledger/merkle.ts';
import { leafData } from '../ledger/sources.ts';
import { TREE_HEAD_TYP, type TreeHead } from '../ledger/tree-head.ts';
import {
  AUDIT_RECORDS, BUNDLE_FORMAT, BUNDLE_SEAL_TYP, type BundleSeal, type BundledKeys, type BundledMessage, CASE_JSONLD, KEYS, MANIFEST,
  MESSAGE_TYP, type Manifest, type ProvenRecord, TREE_HEAD, custodyPath, messagePath,
} from './bundle-format.ts';
import { readSeal } from './zip-seal.ts';

/** One check that failed: where (the bundle, an entry, a record), which check, and what was found. */
export interface Failure {
  where: string;
  check: string;
  detail: string;
}

export interface Verification {
  failures: Failure[];
  /** What holds but deserves a reader's attention (a message not acknowledged yet, a key not checked out of band). */
  notes: string[];
  counts: { files: number; custodyRecords: number; auditRecords: number; messages: number };
}

export interface VerifyOptions {
  /** The node's key fingerprint (RFC 7638 thumbprint), as its administrator gave it by a channel the reader trusts. */
  fingerprint?: string;
  /** Called as the bundle's bytes are read, once to hash the whole ZIP and once to read its entries. */
  progress?: (step: 'sealed bytes' | 'entries', done: number, total: number) => void;
}

/** JSON entries are read whole: anything larger than this is not one the node wrote. */
const MAX_RECORD_ENTRY = 256 * 1024 * 1024;

interface ReadEntry {
  sha256: string;
  size: number;
  /** The content of every entry but the evidence files, which are only hashed. */
  bytes?: Buffer;
}

class Checks {
  readonly failures: Failure[] = [];
  readonly notes: string[] = [];

  fail(where: string, check: string, detail: string): void {
    this.failures.push({ where, check, detail });
  }

  /** Runs a check that may throw on malformed input: a throw is that check failing, not the verifier crashing. */
  async run(where: string, check: string, work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.fail(where, check, (error as Error).message);
    }
  }
}

export async function verifyBundle(path: string, options: VerifyOptions = {}): Promise<Verification> {
  const checks = new Checks();
  const counts = { files: 0, custodyRecords: 0, auditRecords: 0, messages: 0 };
  const result = (): Verification => ({ failures: checks.failures, notes: checks.notes, counts });

  const seal = await readSeal(path);
  if (!seal) {
    checks.fail('bundle', 'ZIP end record', 'the file does not end with a ZIP end-of-central-directory record: not a bundle, or truncated');
    return result();
  }
  const zipSha256 = await hashRange(path, seal.signedBytes, (done) => options.progress?.('sealed bytes', done, seal.signedBytes));
  const entries = await readEntries(path, checks, options.progress);
  if (!entries) return result();

  const manifest = parseEntry<Manifest>(entries, MANIFEST, checks);
  const keys = parseEntry<BundledKeys>(entries, KEYS, checks);
  if (!manifest || !keys) return result();
  if (manifest.format !== BUNDLE_FORMAT) checks.fail(MANIFEST, 'format', `not ${BUNDLE_FORMAT}`);
  await checks.run(MANIFEST, 'every entry listed with its SHA-256', () => checkEntriesAgainstManifest(entries, manifest, checks));

  const nodeKey = (jws: string) => signerKey(keys, keys.node.nodeId, jws);
  await checks.run('bundle', "the node's signature over the ZIP", async () => {
    const signed = await verifyStatement<BundleSeal>(seal.seal, BUNDLE_SEAL_TYP, nodeKey(seal.seal));
    // Told before the ZIP's own failure, which stops this check: a changed manifest is named as such.
    if (signed.manifestSha256 !== entries.get(MANIFEST)!.sha256) checks.fail(MANIFEST, "the node's signature", 'the manifest differs from the one the node signed');
    if (signed.zipSha256 !== zipSha256) throw new Error("the ZIP's bytes differ from those the node signed");
    if (signed.node !== manifest.node || keys.node.nodeId !== manifest.node) throw new Error(`signed by ${signed.node}, for a bundle of ${manifest.node}`);
  });
  await checks.run(KEYS, 'fingerprint', () => checkFingerprint(nodeKey(seal.seal), keys, options.fingerprint, checks));

  let head: TreeHead | undefined;
  await checks.run(TREE_HEAD, "the node's signature", async () => {
    const jws = text(entries, TREE_HEAD);
    head = await verifyStatement<TreeHead>(jws, TREE_HEAD_TYP, nodeKey(jws));
    if (head.nodeId !== manifest.node) throw new Error(`the head is ${head.nodeId}'s, the bundle ${manifest.node}'s`);
    if (head.size !== manifest.treeHead.size || head.rootHash !== manifest.treeHead.rootHash) throw new Error('the manifest names another tree head');
  });

  const messages = new Map<string, BundledMessage>();
  for (const [name] of entries) {
    if (!name.startsWith('messages/')) continue;
    const message = parseEntry<BundledMessage>(entries, name, checks);
    if (!message) continue;
    counts.messages += 1;
    await checks.run(name, 'signatures of the message and its receipt', () => checkMessage(message, name, keys, checks));
    messages.set(message.msgId, message);
  }

  for (const file of manifest.files) {
    counts.files += 1;
    const content = entries.get(file.path);
    if (!content) continue; // said already: a manifest entry missing from the ZIP
    if (content.sha256 !== file.sha256 || content.size !== file.size) {
      checks.fail(file.path, 'SHA-256 of the content', `the file has SHA-256 ${content.sha256} and ${content.size} bytes; the manifest says ${file.sha256}, ${file.size} bytes`);
    }
    const where = custodyPath(file.sha256);
    const records = parseEntry<ProvenRecord[]>(entries, where, checks);
    if (!records) continue;
    counts.custodyRecords += records.length;
    await checks.run(where, 'records of this file', () => checkCustody(file.sha256, file.size, records, where, messages, checks));
    if (head) await checkProofs('custody', records, head, where, checks);
  }

  const audit = parseEntry<ProvenRecord[]>(entries, AUDIT_RECORDS, checks);
  if (audit && head) {
    counts.auditRecords = audit.length;
    await checkProofs('audit', audit, head, AUDIT_RECORDS, checks);
  }
  parseEntry(entries, CASE_JSONLD, checks);
  return result();
}

/** SHA-256 of the file's first `length` bytes, read as a stream. */
async function hashRange(path: string, length: number, progress: (done: number) => void): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  if (length > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) {
      hash.update(chunk as Buffer);
      progress((done += (chunk as Buffer).length));
    }
  }
  return hash.digest('hex');
}

async function readEntries(path: string, checks: Checks, progress: VerifyOptions['progress']): Promise<Map<string, ReadEntry> | undefined> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    checks.fail('bundle', 'ZIP structure', (error as Error).message);
    return undefined;
  }
  const entries = new Map<string, ReadEntry>();
  try {
    const total = zip.fileSize;
    let done = 0;
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (entries.has(name)) {
        checks.fail(name, 'one entry per name', 'the ZIP holds this name twice');
        continue;
      }
      const keep = !name.startsWith('files/');
      await checks.run(name, 'readable', async () => {
        if (keep && entry.uncompressedSize > MAX_RECORD_ENTRY) throw new Error(`a record entry of ${entry.uncompressedSize} bytes`);
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of await zip.openReadStreamPromise(entry)) {
          const bytes = chunk as Buffer;
          hash.update(bytes);
          size += bytes.length;
          if (keep) chunks.push(bytes);
          done += bytes.length;
          progress?.('entries', Math.min(done, total), total);
        }
        entries.set(name, { sha256: hash.digest('hex'), size, ...(keep ? { bytes: Buffer.concat(chunks) } : {}) });
      });
    }
  } catch (error) {
    checks.fail('bundle', 'ZIP structure', (error as Error).message);
    return undefined;
  } finally {
    zip.close();
  }
  return entries;
}

/** The bundled key of `nodeId` that signed `jws`, by its kid. */
function signerKey(keys: BundledKeys, nodeId: string, jws: string): JWK {
  const kid = decodeProtectedHeader(jws).kid;
  const held = nodeId === keys.node.nodeId ? keys.node.keys : keys.peers.find((p) => p.nodeId === nodeId)?.keys ?? [];
  const key = held.find((k) => k.kid === kid);
  if (!key) throw new Error(`signed with key ${String(kid)}, which keys.json does not hold for ${nodeId}`);
  return key;
}

function text(entries: Map<string, ReadEntry>, name: string): string {
  const entry = entries.get(name);
  if (!entry?.bytes) throw new Error('missing from the bundle');
  return entry.bytes.toString('utf8');
}

/** An entry's JSON, or undefined with the failure recorded. */
function parseEntry<T>(entries: Map<string, ReadEntry>, name: string, checks: Checks): T | undefined {
  const entry = entries.get(name);
  if (!entry?.bytes) {
    checks.fail(name, 'present', 'missing from the bundle');
    return undefined;
  }
  try {
    return JSON.parse(entry.bytes.toString('utf8')) as T;
  } catch (error) {
    checks.fail(name, 'JSON', (error as Error).message);
    return undefined;
  }
}

function checkEntriesAgainstManifest(entries: Map<string, ReadEntry>, manifest: Manifest, checks: Checks): void {
  const listed = new Map(manifest.entries.map((entry) => [entry.path, entry]));
  for (const [name, entry] of entries) {
    if (name === MANIFEST) continue;
    const expected = listed.get(name);
    if (!expected) checks.fail(name, 'listed in the manifest', 'the manifest does not name this entry');
    else if (expected.sha256 !== entry.sha256 || expected.size !== entry.size) {
      checks.fail(name, 'SHA-256 in the manifest', `the entry has SHA-256 ${entry.sha256} and ${entry.size} bytes; the manifest says ${expected.sha256}, ${expected.size} bytes`);
    }
  }
  for (const name of listed.keys()) if (!entries.has(name)) checks.fail(name, 'present', 'named by the manifest, missing from the ZIP');
}

async function checkFingerprint(key: JWK, keys: BundledKeys, given: string | undefined, checks: Checks): Promise<void> {
  const fingerprint = await fingerprintOf(key);
  if (given === undefined) {
    checks.notes.push(`the node's key ${fingerprint} was not compared with a fingerprint got out of band (--key)`);
  } else if (given !== fingerprint) {
    throw new Error(`the bundle is signed with the key ${fingerprint}, not ${given}`);
  }
  if (keys.node.fingerprint !== fingerprint) checks.notes.push(`the node published ${keys.node.fingerprint} when it exported the bundle, and signed with ${fingerprint}`);
}

async function checkProofs(source: 'custody' | 'audit', records: ProvenRecord[], head: TreeHead, where: string, checks: Checks): Promise<void> {
  const root = fromHex(head.rootHash);
  for (const proven of records) {
    await checks.run(where, `${source} record ${String(proven.record?.id)}`, () => {
      const leaf = leafHash(leafData(source, proven.record));
      if (!verifyInclusion(proven.index, head.size, leaf, proven.proof.map(fromHex), root)) {
        throw new Error(`its leaf at index ${proven.index} is not proven in the tree head of ${head.size} leaves: the record or its proof was changed`);
      }
    });
  }
}

/** The chain of custody of one file: its records are about it, it came in somehow, and each message named carried it. */
function checkCustody(sha256: string, size: number, records: ProvenRecord[], where: string, messages: Map<string, BundledMessage>, checks: Checks): void {
  if (!records.some((r) => r.record.act === 'added' || r.record.act === 'received')) {
    checks.fail(where, 'origin', 'no record says how the node got the file (added or received)');
  }
  for (const { record } of records) {
    if (record.sha256 !== sha256) checks.fail(where, `custody record ${record.id}`, `the record is about ${String(record.sha256)}`);
    const msgId = (record.details as { msgId?: unknown } | null)?.msgId;
    if (typeof msgId !== 'string') continue;
    const message = messages.get(msgId);
    if (!message) {
      checks.fail(where, `custody record ${record.id}`, `the message ${msgId} that carried the file is not in the bundle (${messagePath(msgId)})`);
    } else if (message.direction === 'received' && message.signed) {
      const listed = (decodeProtectedHeader(message.signed) as { attachments?: unknown }).attachments;
      if (!isAttachmentList(listed) || !listed.some((a) => a.sha256 === sha256 && a.size === size)) {
        checks.fail(where, `custody record ${record.id}`, `message ${msgId} does not list this file among those its sender signed`);
      }
    }
  }
}

async function checkMessage(message: BundledMessage, where: string, keys: BundledKeys, checks: Checks): Promise<void> {
  if (where !== messagePath(message.msgId)) throw new Error(`the entry holds message ${message.msgId}`);
  if (digestOf(message.envelope) !== message.digest) checks.fail(where, 'digest of the envelope', 'the envelope is not the one whose digest was receipted');
  if (message.signed) {
    await verifyStatement(message.signed, MESSAGE_TYP, signerKey(keys, message.from, message.signed));
    const header = decodeProtectedHeader(message.signed) as { msgId?: unknown; from?: unknown; to?: unknown };
    if (header.msgId !== message.msgId || header.from !== message.from || header.to !== message.to) throw new Error('the signed header names another message');
  }
  if (!message.receipt) {
    checks.notes.push(`${where}: sent, not acknowledged yet: no receipt`);
    return;
  }
  const receipt = await verifyReceipt(message.receipt, signerKey(keys, message.to, message.receipt), { msgId: message.msgId, digest: digestOf(message.envelope) });
  if (receipt.from !== message.from || receipt.to !== message.to) throw new Error('the receipt is for a message between other nodes');
}
