/**
 * The export bundle: the evidence of a request or a case as one ZIP that a court abroad checks
 * offline (`entraide verify`): the files as received, their custody records and the request's audit
 * records each with its inclusion proof in the node's signed tree head, the federation messages and
 * receipts that carried the files, the keys to check every signature, a CASE/UCO description, and
 * the node's signature over every byte of the ZIP. Files are streamed, decrypted as they are read.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type JWK, compactDecrypt, decodeProtectedHeader } from 'jose';
import { ZipFile } from 'yazl';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Attachment } from '../federation/attachments.ts';
import { CONTENT_ENC, KEY_WRAP_ALG, type NodeKeys, fingerprintOf } from '../federation/keys.ts';
import { signStatement } from '../federation/statements.ts';
import type { Federation } from '../federation/service.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { toHex } from '../ledger/merkle.ts';
import { AUDIT_SOURCE, type LeafRecord } from '../ledger/sources.ts';
import type { SignedTreeHead } from '../ledger/tree-head.ts';
import { inclusionProof } from '../ledger/tree-store.ts';
import { Digester } from '../platform/blobs.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import {
  AUDIT_RECORDS, BUNDLE_FORMAT, BUNDLE_SEAL_TYP, type BundleSeal, type BundledKeys, type BundledMessage, CASE_JSONLD, KEYS, MANIFEST,
  type Manifest, type ManifestEntry, type ManifestFile, type ProvenRecord, TREE_HEAD, custodyPath, filePath, messagePath,
} from './bundle-format.ts';
import { caseDescription } from './case-jsonld.ts';
import { custodyOf, leafRecordOf, recordCustody } from './custody.ts';
import { ZipSealer } from './zip-seal.ts';

export const EVIDENCE_PURPOSE = 'evidence for judicial proceedings';

/** What is exported: one request's files, or those of every request drafted from a case. */
export interface ExportScope {
  type: 'request' | 'case';
  id: string;
  requestIds: string[];
}

interface ExportedFile {
  attachment: Attachment;
  requests: string[];
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The files of the requests, each once with every request it belongs to. */
async function filesIn(db: Queryable, requestIds: readonly string[]): Promise<ExportedFile[]> {
  const { rows } = await db.query<{ attachment: Attachment; requests: string[] }>(
    `SELECT (array_agg(attachment ORDER BY added_at))[1] AS attachment, array_agg(request_id::text ORDER BY added_at) AS requests
       FROM request_files WHERE request_id = ANY($1::uuid[]) GROUP BY sha256 ORDER BY min(added_at), sha256`,
    [requestIds],
  );
  return rows;
}

/** Fails the stream unless what went through is exactly the content whose SHA-256 and size were signed. */
class CheckedContent extends Digester {
  constructor(private readonly expected: Attachment) {
    super();
  }

