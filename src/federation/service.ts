import { GeneralSign, type JWK } from 'jose';
import type { Logger } from 'pino';
import type { NodeConfig } from '../platform/config.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { Inbox, type MessageHandler } from './inbox.ts';
import { type NodeKeys, SIGNING_ALG, fingerprintOf, loadNodeKeys, retireExpiredKeys, rotateNodeKeys, seal, unseal } from './keys.ts';
import type { NodeMetadata } from './metadata.ts';
import { DEFAULT_DELIVERY, type DeliverySettings, DeliveryWorker, enqueue } from './outbox.ts';
import { refreshPeerKeys } from './trust.ts';
import type { Readable } from 'node:stream';
import { BlobStore } from '../platform/blobs.ts';
import { pushAttachment } from './attachment-transfer.ts';
import { type Attachment, openAttachment, sealAttachment } from './attachments.ts';

export const INBOX_PATH = '/federation/v1/inbox';
export const INBOX_BATCH_PATH = '/federation/v1/inbox/batch';
export const METADATA_PATH = '/.well-known/entraide';
export const SIGNED_METADATA_PATH = '/.well-known/entraide/signed';

/** A peer is asked for its keys at most this often when it signs with one unknown here. */
const REFRESH_INTERVAL_MS = 60_000;
const KEY_CHECK_INTERVAL_MS = 60_000;

/** The node's part in the federation: its keys, what it publishes, its inbox and its outbox. */
export class Federation {
  readonly inbox: Inbox;
  readonly worker: DeliveryWorker;
  /** Encrypted attachments, sent and received, named by the SHA-256 of their encrypted copy. */
  readonly store: BlobStore;
  private lastRefresh = new Map<string, number>();
  private maintenance: NodeJS.Timeout | undefined;

  private constructor(
    readonly db: Database,
    private currentKeys: NodeKeys,
    readonly config: NodeConfig,
    private readonly keySecret: string,
    private currentFingerprint: string,
    private readonly logger: Logger,
  ) {
    this.store = new BlobStore(config.blobDir);
    this.inbox = new Inbox(db, () => this.currentKeys, { self: config.nodeId, ...config.federation }, logger, (nodeId) => this.refreshPeer(nodeId), this.store, () => this.worker.kick());
    this.worker = this.newWorker(DEFAULT_DELIVERY);
    // A message to check that two nodes reach each other; it changes nothing but the inbox.
    this.inbox.on('federation.ping', async () => undefined);
  }

  static async open(db: Database, config: NodeConfig, keySecret: string, logger: Logger): Promise<Federation> {
    await retireExpiredKeys(db);
    const keys = await loadNodeKeys(db, keySecret);
    return new Federation(db, keys, config, keySecret, await fingerprintOf(keys.signing.publicJwk), logger);
  }

  /** Starts delivering, and retires replaced keys when their overlap ends. */
  start(): void {
    this.worker.start();
    this.maintenance = setInterval(() => {
      retireExpiredKeys(this.db)
        .then((retired) => (retired.length > 0 ? this.reloadKeys() : undefined))
        .catch((error: unknown) => this.logger.error({ err: error }, 'cannot retire expired keys'));
    }, KEY_CHECK_INTERVAL_MS);
    this.maintenance.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.maintenance);
    await this.worker.stop();
  }

  /** A private key of this node's making (an official's signing key) sealed like the node's own keys. */
  sealPrivateKey(jwk: JWK): Promise<string> {
    return seal(jwk, this.keySecret);
  }

  unsealPrivateKey(jwe: string): Promise<JWK> {
    return unseal(jwe, this.keySecret);
  }

  get keys(): NodeKeys {
    return this.currentKeys;
  }

  get fingerprint(): string {
    return this.currentFingerprint;
  }

  on(type: string, handler: MessageHandler): void {
    this.inbox.on(type, handler);
  }

  /** A worker delivering this node's outbox; the node runs one (`worker`), more may share the work. */
  newWorker(settings: DeliverySettings): DeliveryWorker {
    return new DeliveryWorker(this.db, this.logger, settings, (message) => this.pushAttachments(message.recipient, message.inbox_url, message.attachments));
  }

  private async pushAttachments(to: string, inboxUrl: string, copies: { sha256: string; size: number }[]): Promise<void> {
    for (const copy of copies) {
      await pushAttachment(this.store, this.currentKeys, this.config.nodeId, to, inboxUrl, copy, DEFAULT_DELIVERY.requestTimeoutMs);
    }
  }

  /**
   * Encrypts a file into the store, streamed, to be sent with a message: call it before the transaction
   * (a large file takes time), then give what it returns to `send`. One copy serves any number of messages.
   */
  attach(source: Readable, meta: { mediaType: string; name: string }): Promise<Attachment> {
    return sealAttachment(this.store, source, meta);
  }

  /** The content of an attachment sent or received, decrypted as it is read. */
  openAttachment(attachment: Attachment): Promise<Readable> {
    return openAttachment(this.store, attachment);
  }

  /** Queues a message in the caller's transaction; call `worker.kick()` after commit to send it at once. */
  send(tx: Queryable, to: string, type: string, payload: unknown, attachments: Attachment[] = []): Promise<string> {
    return enqueue(tx, this.currentKeys, this.config.nodeId, to, type, payload, this.config.federation.deadAfterSeconds, attachments);
  }

  metadata(): NodeMetadata {
    const base = this.config.publicUrl.replace(/\/$/, '');
    return {
      nodeId: this.config.nodeId,
      displayName: this.config.displayName,
      state: this.config.state,
      kind: this.config.kind,
      endpoints: { inbox: `${base}${INBOX_PATH}`, metadata: `${base}${METADATA_PATH}` },
      jwks: { keys: this.currentKeys.published as NodeMetadata['jwks']['keys'] },
      fingerprint: this.currentFingerprint,
    };
  }

  /** The metadata signed by every signing key in use: peers accept new keys vouched for by one they trust. */
  async signedMetadata(): Promise<unknown> {
    const signer = new GeneralSign(new TextEncoder().encode(JSON.stringify(this.metadata())));
    for (const key of this.currentKeys.signers) {
      signer.addSignature(key.privateKey).setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'entraide-metadata+jws' });
    }
    return signer.sign();
  }

  /** New keys now; the old ones stay usable for the overlap period. */
  async rotateKeys(tx: Queryable, overlapSeconds: number): Promise<void> {
    await rotateNodeKeys(tx, this.keySecret, overlapSeconds);
  }

  /** Ends the overlap of every replaced key now, or only of those whose time is up. */
  retireKeys(tx: Queryable, now: boolean): Promise<string[]> {
    return retireExpiredKeys(tx, now);
  }

  /** Re-reads the keys after a rotation or a retirement has committed. */
  async reloadKeys(): Promise<void> {
    this.currentKeys = await loadNodeKeys(this.db, this.keySecret);
    this.currentFingerprint = await fingerprintOf(this.currentKeys.signing.publicJwk);
  }

  /** Fetches a trusted peer's signed metadata and takes its current keys; false if it could not. */
  async refreshPeer(nodeId: string): Promise<boolean> {
    const last = this.lastRefresh.get(nodeId) ?? 0;
    if (Date.now() - last < REFRESH_INTERVAL_MS) return false;
    this.lastRefresh.set(nodeId, Date.now());
    try {
      await refreshPeerKeys(this.db, nodeId);
      return true;
    } catch (error) {
      this.logger.warn({ peer: nodeId, err: error }, 'cannot refresh the keys of a peer');
      return false;
    }
  }
}
