import { type JWK, decodeProtectedHeader } from 'jose';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../platform/db/database.ts';
import type { StoredCopy } from './attachment-transfer.ts';
import type { Attachment } from './attachments.ts';
import { type MessageHeader, digestOf, sealMessage } from './envelope.ts';
import { type NodeKeys, newMessageId } from './keys.ts';
import { verifyReceipt } from './receipts.ts';
import { encryptionKeyOf, trustedKey } from './trust.ts';

export interface DeliverySettings {
  /** First retry delay; each further one doubles, up to maxBackoffSeconds, with jitter. */
  firstBackoffSeconds: number;
  maxBackoffSeconds: number;
  /** Messages claimed by one round. */
  batchSize: number;
  /** Rounds in flight at once: while one waits for a peer's answers, another seals, sends or records. */
  lanes: number;
  requestTimeoutMs: number;
  idlePollMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  firstBackoffSeconds: 1,
  maxBackoffSeconds: 600,
  batchSize: 32,
  lanes: 4,
  requestTimeoutMs: 15_000,
  idlePollMs: 200,
};

/** At most this many messages, and about this many bytes, travel in one request to a peer's inbox. */
export const MAX_BATCH = 64;
const BATCH_BYTES = 1024 * 1024;

/** What a peer's batch endpoint must accept: a full batch, or one envelope as large as its inbox takes. */
export const batchBodyLimit = (inboxLimit: number) => Math.max(inboxLimit, BATCH_BYTES) + 1024;

/**
 * Writes a sealed message to the outbox in the caller's transaction: it leaves if and only if
 * the change that caused it commits. Sealed once, so every retry sends the very same bytes.
 */
