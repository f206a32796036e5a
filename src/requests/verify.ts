import type { Federation } from '../federation/service.ts';
import { signStatement } from '../federation/statements.ts';
import type { Queryable } from '../platform/db/database.ts';
import { kindOf } from './kinds.ts';

const VERIFICATION_TYP = 'entraide-verification+jws';

/** What the issuing node says of a request someone holds: that it is its own, not what it says. */
export interface Verification {
  genuine: boolean;
  reference: string;
  digest: string;
  issuer: string;
  state?: string;
  kind?: string;
  sentAt?: string;
  approved?: boolean;
  /** Whether the request is still to be acted on (not withdrawn, refused or closed). */
  inForce?: boolean;
  checkedAt: string;
}

/**
 * Whether this node sent the request with this reference and this digest. Someone holding a request
 * (a provider that received it by e-mail, a court) learns that it is genuine, its kind and when it was
 * sent, and nothing else; with a wrong reference or digest, only that it is not. The answer is signed
 * by the node, so that it can be kept as proof.
 */
export async function verifyRequest(db: Queryable, federation: Federation, reference: string, digest: string): Promise<{ verification: Verification; signed: string }> {
  const { rows } = await db.query<{ kind: string; state: string; approval: unknown; sent_at: Date | null }>(
    `SELECT r.kind, r.state, r.approval,
            (SELECT min(e.at) FROM request_events e WHERE e.request_id = r.id AND e.msg_id IS NOT NULL) AS sent_at
       FROM requests r WHERE r.id = $1 AND r.side = 'requester' AND r.digest = $2`,
    [reference, digest],
  );
  const row = rows[0];
  const base = { reference, digest, issuer: federation.config.nodeId, state: federation.config.state, checkedAt: new Date().toISOString() };
  const verification: Verification = row
    ? {
        ...base, genuine: true, kind: row.kind, sentAt: row.sent_at?.toISOString(), approved: row.approval !== null,
        inForce: !(kindOf(row.kind)?.machine.final.includes(row.state) ?? true),
      }
    : { ...base, genuine: false };
  return { verification, signed: await signStatement(federation.keys, VERIFICATION_TYP, verification) };
}
