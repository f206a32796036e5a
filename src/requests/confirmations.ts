import { codeDigest, codeMatches, newCode, parseCode } from '../platform/codes.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';

/**
 * The second channel of an emergency request. The requesting node makes a code as the request leaves
 * and shows it only to its 24/7 desk; the request carries a digest of the code bound to the request,
 * so that the provider, having called the desk at the number its State publishes and been read the
 * code, can check it on its own node. The code is 12 characters (60 bits) and a check character:
 * short enough to read out, too many to guess, and a misheard character is told apart from a wrong code.
 */
const CODE_LENGTH = 12;
/** Wrong codes after which the provider must ask the desk again by other means. */
const MAX_ATTEMPTS = 5;

/** The code's digest bound to its request: the same code would not confirm another. */
const bound = (requestId: string, code: string) => codeDigest(`${requestId}${code}`).toString('hex');

/** A fresh code for a request that leaves; returns the digest that travels with it. */
export async function issueConfirmation(tx: Queryable, requestId: string): Promise<string> {
  const code = newCode(CODE_LENGTH);
  const digest = bound(requestId, code);
  await tx.query('INSERT INTO request_confirmations (request_id, code, code_digest) VALUES ($1, $2, $3)', [requestId, code, digest]);
  return digest;
}

/** On the executing node: the digest the request came with, to check codes against. */
export async function expectConfirmation(tx: Queryable, requestId: string, digest: unknown): Promise<void> {
  if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) throw new HttpProblem(422, 'confirmation-missing', 'an emergency request comes with the digest of its confirmation code');
  await tx.query('INSERT INTO request_confirmations (request_id, code_digest) VALUES ($1, $2)', [requestId, digest]);
}

/** The code the requesting desk reads out; none on the executing node. */
export async function codeOf(db: Queryable, requestId: string): Promise<string | undefined> {
  return (await db.query<{ code: string | null }>('SELECT code FROM request_confirmations WHERE request_id = $1', [requestId])).rows[0]?.code ?? undefined;
}

/**
 * Checks the code the provider was read, in a transaction of its own so that a wrong attempt counts
 * even though the step it was for does not happen. A typo is told as a typo and does not count.
 */
export async function checkConfirmation(db: Database, requestId: string, typed: unknown): Promise<void> {
  const parsed = typeof typed === 'string' ? parseCode(typed, CODE_LENGTH) : ({ ok: false, reason: 'malformed' } as const);
  if (!parsed.ok) {
    throw new HttpProblem(400, 'invalid-fields', 'the confirmation code is not complete or not valid', {
      extra: { errors: [{ field: '/code', problem: parsed.reason === 'typo' ? 'code-typo' : 'code-malformed', params: {} }] },
    });
  }
  const wrong = await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ code_digest: string; attempts: number }>('SELECT code_digest, attempts FROM request_confirmations WHERE request_id = $1 FOR UPDATE', [requestId]);
    const row = rows[0];
    if (!row) throw new HttpProblem(409, 'no-confirmation', 'this request has no confirmation code to check');
    if (row.attempts >= MAX_ATTEMPTS) throw new HttpProblem(409, 'confirmation-locked', `${MAX_ATTEMPTS} wrong codes were given: do not act on this request before its origin is confirmed by other means`);
    const matches = codeMatches(`${requestId}${parsed.value}`, Buffer.from(row.code_digest, 'hex'));
    if (matches) {
      await tx.query('UPDATE request_confirmations SET confirmed_at = now() WHERE request_id = $1', [requestId]);
      return undefined;
    }
    await tx.query('UPDATE request_confirmations SET attempts = attempts + 1 WHERE request_id = $1', [requestId]);
    return MAX_ATTEMPTS - row.attempts - 1;
  });
  if (wrong !== undefined) {
    throw new HttpProblem(422, 'confirmation-code-wrong', `this is not the code of this request: ${wrong} attempts left; the request may not be genuine`, { extra: { attemptsLeft: wrong } });
  }
}

/** Whether the provider has checked the code of this request. */
export async function isConfirmed(db: Queryable, requestId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM request_confirmations WHERE request_id = $1 AND confirmed_at IS NOT NULL', [requestId])).rows.length > 0;
}
