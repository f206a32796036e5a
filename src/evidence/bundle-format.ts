/**
 * What an evidence bundle holds, as both its writer (export.ts) and its checker (verify-bundle.ts)
 * read it: entry names, the shapes of its JSON entries, and the seal over the ZIP's bytes.
 */
import type { JWK } from 'jose';
import type { LeafRecord } from '../ledger/sources.ts';

export const BUNDLE_FORMAT = 'entraide-evidence-bundle/1';
/** The `typ` of the node's signature over the whole bundle, kept in the ZIP's comment. */
export const BUNDLE_SEAL_TYP = 'entraide-evidence-bundle+jws';
/** The `typ` of the signed content of a federation message (src/federation/envelope.ts). */
export const MESSAGE_TYP = 'entraide-message+jws';

export const MANIFEST = 'manifest.json';
export const KEYS = 'keys.json';
export const TREE_HEAD = 'log/tree-head.jws';
export const AUDIT_RECORDS = 'records/audit.json';
export const CASE_JSONLD = 'case.jsonld';
export const custodyPath = (sha256: string) => `custody/${sha256}.json`;
export const messagePath = (msgId: string) => `messages/${msgId}.json`;
/** A file under its SHA-256 and its own name, made safe as a ZIP entry name (no folders, no control characters). */
export const filePath = (sha256: string, name: string) => `files/${sha256}/${name.replace(/[/\\\u0000-\u001f\u007f]|^\.+$/g, '_')}`;

export interface ManifestFile {
  sha256: string;
  size: number;
  name: string;
  mediaType: string;
  path: string;
  /** The requests it belongs to on the exporting node. */
  requests: string[];
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
}

export interface Manifest {
  format: typeof BUNDLE_FORMAT;
  node: string;
  exportedAt: string;
  exportedBy: string;
  subject: { type: 'request' | 'case'; id: string };
  treeHead: { size: number; rootHash: string };
  files: ManifestFile[];
  /** Every other entry of the ZIP, evidence files included, with its SHA-256: the manifest names them all. */
  entries: ManifestEntry[];
}

/** A record of the log with what proves it is there: its leaf index and inclusion proof in the tree of the bundled head. */
export interface ProvenRecord {
  index: number;
  record: LeafRecord;
  proof: string[];
}

/** A federation message as the node stored it, with the signatures that prove what was sent and received. */
export interface BundledMessage {
  msgId: string;
  direction: 'received' | 'sent';
  from: string;
  to: string;
  type: string;
  /** The encrypted message (compact JWE) exactly as it travelled: the receipt signs its digest. */
  envelope: string;
  digest: string;
  /** For a message received: its signed content (compact JWS), whose header lists the files it carried. */
  signed: string | null;
  /** The receiver's signed receipt; none for a message sent and not yet acknowledged. */
  receipt: string | null;
}

export interface BundledKeys {
  node: { nodeId: string; fingerprint: string; keys: JWK[] };
  peers: { nodeId: string; fingerprint: string; keys: JWK[] }[];
}

/** What the node signs over the bundle. */
export interface BundleSeal {
  node: string;
  /** SHA-256 of every byte of the ZIP before the comment's length. */
  zipSha256: string;
  manifestSha256: string;
}

/** The end-of-central-directory record without its comment (APPNOTE 4.3.16); the comment's length is its last two bytes. */
export const EOCD_SIZE = 22;
export const EOCD_SIGNATURE = 0x06054b50;
