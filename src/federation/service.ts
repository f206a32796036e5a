import type { Logger } from 'pino';
import type { NodeConfig } from '../platform/config.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { Inbox, type MessageHandler } from './inbox.ts';
import { fingerprintOf, type NodeKeys, loadNodeKeys } from './keys.ts';
import type { NodeMetadata } from './metadata.ts';
import { DEFAULT_DELIVERY, DeliveryWorker, enqueue } from './outbox.ts';

export const INBOX_PATH = '/federation/v1/inbox';
export const METADATA_PATH = '/.well-known/entraide';

/** The node's part in the federation: its keys, what it publishes, its inbox and its outbox. */
export class Federation {
  readonly inbox: Inbox;
  readonly worker: DeliveryWorker;

  private constructor(
    readonly db: Database,
    readonly keys: NodeKeys,
    readonly config: NodeConfig,
    readonly fingerprint: string,
    logger: Logger,
  ) {
    this.inbox = new Inbox(db, keys, { self: config.nodeId, ...config.federation }, logger);
    this.worker = new DeliveryWorker(db, logger, DEFAULT_DELIVERY);
    // A message to check that two nodes reach each other; it changes nothing but the inbox.
    this.inbox.on('federation.ping', async () => undefined);
  }

  static async open(db: Database, config: NodeConfig, keySecret: string, logger: Logger): Promise<Federation> {
    const keys = await loadNodeKeys(db, keySecret);
    return new Federation(db, keys, config, await fingerprintOf(keys.signing.publicJwk), logger);
  }

  on(type: string, handler: MessageHandler): void {
    this.inbox.on(type, handler);
  }

  /** Queues a message in the caller's transaction; call `worker.kick()` after commit to send it at once. */
  send(tx: Queryable, to: string, type: string, payload: unknown): Promise<string> {
    return enqueue(tx, this.keys, this.config.nodeId, to, type, payload, this.config.federation.deadAfterSeconds);
  }

  metadata(): NodeMetadata {
    const base = this.config.publicUrl.replace(/\/$/, '');
    return {
      nodeId: this.config.nodeId,
      displayName: this.config.displayName,
      state: this.config.state,
      kind: this.config.kind,
      endpoints: { inbox: `${base}${INBOX_PATH}`, metadata: `${base}${METADATA_PATH}` },
      jwks: { keys: this.keys.published as NodeMetadata['jwks']['keys'] },
      fingerprint: this.fingerprint,
    };
  }
}
