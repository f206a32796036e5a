import { type JWK, decodeProtectedHeader } from 'jose';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../platform/db/database.ts';
import { type MessageHeader, digestOf, sealMessage } from './envelope.ts';
import { type NodeKeys, newMessageId } from './keys.ts';
import { verifyReceipt } from './receipts.ts';
import { encryptionKeyOf, trustedKey } from './trust.ts';

export interface DeliverySettings {
  /** First retry delay; each further one doubles, up to maxBackoffSeconds, with jitter. */
  firstBackoffSeconds: number;
  maxBackoffSeconds: number;
  batchSize: number;
  requestTimeoutMs: number;
  idlePollMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  firstBackoffSeconds: 1,
  maxBackoffSeconds: 600,
  batchSize: 32,
  requestTimeoutMs: 15_000,
  idlePollMs: 200,
};

/**
 * Writes a sealed message to the outbox in the caller's transaction: it leaves if and only if
 * the change that caused it commits. Sealed once, so every retry sends the very same bytes.
 */
export async function enqueue(tx: Queryable, keys: NodeKeys, self: string, to: string, type: string, payload: unknown, deadAfterSeconds: number): Promise<string> {
  const { key } = await encryptionKeyOf(tx, to);
  const header: MessageHeader = { msgId: newMessageId(), from: self, to, type, iat: Math.floor(Date.now() / 1000) };
  const envelope = await sealMessage(header, payload, keys, key);
  await tx.query(
    'INSERT INTO outbox (msg_id, recipient, type, envelope, digest, give_up_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))',
    [header.msgId, to, type, envelope, digestOf(envelope), deadAfterSeconds],
  );
  return header.msgId;
}

/** Exponential back-off with jitter, so that peers coming back are not hit by every sender at once. */
export function backoffSeconds(attempt: number, settings: DeliverySettings, random = Math.random): number {
  const ceiling = Math.min(settings.maxBackoffSeconds, settings.firstBackoffSeconds * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

interface Claimed {
  msg_id: string;
  recipient: string;
  envelope: string;
  digest: string;
  attempts: number;
  inbox_url: string;
  expired: boolean;
}

interface Delivered {
  msgId: string;
  receipt: string;
}

interface Failed {
  message: Claimed;
  failure: string;
  dead: boolean;
}

/** Statuses that say the message itself is wrong: retrying the same bytes cannot succeed. */
const FINAL_REFUSALS = new Set([400, 413, 422]);

/** Delivers due messages, with a lease so that several workers on one database share the work. */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private kicked = false;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly settings: DeliverySettings,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Looks for work now rather than at the next poll; during a round, right after it. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.kicked = true;
    else this.schedule(0);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.deliverDue()
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'delivery round failed');
          return 0;
        })
        .then((count) => {
          this.running = undefined;
          const more = count >= this.settings.batchSize || this.kicked;
          this.kicked = false;
          if (!this.stopped) this.schedule(more ? 0 : this.settings.idlePollMs);
        });
    }, delay);
  }

  /** One round: claims a batch, sends it, records each outcome. Returns how many were claimed. */
  async deliverDue(): Promise<number> {
    const { rows } = await this.db.query<Claimed>(
      `UPDATE outbox o SET lease_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
         FROM peers p
        WHERE p.node_id = o.recipient AND p.status = 'active' AND o.msg_id IN (
              SELECT msg_id FROM outbox
               WHERE state = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
               ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING o.msg_id, o.recipient, o.envelope, o.digest, o.attempts, p.inbox_url,
                  o.give_up_at < now() AS expired`,
      [this.settings.batchSize, Math.ceil(this.settings.requestTimeoutMs / 1000) * 2],
    );
    // Receipts of one round are mostly signed by the same few keys: look each up once.
    const keys = new Map<string, Promise<JWK | undefined>>();
    const receiptKey = (recipient: string, kid: string) => {
      const id = `${recipient}\u0000${kid}`;
      if (!keys.has(id)) keys.set(id, trustedKey(this.db, recipient, kid, 'sig'));
      return keys.get(id)!;
    };
    const outcomes = await Promise.all(rows.map((message) => this.attempt(message, receiptKey)));
    const delivered = outcomes.filter((outcome): outcome is Delivered => 'receipt' in outcome);
    if (delivered.length > 0) {
      // One statement for the round: if the node dies before it, the messages are sent again and the
      // receiver answers with its first receipts, applying nothing twice.
      await this.db.query(
        `UPDATE outbox o SET state = 'delivered', receipt = d.receipt, delivered_at = now(), lease_until = NULL, last_error = NULL
           FROM unnest($1::uuid[], $2::text[]) AS d(msg_id, receipt) WHERE o.msg_id = d.msg_id`,
        [delivered.map((d) => d.msgId), delivered.map((d) => d.receipt)],
      );
    }
    for (const outcome of outcomes) {
      if ('failure' in outcome) await this.recordFailure(outcome);
    }
    return rows.length;
  }

  /** Sends one message and checks its receipt; says what became of it. */
  private async attempt(message: Claimed, receiptKey: (recipient: string, kid: string) => Promise<JWK | undefined>): Promise<Delivered | Failed> {
    let failure: string;
    let final = false;
    try {
      const response = await fetch(message.inbox_url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: message.envelope,
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
      const text = await response.text();
      if (response.ok) {
        const receipt = (JSON.parse(text) as { receipt: string }).receipt;
        const kid = String(decodeProtectedHeader(receipt).kid);
        const key = await receiptKey(message.recipient, kid);
        if (!key) throw new Error(`the receipt is signed with an unknown key ${kid}`);
        await verifyReceipt(receipt, key, { msgId: message.msg_id, digest: message.digest });
        return { msgId: message.msg_id, receipt };
      }
      failure = `${response.status}: ${text.slice(0, 500)}`;
      final = FINAL_REFUSALS.has(response.status);
    } catch (error) {
      failure = (error as Error).message;
    }
    return { message, failure, dead: final || message.expired };
  }

  private async recordFailure({ message, failure, dead }: Failed): Promise<void> {
    this.logger.warn({ msgId: message.msg_id, to: message.recipient, attempt: message.attempts, dead, failure }, 'delivery failed');
    await this.db.query(
      `UPDATE outbox SET state = CASE WHEN $2 THEN 'dead' ELSE 'pending' END, last_error = $3, lease_until = NULL,
              next_attempt_at = now() + make_interval(secs => $4) WHERE msg_id = $1`,
      [message.msg_id, dead, failure, backoffSeconds(message.attempts, this.settings)],
    );
  }
}
