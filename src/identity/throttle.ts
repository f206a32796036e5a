import type { Queryable } from '../platform/db/database.ts';

/** Failures allowed before a name locks; each further failure doubles the wait. */
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_SECONDS = 30;
const LONGEST_LOCK_SECONDS = 3600;
/** A name with no failure for this long starts afresh. */
const FORGET_AFTER = '1 day';

export const nameKey = (username: string) => username.normalize('NFC').toLowerCase();

/** Seconds until the name may be tried again, or 0. */
export async function lockedFor(db: Queryable, username: string): Promise<number> {
  const { rows } = await db.query<{ wait: number | null }>(
    `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS wait
       FROM login_throttle WHERE username_key = $1 AND locked_until > now()`,
    [nameKey(username)],
  );
  return rows[0]?.wait ?? 0;
}

/** Counts one failure for the name, atomically, and locks it once the free attempts are spent. */
export async function recordFailure(db: Queryable, username: string): Promise<void> {
  await db.query(`DELETE FROM login_throttle WHERE last_failure_at < now() - interval '${FORGET_AFTER}'`);
  await db.query(
    `INSERT INTO login_throttle AS t (username_key, failures, locked_until, last_failure_at)
     VALUES ($1, 1, NULL, now())
     ON CONFLICT (username_key) DO UPDATE SET
       failures = t.failures + 1,
       last_failure_at = now(),
       locked_until = CASE WHEN t.failures + 1 >= $2
                           THEN now() + make_interval(secs => LEAST($3 * power(2, t.failures + 1 - $2), $4))
                           ELSE t.locked_until END`,
    [nameKey(username), FREE_ATTEMPTS, FIRST_LOCK_SECONDS, LONGEST_LOCK_SECONDS],
  );
}

export async function clearFailures(db: Queryable, username: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE username_key = $1', [nameKey(username)]);
}
