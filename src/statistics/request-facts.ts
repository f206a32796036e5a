import type { Database, Queryable } from '../platform/db/database.ts';
import { OPENING_STEPS } from './outcomes.ts';

/**
 * Fills what the statistics read of each request's steps (migrations/001_request_facts.sql) from
 * the steps recorded: once for all requests, where the trigger did not see the steps (installed on
 * a node that already held requests, or steps loaded in bulk with the trigger off).
 */
export async function fillRequestFacts(db: Queryable): Promise<void> {
  await db.query(`
    UPDATE requests r
       SET sent_at = s.at, last_step_at = l.at, last_step_from = l.from_state,
           last_step_decision = l.note->>'decision', last_step_grounds = l.note->'grounds'
      FROM requests q
      LEFT JOIN (
        SELECT DISTINCT ON (e.request_id) e.request_id, e.at
          FROM request_events e
          JOIN requests k ON k.id = e.request_id
          JOIN statistics_opening_steps o ON o.kind = k.kind AND o.action = e.action
         ORDER BY e.request_id, e.seq) s ON s.request_id = q.id
      LEFT JOIN (SELECT DISTINCT ON (request_id) request_id, at, from_state, note FROM request_events ORDER BY request_id, seq DESC) l ON l.request_id = q.id
     WHERE r.id = q.id`);
}

/**
 * Writes the kinds' opening steps where the trigger reads them, when they differ from those written
 * last (the first start, or a kind added or changed), and then fills every request's facts again.
 */
export async function recordOpeningSteps(db: Database): Promise<void> {
  const wanted = OPENING_STEPS.map(([kind, action]) => `${kind} ${action}`).sort();
  await db.transaction(async (tx) => {
    // Two processes starting on one database write the steps one after the other.
    await tx.query('LOCK TABLE statistics_opening_steps IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await tx.query<{ step: string }>(`SELECT kind || ' ' || action AS step FROM statistics_opening_steps`);
    const written = rows.map((row) => row.step).sort();
    if (written.length === wanted.length && written.every((step, i) => step === wanted[i])) return;
    await tx.query('DELETE FROM statistics_opening_steps');
    await tx.query('INSERT INTO statistics_opening_steps (kind, action) SELECT * FROM unnest($1::text[], $2::text[])', [
      OPENING_STEPS.map(([kind]) => kind), OPENING_STEPS.map(([, action]) => action),
    ]);
    await fillRequestFacts(tx);
  });
}