export async function enqueue(tx: Queryable, keys: NodeKeys, self: string, to: string, type: string, payload: unknown, deadAfterSeconds: number, attachments: Attachment[] = []): Promise<string> {
  const { key } = await encryptionKeyOf(tx, to);
  const header: MessageHeader = { msgId: newMessageId(), from: self, to, type, iat: Math.floor(Date.now() / 1000) };
  const envelope = await sealMessage(header, payload, keys, key, attachments);
  const copies: StoredCopy[] = attachments.map(({ encrypted }) => ({ sha256: encrypted.sha256, size: encrypted.size }));
  await tx.query(
    `INSERT INTO outbox (msg_id, recipient, type, envelope, digest, give_up_at, attachments)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7)`,
    [header.msgId, to, type, envelope, digestOf(envelope), deadAfterSeconds, JSON.stringify(copies)],
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
  attachments: StoredCopy[];
}

/** Puts a message's encrypted attachments into the recipient's store; throws if the recipient refuses. */
export type PushAttachments = (message: { recipient: string; inbox_url: string; attachments: StoredCopy[] }) => Promise<void>;

interface Delivered {
  msgId: string;
  receipt: string;
}

interface Failed {
  message: Claimed;
  failure: string;
  dead: boolean;
}

type ReceiptKey = (recipient: string, kid: string) => Promise<JWK | undefined>;

/** Statuses that say the message itself is wrong: retrying the same bytes cannot succeed. */
const FINAL_REFUSALS = new Set([400, 413, 422]);

/** A peer's answer for one message of a batch. */
type BatchResult = { receipt: string } | { problem: { status: number; type: string; detail?: string } };

/** The claimed messages, grouped by recipient and cut into requests of at most MAX_BATCH messages and about BATCH_BYTES. */
function requestsOf(messages: Claimed[]): Claimed[][] {
  const requests: Claimed[][] = [];
  const open = new Map<string, { messages: Claimed[]; bytes: number }>();
  for (const message of messages) {
    let current = open.get(message.recipient);
    if (!current || current.messages.length >= MAX_BATCH || current.bytes + message.envelope.length > BATCH_BYTES) {
      current = { messages: [], bytes: 0 };
      open.set(message.recipient, current);
      requests.push(current.messages);
    }
    current.messages.push(message);
    current.bytes += message.envelope.length;
  }
  return requests;
}

/** Delivers due messages, with a lease so that several workers on one database share the work. */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly lanes = new Set<Promise<void>>();
  private stopped = true;
  private kicked = false;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly settings: DeliverySettings,
    private readonly pushAttachments: PushAttachments,
  ) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.lanes);
  }

  /** Looks for work now rather than at the next poll; a lane already running goes on a round more. */
  kick(): void {
    if (this.stopped) return;
    this.kicked = true;
    clearTimeout(this.timer);
    if (this.lanes.size === 0) this.addLane();
  }

  /** One more round in flight, up to the limit: the backlog grows lanes, an idle node polls with one. */
  private addLane(): void {
    if (this.stopped || this.lanes.size >= this.settings.lanes) return;
    const lane = this.runLane().finally(() => {
      this.lanes.delete(lane);
      if (this.lanes.size === 0 && !this.stopped) this.timer = setTimeout(() => this.kick(), this.settings.idlePollMs);
    });
    this.lanes.add(lane);
  }

  /** Rounds one after another while there is work: a full batch, or a kick since the round began. */
  private async runLane(): Promise<void> {
    let more = true;
    while (more && !this.stopped) {
      // A kick before this claim is answered by it; one during the round asks for another.
      this.kicked = false;
      const count = await this.deliverDue().catch((error: unknown) => {
        this.logger.error({ err: error }, 'delivery round failed');
        return 0;
      });
      const full = count >= this.settings.batchSize;
      if (full) this.addLane();
      more = full || this.kicked;
    }
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
        RETURNING o.msg_id, o.recipient, o.envelope, o.digest, o.attempts, p.inbox_url, o.attachments,
                  o.give_up_at < now() AS expired`,
      [this.settings.batchSize, Math.ceil(this.settings.requestTimeoutMs / 1000) * 2],
    );
    if (rows.length === 0) return 0;
    // Receipts of one round are mostly signed by the same few keys: look each up once.
    const keys = new Map<string, Promise<JWK | undefined>>();
    const receiptKey: ReceiptKey = (recipient, kid) => {
      const id = `${recipient}\u0000${kid}`;
      if (!keys.has(id)) keys.set(id, trustedKey(this.db, recipient, kid, 'sig'));
      return keys.get(id)!;
    };
    const { ready, failed } = await this.withAttachmentsPushed(rows);
    const outcomes = [...failed, ...(await Promise.all(requestsOf(ready).map((request) => this.send(request, receiptKey)))).flat()];
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

  /** A message leaves only once the recipient holds its attachments; one that cannot push them waits for a later round. */
  private async withAttachmentsPushed(messages: Claimed[]): Promise<{ ready: Claimed[]; failed: Failed[] }> {
    const pushed = await Promise.all(messages.map(async (message) => {
      if (message.attachments.length === 0) return undefined;
      try {
        await this.pushAttachments(message);
        return undefined;
      } catch (error) {
        return { message, failure: (error as Error).message, dead: message.expired };
      }
    }));
    return { ready: messages.filter((_, i) => !pushed[i]), failed: pushed.filter((f): f is Failed => f !== undefined) };
  }

  /** Sends messages for one peer in one request and checks each receipt; says what became of each. */
  private async send(messages: Claimed[], receiptKey: ReceiptKey): Promise<(Delivered | Failed)[]> {
    const failAll = (failure: string, final: boolean) => messages.map((message) => ({ message, failure, dead: final || message.expired }));
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${messages[0]!.inbox_url}/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ envelopes: messages.map((m) => m.envelope) }),
        signal: AbortSignal.timeout(this.settings.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return failAll((error as Error).message, false);
    }
    if (response.status === 413 && messages.length > 1) {
      // Too much for the peer at once: each on its own, so that only a message too large for it dies.
      return (await Promise.all(messages.map((message) => this.send([message], receiptKey)))).flat();
    }
    if (!response.ok) return failAll(`${response.status}: ${text.slice(0, 500)}`, FINAL_REFUSALS.has(response.status));
    let results: BatchResult[];
    try {
      results = (JSON.parse(text) as { results: BatchResult[] }).results;
      if (!Array.isArray(results) || results.length !== messages.length) throw new Error('not one result per message');
    } catch (error) {
      return failAll(`unreadable answer: ${(error as Error).message}`, false);
    }
    return Promise.all(messages.map((message, i) => this.outcome(message, results[i]!, receiptKey)));
  }

  private async outcome(message: Claimed, result: BatchResult, receiptKey: ReceiptKey): Promise<Delivered | Failed> {
    if ('problem' in result) {
      const { status, type, detail } = result.problem;
      return { message, failure: `${status}: ${type}${detail ? ` (${detail})` : ''}`, dead: FINAL_REFUSALS.has(status) || message.expired };
    }
    try {
      const kid = String(decodeProtectedHeader(result.receipt).kid);
      const key = await receiptKey(message.recipient, kid);
      if (!key) throw new Error(`the receipt is signed with an unknown key ${kid}`);
      await verifyReceipt(result.receipt, key, { msgId: message.msg_id, digest: message.digest });
      return { msgId: message.msg_id, receipt: result.receipt };
    } catch (error) {
      return { message, failure: (error as Error).message, dead: message.expired };
    }
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