  override _flush(done: (error?: Error | null) => void): void {
    const intact = this.digest() === this.expected.sha256 && this.size === this.expected.size;
    done(intact ? null : new Error(`the stored copy of ${this.expected.sha256} does not decrypt to its content`));
  }
}

/**
 * Exports the evidence in scope: records the export in the chain of custody and the audit log, adds
 * them to the log and signs a tree head, then returns the bundle as a stream.
 */
export async function exportEvidence(
  db: Database, federation: Federation, ledger: Ledger, who: { actor: Actor; requestId: string | null }, scope: ExportScope,
): Promise<Readable> {
  const files = await filesIn(db, scope.requestIds);
  if (files.length === 0) throw new HttpProblem(409, 'no-evidence', `${scope.type} ${scope.id} has no files to export`);
  const node = federation.config.nodeId;
  const exportedAt = new Date().toISOString();
  await db.transaction(async (tx) => {
    for (const requestId of scope.requestIds) {
      const ofRequest = files.filter((file) => file.requests.includes(requestId)).map((file) => file.attachment);
      await recordCustody(tx, {
        act: 'exported', files: ofRequest, actor: who.actor, requestId, purpose: EVIDENCE_PURPOSE, node, details: { bundle: scope.type, of: scope.id, httpRequest: who.requestId },
      });
    }
    await recordAudit(tx, {
      actor: who.actor, action: 'evidence.export', subject: { type: scope.type, id: scope.id }, caseId: scope.type === 'case' ? scope.id : null,
      purpose: EVIDENCE_PURPOSE, requestId: who.requestId, details: { files: files.map((file) => file.attachment.sha256) },
    });
  });
  // The records just written, and every one before, are in the head the bundle proves them against.
  const head = await ledger.publish();
  const contents = await gatherRecords(db, federation, head, scope, files);
  const manifestFiles: ManifestFile[] = files.map(({ attachment: a, requests }) => ({
    sha256: a.sha256, size: a.size, name: a.name, mediaType: a.mediaType, path: filePath(a.sha256, a.name), requests,
  }));
  const manifest: Manifest = {
    format: BUNDLE_FORMAT, node, exportedAt, exportedBy: who.actor.name, subject: { type: scope.type, id: scope.id },
    treeHead: { size: head.size, rootHash: head.rootHash }, files: manifestFiles, entries: [],
  };
  contents.set(CASE_JSONLD, json(caseDescription(manifest, contents.custodyByFile)));
  manifest.entries = [
    ...manifestFiles.map((file): ManifestEntry => ({ path: file.path, sha256: file.sha256, size: file.size })),
    ...[...contents.entries()].map(([path, bytes]) => ({ path, sha256: sha256Of(bytes), size: bytes.length })),
  ];
  const manifestBytes = json(manifest);
  return writeBundle(federation, files, manifestFiles, contents, manifestBytes, exportedAt);
}

/** The JSON entries of the bundle, by path, and the custody records of each file for the CASE description. */
type Contents = Map<string, Buffer> & { custodyByFile: Map<string, LeafRecord[]> };

async function gatherRecords(db: Queryable, federation: Federation, head: SignedTreeHead, scope: ExportScope, files: ExportedFile[]): Promise<Contents> {
  const proven = async (index: number, record: LeafRecord): Promise<ProvenRecord> => ({
    index, record, proof: (await inclusionProof(db, index, head.size)).map(toHex),
  });
  const contents = new Map<string, Buffer>() as Contents;
  contents.custodyByFile = new Map();
  contents.set(TREE_HEAD, Buffer.from(head.signature));
  // Only records the signed head holds: one committed since has no proof against it yet.
  const custody = (await custodyOf(db, files.map((file) => file.attachment.sha256))).filter((r) => r.logIndex !== null && r.logIndex < head.size);
  for (const { attachment } of files) {
    const records = custody.filter((r) => r.sha256 === attachment.sha256);
    contents.custodyByFile.set(attachment.sha256, records.map(leafRecordOf));
    contents.set(custodyPath(attachment.sha256), json(await Promise.all(records.map((r) => proven(r.logIndex!, leafRecordOf(r))))));
  }
  const audit = await db.query<LeafRecord & { log_index: number }>(
    `SELECT log_index, ${AUDIT_SOURCE.record} FROM audit_log
      WHERE log_index < $1 AND ((subject_type = 'request' AND subject_id = ANY($2::text[])) OR (subject_type = $3 AND subject_id = $4))
      ORDER BY log_index`,
    [head.size, scope.requestIds, scope.type, scope.id],
  );
  contents.set(AUDIT_RECORDS, json(await Promise.all(audit.rows.map(({ log_index: index, ...record }) => proven(Number(index), record)))));
  const msgIds = [...new Set(custody.map((r) => (r.details as { msgId?: unknown }).msgId).filter((id): id is string => typeof id === 'string'))];
  const messages = await messagesOf(db, federation.keys, federation.config.nodeId, msgIds);
  for (const message of messages) contents.set(messagePath(message.msgId), json(message));
  contents.set(KEYS, json(await keysFor(db, federation, messages)));
  return contents;
}

/** The messages that carried the files, as stored in the inbox and the outbox, with their signatures. */
async function messagesOf(db: Queryable, keys: NodeKeys, self: string, msgIds: string[]): Promise<BundledMessage[]> {
  const received = await db.query<{ msg_id: string; sender: string; type: string; envelope: string; digest: string; receipt: string }>(
    'SELECT msg_id, sender, type, envelope, digest, receipt FROM inbox WHERE msg_id = ANY($1::uuid[]) ORDER BY received_at', [msgIds],
  );
  const sent = await db.query<{ msg_id: string; recipient: string; type: string; envelope: string; digest: string; receipt: string | null }>(
    'SELECT msg_id, recipient, type, envelope, digest, receipt FROM outbox WHERE msg_id = ANY($1::uuid[]) ORDER BY created_at', [msgIds],
  );
  return [
    ...(await Promise.all(received.rows.map(async (row): Promise<BundledMessage> => ({
      msgId: row.msg_id, direction: 'received', from: row.sender, to: self, type: row.type, envelope: row.envelope, digest: row.digest,
      signed: await signedContentOf(row.envelope, keys), receipt: row.receipt,
    })))),
    ...sent.rows.map((row): BundledMessage => ({
      msgId: row.msg_id, direction: 'sent', from: self, to: row.recipient, type: row.type,
      envelope: row.envelope, digest: row.digest, signed: null, receipt: row.receipt,
    })),
  ];
}

/**
 * The sender's signed content of a message received: what proves which files it said it sent. None
 * if the key it was sealed for has been retired since.
 */
async function signedContentOf(envelope: string, keys: NodeKeys): Promise<string | null> {
  const key = keys.decryption.get(String(decodeProtectedHeader(envelope).kid));
  if (!key) return null;
  const { plaintext } = await compactDecrypt(envelope, key, { keyManagementAlgorithms: [KEY_WRAP_ALG], contentEncryptionAlgorithms: [CONTENT_ENC] });
  return new TextDecoder().decode(plaintext);
}

/** Every signing key of this node, retired ones too (old receipts), and those of the peers whose messages are bundled. */
async function keysFor(db: Queryable, federation: Federation, messages: BundledMessage[]): Promise<BundledKeys> {
  const self = federation.config.nodeId;
  const own = await db.query<{ public_jwk: JWK }>("SELECT public_jwk FROM node_keys WHERE use = 'sig' ORDER BY created_at");
  const peerIds = [...new Set(messages.flatMap((m) => [m.from, m.to]).filter((id) => id !== self))];
  const peers = await db.query<{ node_id: string; fingerprint: string; keys: JWK[] }>(
    `SELECT p.node_id, p.fingerprint, array_agg(k.jwk ORDER BY k.added_at) AS keys
       FROM peers p JOIN peer_keys k ON k.node_id = p.node_id AND k.use = 'sig'
      WHERE p.node_id = ANY($1::text[]) GROUP BY p.node_id, p.fingerprint ORDER BY p.node_id`,
    [peerIds],
  );
  return {
    node: { nodeId: self, fingerprint: await fingerprintOf(federation.keys.signing.publicJwk), keys: own.rows.map((row) => row.public_jwk) },
    peers: peers.rows.map((row) => ({ nodeId: row.node_id, fingerprint: row.fingerprint, keys: row.keys })),
  };
}

/** Writes the ZIP as a stream: evidence files first, decrypted as they are read, then the records, the manifest, and the seal. */
function writeBundle(
  federation: Federation, files: ExportedFile[], manifestFiles: ManifestFile[], contents: Map<string, Buffer>, manifestBytes: Buffer, exportedAt: string,
): Readable {
  const zip = new ZipFile();
  const mtime = new Date(exportedAt);
  const opened = new Set<Readable>();
  files.forEach(({ attachment }, i) => {
    // Stored, not deflated: evidence is often compressed already, and is streamed at disk speed.
    zip.addReadStreamLazy(manifestFiles[i]!.path, { compress: false, size: attachment.size, mtime }, (give) => {
      federation.openAttachment(attachment).then((content) => {
        opened.add(content);
        give(null, content.pipe(new CheckedContent(attachment)));
      }, (error: unknown) => give(error, undefined as never));
    });
  });
  for (const [path, bytes] of contents) zip.addBuffer(bytes, path, { mtime });
  zip.addBuffer(manifestBytes, MANIFEST, { mtime });
  zip.end();
  const seal: Pick<BundleSeal, 'node' | 'manifestSha256'> = { node: federation.config.nodeId, manifestSha256: sha256Of(manifestBytes) };
  const sealer = new ZipSealer((zipSha256) => signStatement(federation.keys, BUNDLE_SEAL_TYP, { ...seal, zipSha256 } satisfies BundleSeal));
  zip.on('error', (error: Error) => sealer.destroy(error));
  // A client gone mid-way: the file being read is closed, not left open until collected.
  sealer.on('close', () => opened.forEach((content) => content.destroy()));
  pipeline(zip.outputStream, sealer).catch((error: unknown) => sealer.destroy(error as Error));
  return sealer;
}
