import type { Queryable } from '../platform/db/database.ts';
import { KINDS } from './kinds.ts';

/** How fast one recipient answers this node's requests of one kind (seed 13(q)). */
export interface ResponseTimes {
  executor: string;
  kind: string;
  sent: number;
  answered: number;
  /** Hours from the request leaving to the recipient's first step, and to its answer. */
  firstStepMedianHours: number | null;
  answerMedianHours: number | null;
  answerP90Hours: number | null;
}

/** Each kind's answered states, as SQL can read them: (kind, state) pairs. */
const ANSWERS = Object.entries(KINDS).flatMap(([kind, spec]) => spec.answered.map((state) => [kind, state] as const));

/**
 * Response times of the nodes this node sent requests to, per recipient and kind, for requests sent
 * in the period: from the step that sent the request, to the recipient's first step, and to the first
 * step that gave its answer (the data, the evidence, a refusal).
 */
export async function responseTimes(db: Queryable, from: Date, to: Date): Promise<ResponseTimes[]> {
  const { rows } = await db.query<{
    executor: string; kind: string; sent: number; answered: number; first_median: number | null; answer_median: number | null; answer_p90: number | null;
  }>(
    `WITH answers AS (SELECT * FROM unnest($3::text[], $4::text[]) AS a(kind, state)),
     sent AS (
       SELECT r.id, r.kind, r.executor,
              (SELECT min(e.at) FROM request_events e WHERE e.request_id = r.id AND e.actor_node = r.requester AND e.msg_id IS NOT NULL) AS sent_at
         FROM requests r WHERE r.side = 'requester'),
     timed AS (
       SELECT s.kind, s.executor, s.sent_at,
              (SELECT min(e.at) FROM request_events e WHERE e.request_id = s.id AND e.actor_node = s.executor) AS first_at,
              (SELECT min(e.at) FROM request_events e JOIN answers a ON a.kind = s.kind AND a.state = e.to_state
                WHERE e.request_id = s.id AND e.actor_node = s.executor) AS answer_at
         FROM sent s WHERE s.sent_at >= $1 AND s.sent_at < $2)
     SELECT executor, kind, count(*)::int AS sent, count(answer_at)::int AS answered,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_at - sent_at) / 3600) AS first_median,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answer_at - sent_at) / 3600) AS answer_median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM answer_at - sent_at) / 3600) AS answer_p90
       FROM timed GROUP BY executor, kind ORDER BY executor, kind`,
    [from, to, ANSWERS.map(([kind]) => kind), ANSWERS.map(([, state]) => state)],
  );
  const hours = (value: number | null) => (value === null ? null : Math.round(Number(value) * 100) / 100);
  return rows.map((row) => ({
    executor: row.executor, kind: row.kind, sent: row.sent, answered: row.answered,
    firstStepMedianHours: hours(row.first_median), answerMedianHours: hours(row.answer_median), answerP90Hours: hours(row.answer_p90),
  }));
}
