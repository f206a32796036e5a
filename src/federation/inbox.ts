import type { Logger } from 'pino';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { type OpenedMessage, digestOf, openMessage, outerHeader } from './envelope.ts';
import type { NodeKeys } from './keys.ts';
import { signReceipt } from './receipts.ts';
import { trustedKey } from './trust.ts';
import type { BlobStore } from '../platform/blobs.ts';
import { holdsSignedContent } from './attachments.ts';

/** Applies one kind of message, in the transaction that records it in the inbox. */
export type MessageHandler = (tx: Queryable, message: OpenedMessage) => Promise<void>;

export interface InboxSettings {
  self: string;
  maxSkewSeconds: number;
  /** The replay window: older messages are refused, and ids are kept at least this long. */
  maxAgeSeconds: number;
  /** The largest envelope accepted, in bytes, alone or in a batch. */
  inboxLimit: number;
}

/** What became of one message: its receipt (the first one, for a message seen before), or why it is refused. */
export type Outcome = { receipt: string; duplicate: boolean } | { refused: HttpProblem };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A message verified and receipted, ready to be applied. */
interface Ready {
  index: number;
  envelope: string;
  digest: string;
  message: OpenedMessage;
  handler: MessageHandler;
  receivedAt: string;
  receipt: string;
}

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
    /** Where peers have put the encrypted attachments of the messages they send. */
    private readonly store: BlobStore,
    /**
     * Called once messages are applied and committed: a handler may have queued messages of its own
     * (an answer passed on to the node a request came from), which should leave now, not at the next poll.
     */
    private readonly afterApply: () => void = () => undefined,
  ) {}

  on(type: string, handler: MessageHandler): void {
    if (this.handlers.has(type)) throw new Error(`a handler for ${type} is already registered`);
    this.handlers.set(type, handler);
  }

  /** One message: its receipt, or the refusal thrown as a problem. */
  async receive(envelope: string): Promise<{ receipt: string; duplicate: boolean }> {
    const [outcome] = await this.receiveAll([envelope]);
    if ('refused' in outcome!) throw outcome.refused;
    return outcome!;
  }

  /**
   * Several messages from one request, each with its own outcome in the same order. Look-ups are made
   * once for all, and the messages are applied in one transaction, so a batch costs one commit.
   */
  async receiveAll(envelopes: readonly string[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(envelopes.length);
    const headers = envelopes.map((envelope, index) => {
      try {
        return this.checkOuter(envelope);
      } catch (error) {
        outcomes[index] = this.refusal(envelope, error);
        return undefined;
      }
    });
    const ids = headers.flatMap((header) => (header ? [header.msgId] : []));
    const earlier = await this.previous(this.db, ids);
    const senderKey = this.senderKeys();
    const ready = await Promise.all(envelopes.map(async (envelope, index): Promise<Ready | undefined> => {
      const header = headers[index];
      if (!header) return undefined;
      const digest = digestOf(envelope);
      try {
        const first = firstReceipt(earlier.get(header.msgId), digest);
        if (first) {
          outcomes[index] = { receipt: first, duplicate: true };
          return undefined;
        }
        return { index, envelope, digest, ...(await this.verify(envelope, digest, senderKey)) };
      } catch (error) {
        outcomes[index] = this.refusal(envelope, error);
        return undefined;
      }
    }));
    const toApply = ready.filter((item): item is Ready => item !== undefined);
    if (toApply.length > 0) await this.apply(toApply, outcomes);
    return outcomes;
  }

  private checkOuter(envelope: string): { msgId: string } {
    if (envelope.length > this.settings.inboxLimit) throw new HttpProblem(413, 'too-large', 'the message is larger than this node accepts');
    const outer = outerHeader(envelope);
    if (typeof outer.msgId !== 'string' || !UUID.test(outer.msgId)) throw new HttpProblem(400, 'malformed-envelope', 'the message id is not a UUID');
    return { msgId: outer.msgId };
  }

  /** The sender's signing keys, each looked up once per batch. */
  private senderKeys() {
    const found = new Map<string, Promise<import('jose').JWK | undefined>>();
    return (from: string, kid: string) => {
      const id = `${from}\u0000${kid}`;
      if (!found.has(id)) {
        found.set(id, (async () =>
          (await trustedKey(this.db, from, kid, 'sig')) ??
          // A peer that rotated its keys signs with one we have not seen: learn it from the peer, vouched by its old key.
          ((await this.refreshPeer(from)) ? trustedKey(this.db, from, kid, 'sig') : undefined))());
      }
      return found.get(id)!;
    };
  }

  private async verify(envelope: string, digest: string, senderKey: (from: string, kid: string) => Promise<import('jose').JWK | undefined>) {
    const message = await openMessage(envelope, {
      self: this.settings.self,
      keys: this.keys(),
      senderKey,
      now: Date.now(),
      maxSkewSeconds: this.settings.maxSkewSeconds,
      maxAgeSeconds: this.settings.maxAgeSeconds,
    });
    const handler = this.handlers.get(message.type);
    if (!handler) throw new HttpProblem(422, 'unknown-message-type', `this node does not handle messages of type ${message.type}`);
    await this.checkAttachments(message);
    const receivedAt = new Date().toISOString();
    const receipt = await signReceipt({ msgId: message.msgId, from: message.from, to: message.to, digest, receivedAt }, this.keys());
    return { message, handler, receivedAt, receipt };
  }

  /** Each attachment must be here, and decrypt to the very content whose SHA-256 the sender signed. */
  private async checkAttachments(message: OpenedMessage): Promise<void> {
    for (const attachment of message.attachments) {
      if ((await this.store.sizeOf(attachment.encrypted.sha256)) !== attachment.encrypted.size) {
        // The sender pushes attachments before the message: it will push again and retry.
        throw new HttpProblem(409, 'attachment-missing', `attachment ${attachment.name} (${attachment.encrypted.sha256}) has not been received`);
      }
      if (!(await holdsSignedContent(this.store, attachment))) {
        throw new HttpProblem(400, 'attachment-altered', `attachment ${attachment.name} does not decrypt to the content the sender signed`);
      }
    }
  }

  /**
   * Applies the batch in one transaction. If a handler fails, nothing of the batch is kept and each
   * message is applied again in a transaction of its own, so that one bad message delays no other.
   */
  private async apply(batch: Ready[], outcomes: Outcome[]): Promise<void> {
    try {
      const applied = await this.db.transaction((tx) => this.applyInTransaction(tx, batch));
      applied.forEach((outcome, i) => (outcomes[batch[i]!.index] = outcome));
      this.afterApply();
      return;
    } catch (error) {
      if (batch.length === 1) {
        outcomes[batch[0]!.index] = this.refusal(batch[0]!.envelope, error);
        return;
      }
    }
    for (const item of batch) {
      try {
        outcomes[item.index] = (await this.db.transaction((tx) => this.applyInTransaction(tx, [item])))[0]!;
        this.afterApply();
      } catch (error) {
        outcomes[item.index] = this.refusal(item.envelope, error);
      }
    }
  }

  private async applyInTransaction(tx: Queryable, batch: Ready[]): Promise<Outcome[]> {
    const { rows } = await tx.query<{ msg_id: string }>(
      `INSERT INTO inbox (msg_id, sender, type, created_at, received_at, digest, envelope, payload, receipt, attachments)
       SELECT m.msg_id, m.sender, m.type, to_timestamp(m.iat), m.received_at, m.digest, m.envelope, m.payload::jsonb, m.receipt, m.attachments::jsonb
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
              AS m(msg_id, sender, type, iat, received_at, digest, envelope, payload, receipt, attachments)
       ON CONFLICT (msg_id) DO NOTHING RETURNING msg_id`,
      [
        batch.map((r) => r.message.msgId), batch.map((r) => r.message.from), batch.map((r) => r.message.type), batch.map((r) => r.message.iat),
        batch.map((r) => r.receivedAt), batch.map((r) => r.digest), batch.map((r) => r.envelope), batch.map((r) => JSON.stringify(r.message.payload)),
        batch.map((r) => r.receipt), batch.map((r) => JSON.stringify(r.message.attachments)),
      ],
    );
    const inserted = new Set(rows.map((row) => row.msg_id));
    // Another delivery of the same message, applied meanwhile, wrote the rows missing here.
    const concurrent = await this.previous(tx, batch.filter((r) => !inserted.has(r.message.msgId)).map((r) => r.message.msgId));
    const outcomes: Outcome[] = [];
    for (const item of batch) {
      if (inserted.has(item.message.msgId)) {
        await item.handler(tx, item.message);
        outcomes.push({ receipt: item.receipt, duplicate: false });
      } else {
        outcomes.push({ receipt: firstReceipt(concurrent.get(item.message.msgId), item.digest)!, duplicate: true });
      }
    }
    return outcomes;
  }

  /** What the inbox already holds for these ids. */
  private async previous(db: Queryable, ids: string[]): Promise<Map<string, { digest: string; receipt: string }>> {
    if (ids.length === 0) return new Map();
    const { rows } = await db.query<{ msg_id: string; digest: string; receipt: string }>(
      'SELECT msg_id, digest, receipt FROM inbox WHERE msg_id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.msg_id, row]));
  }

  /** A refusal is logged and becomes this message's outcome; an unexpected error is logged as one, and the sender will retry. */
  private refusal(envelope: string, error: unknown): Outcome {
    const outer = safeOuter(envelope);
    if (error instanceof HttpProblem) {
      this.logger.warn({ reason: error.slug, detail: error.message, msgId: outer.msgId, from: outer.from }, 'message refused');
      return { refused: error };
    }
    this.logger.error({ err: error, msgId: outer.msgId, from: outer.from }, 'message could not be applied');
    return { refused: new HttpProblem(500, 'internal', 'the node could not apply the message') };
  }
}

/** The first receipt of a message already applied; a different message reusing its id is refused. */
function firstReceipt(row: { digest: string; receipt: string } | undefined, digest: string): string | undefined {
  if (!row) return undefined;
  if (row.digest !== digest) throw new HttpProblem(409, 'message-id-reused', 'another message was already received with this id');
  return row.receipt;
}

function safeOuter(envelope: string): { msgId?: unknown; from?: unknown } {
  try {
    return outerHeader(envelope);
  } catch {
    return {};
  }
}
