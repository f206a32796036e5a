import type { OpenedMessage } from '../federation/envelope.ts';
import type { Federation } from '../federation/service.ts';
import type { Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { type VerifiedApproval, requestDigest } from './approvals.ts';
import { getPeer } from '../federation/trust.ts';
import type { Profile } from './profile.ts';
import type { RequestRow } from './store.ts';

export const NOTIFY_MESSAGE = 'request.notify';

/** What the provider's State is told of an order sent straight to the provider. */
export interface OrderNotice {
  id: string;
  kind: string;
  requester: string;
  provider: string;
  digest: string;
  fields: Record<string, unknown>;
  legalBasis: Record<string, unknown>;
  approvedBy: string | null;
}

export interface NotificationRow {
  request_id: string;
  requester: string;
  provider: string;
  kind: string;
  digest: string;
  order_json: OrderNotice;
  msg_id: string;
  received_at: Date;
}

/** The categories of an order to a provider of which the provider's State asks to be notified. */
function notifiable(row: Pick<RequestRow, 'kind' | 'fields'>, profile: Profile | undefined): string[] {
  if (row.kind !== 'disclosure' || profile?.kind !== 'service_provider' || !profile.notifyNode) return [];
  const categories = Array.isArray(row.fields.dataCategories) ? (row.fields.dataCategories as string[]) : [];
  return categories.filter((category) => profile.notifyOn.includes(category as never));
}

/** Tells the provider's State of an order as it leaves, in the same transaction: both messages or neither. */
export async function notifyProviderState(tx: Queryable, federation: Federation, row: RequestRow, profile: Profile | undefined): Promise<void> {
  if (notifiable(row, profile).length === 0 || !row.digest) return;
  // An order from within the provider's own State (one forwarded by its authority) is no foreign order.
  if (profile!.state === federation.config.state || profile!.notifyNode === federation.config.nodeId) return;
  const approval = row.approval as VerifiedApproval | null;
  const notice: OrderNotice = {
    id: row.id, kind: row.kind, requester: row.requester, provider: row.executor, digest: row.digest, fields: row.fields, legalBasis: row.legal_basis,
    approvedBy: approval?.official ?? null,
  };
  await federation.send(tx, profile!.notifyNode!, NOTIFY_MESSAGE, notice);
}

/**
 * A notice received: kept for the State's authority to read; a repeated one changes nothing. It must
 * be the requester's own, about a provider of this State, and say what the order says (its digest).
 */
export async function receiveNotice(tx: Queryable, message: OpenedMessage, ownState: string): Promise<void> {
  const notice = message.payload as OrderNotice;
  if (notice?.requester !== message.from) throw new HttpProblem(403, 'not-a-party', `${message.from} notifies only of its own orders`);
  const wellFormed = typeof notice.id === 'string' && typeof notice.kind === 'string' && typeof notice.provider === 'string' && typeof notice.digest === 'string'
    && typeof notice.fields === 'object' && notice.fields !== null && typeof notice.legalBasis === 'object' && notice.legalBasis !== null;
  if (!wellFormed) throw new HttpProblem(422, 'invalid-notice', 'a notice names the order, its provider, what it says and its digest');
  const provider = await getPeer(tx, notice.provider).catch(() => undefined);
  if (provider?.state !== ownState) throw new HttpProblem(422, 'invalid-notice', `${notice.provider} is not a provider of this State`);
  const digest = requestDigest({ id: notice.id, kind: notice.kind, requester: notice.requester, executor: notice.provider, fields: notice.fields, legal_basis: notice.legalBasis });
  if (digest !== notice.digest) throw new HttpProblem(422, 'invalid-notice', 'the notice does not say what the order says');
  await tx.query(
    `INSERT INTO request_notifications (request_id, requester, provider, kind, digest, order_json, msg_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (requester, request_id) DO NOTHING`,
    [notice.id, notice.requester, notice.provider, String(notice.kind), notice.digest, JSON.stringify(notice), message.msgId],
  );
}

export async function listNotices(db: Queryable, limit: number): Promise<NotificationRow[]> {
  return (await db.query<NotificationRow>('SELECT * FROM request_notifications ORDER BY received_at DESC LIMIT $1', [limit])).rows;
}
