import type { Logger } from 'pino';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { type OpenedMessage, digestOf, openMessage, outerHeader } from './envelope.ts';
import type { NodeKeys } from './keys.ts';
import { signReceipt } from './receipts.ts';
import { trustedKey } from './trust.ts';

/** Applies one kind of message, in the transaction that records it in the inbox. */
export type MessageHandler = (tx: Queryable, message: OpenedMessage) => Promise<void>;

export interface InboxSettings {
  self: string;
  maxSkewSeconds: number;
  /** The replay window: older messages are refused, and ids are kept at least this long. */
  maxAgeSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Receives messages exactly once: verified, then applied and recorded with their receipt in one
 * transaction. A retry of a message already applied gets the first receipt and applies nothing.
 */
export class Inbox {
  private readonly handlers = new Map<string, MessageHandler>();

  constructor(
    private readonly db: Database,
    /** The node's keys as they are now: they change when the node rotates them. */
    private readonly keys: () => NodeKeys,
    private readonly settings: InboxSettings,
    private readonly logger: Logger,
    /** Asks a trusted peer for its current keys, when it signs with a key not yet known here. */
    private readonly refreshPeer: (nodeId: string) => Promise<boolean>,
  ) {}

  on(type: string, handler: MessageHandler): void {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler);
  }

  async receive(envelope: string): Promise<{ receipt: string; duplicate: boolean }> {
    try {
      return await this.receiveOrRefuse(envelope);
    } catch (error) {
      if (error instanceof HttpProblem) {
        const outer = safeOuter(envelope);
        this.logger.warn({ reason: error.slug, detail: error.message, msgId: outer.msgId, from: outer.from }, 'message refused');
      }
      throw error;
    }
  }

  private async receiveOrRefuse(envelope: string): Promise<{ receipt: string; duplicate: boolean }> {
    const outer = outerHeader(envelope);
    if (typeof outer.msgId !== 'string' || !UUID.test(outer.msgId)) throw new HttpProblem(400, 'malformed-envelope', 'the message id is not a UUID');
    const digest = digestOf(envelope);
    const earlier = await this.previous(this.db, outer.msgId, digest);
    if (earlier) return { receipt: earlier, duplicate: true };

    const message = await openMessage(envelope, {
      self: this.settings.self,
      keys: this.keys(),
      senderKey: async (from, kid) =>
        (await trustedKey(this.db, from, kid, 'sig')) ??
        // A peer that rotated its keys signs with one we have not seen: learn it from the peer, vouched by its old key.
        ((await this.refreshPeer(from)) ? trustedKey(this.db, from, kid, 'sig') : undefined),
      now: Date.now(),
      maxSkewSeconds: this.settings.maxSkewSeconds,
      maxAgeSeconds: this.settings.maxAgeSeconds,
    });
    const handler = this.handlers.get(message.type);
    if (!handler) throw new HttpProblem(422, 'unknown-message-type', `this node does not handle messages of type ${message.type}`);
    const receivedAt = new Date().toISOString();
    const receipt = await signReceipt({ msgId: message.msgId, from: message.from, to: message.to, digest, receivedAt }, this.keys());
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO inbox (msg_id, sender, type, created_at, received_at, digest, envelope, payload, receipt)
         VALUES ($1, $2, $3, to_timestamp($4), $5, $6, $7, $8, $9) ON CONFLICT (msg_id) DO NOTHING`,
        [message.msgId, message.from, message.type, message.iat, receivedAt, digest, envelope, JSON.stringify(message.payload), receipt],
      );
      if (inserted.rowCount === 0) {
        // The same message arrived twice at once: the other delivery applied it.
        return { receipt: (await this.previous(tx, message.msgId, digest))!, duplicate: true };
      }
      await handler(tx, message);
      return { receipt, duplicate: false };
    });
  }

  /** The receipt of a message already applied; a different message reusing its id is refused. */
  private async previous(db: Queryable, msgId: string, digest: string): Promise<string | undefined> {
    const { rows } = await db.query<{ digest: string; receipt: string }>('SELECT digest, receipt FROM inbox WHERE msg_id = $1', [msgId]);
    const row = rows[0];
    if (!row) return undefined;
    if (row.digest !== digest) throw new HttpProblem(409, 'message-id-reused', 'another message was already received with this id');
    return row.receipt;
  }
}

function safeOuter(envelope: string): { msgId?: unknown; from?: unknown } {
  try {
    return outerHeader(envelope);
  } catch {
    return {};
  }
}
