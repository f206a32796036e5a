import type { Queryable } from '../platform/db/database.ts';

/** Failures allowed before a key locks; each further failure doubles the wait. */
export const FREE_ATTEMPTS = 5;
const FIRST_LOCK_SECONDS = 30;
const LONGEST_LOCK_SECONDS = 3600;
/** A key with no failure for this long starts afresh. */
const FORGET_AFTER = '1 day';

/**
 * Counts failed attempts by key in a table of (key, failures, locked_until, last_failure_at), and
 * locks the key once the free attempts are spent. Table and column are constants of the code, never input.
 */
export class FailureThrottle {
  constructor(
    private readonly table: string,
    private readonly column: string,
  ) {}

  /** Seconds until the key may be tried again, or 0. */
  async lockedFor(db: Queryable, key: string): Promise<number> {
    const { rows } = await db.query<{ wait: number | null }>(
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS wait
         FROM ${this.table} WHERE ${this.column} = $1 AND locked_until > now()`,
      [key],
    );
    return rows[0]?.wait ?? 0;
  }

  /** Counts one failure for the key, atomically. */
  async recordFailure(db: Queryable, key: string): Promise<void> {
    await db.query(`DELETE FROM ${this.table} WHERE last_failure_at < now() - interval '${FORGET_AFTER}'`);
    await db.query(
      `INSERT INTO ${this.table} AS t (${this.column}, failures, locked_until, last_failure_at)
       VALUES ($1, 1, NULL, now())
       ON CONFLICT (${this.column}) DO UPDATE SET
         failures = t.failures + 1,
         last_failure_at = now(),
         locked_until = CASE WHEN t.failures + 1 >= $2
                             THEN now() + make_interval(secs => LEAST($3 * power(2, t.failures + 1 - $2), $4))
                             ELSE t.locked_until END`,
      [key, FREE_ATTEMPTS, FIRST_LOCK_SECONDS, LONGEST_LOCK_SECONDS],
    );
  }

  async clear(db: Queryable, key: string): Promise<void> {
    await db.query(`DELETE FROM ${this.table} WHERE ${this.column} = $1`, [key]);
  }
}

export const nameKey = (username: string) => username.normalize('NFC').toLowerCase();

const logins = new FailureThrottle('login_throttle', 'username_key');

/** Seconds until the name may be tried again, or 0. */
export const lockedFor = (db: Queryable, username: string) => logins.lockedFor(db, nameKey(username));
/** Counts one failure for the name, known or not. */
export const recordFailure = (db: Queryable, username: string) => logins.recordFailure(db, nameKey(username));
export const clearFailures = (db: Queryable, username: string) => logins.clear(db, nameKey(username));
