import type { Queryable } from '../platform/db/database.ts';
import { FINAL_OUTCOMES, OUTCOMES, type Outcome, PARTIAL_STATES, SUCCESSES } from './outcomes.ts';
import type { StatisticsFilter } from './filter.ts';

export const DIRECTIONS = ['sent', 'received'] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** How a row groups the requests: all of one direction, by counterpart State, by kind, or by both. */
export const LEVELS = ['total', 'state', 'kind', 'state-kind'] as const;
export type Level = (typeof LEVELS)[number];
/** The counterpart's State when the node it sent to or received from is not (or no longer) on the trust list. */
export const UNKNOWN_STATE = 'ZZ';

export interface StatisticsGroup extends Record<Outcome, number> {
  direction: Direction;
  level: Level;
  state: string | null;
  kind: string | null;
  requests: number;
  /** Still open (the backlog), and of those, past the date by which the party whose turn it is had to act. */
  open: number;
  overdue: number;
  closed: number;
  /** Shares of the closed requests, from 0 to 1; null when none closed. */
  successRate: number | null;
  refusalRate: number | null;
  /** Hours from sending to the final step, over the closed requests. */
  medianHours: number | null;
  p90Hours: number | null;
}

export interface RefusalCount {
  direction: Direction;
  /** A ground the refusal named (a treaty's ground for refusal), or `unstated` for a refusal that gave its reason only in words. */
  reason: string;
  count: number;
}

export interface RequestStatistics {
  groups: StatisticsGroup[];
  refusals: RefusalCount[];
}

/**
 * One row per request that left in the period: its direction, counterpart State, kind, when it was
 * sent, and for a closed one when and how it ended, read from what the trigger of
 * migrations/001_request_facts.sql keeps on each request, so that only the requests sent in the
 * period are read. The final states and outcomes come from the kinds' machines (outcomes.ts) as
 * parameters, so that this SQL needs no change when a kind is added. The figures by group and the
 * refusals by ground are both computed from these rows, in one query.
 */
const STATISTICS_SQL = `
  WITH finals AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS f(kind, state, outcome)),
  facts AS MATERIALIZED (
    -- Narrow rows, as they are sorted for the percentiles: a refusal's grounds, and no other request's.
    SELECT direction, state, kind, late, hours, outcome,
           CASE WHEN outcome = 'refused' THEN coalesce(last_step_grounds, fields->'grounds') END AS grounds
      FROM (
        SELECT CASE r.side WHEN 'requester' THEN 'sent' ELSE 'received' END AS direction,
               coalesce(p.state, '${UNKNOWN_STATE}') AS state, r.kind, r.due_at < $9 AS late, r.fields, r.last_step_grounds,
               extract(epoch FROM CASE WHEN f.outcome IS NOT NULL THEN r.last_step_at END - r.sent_at) / 3600 AS hours,
               CASE WHEN f.outcome IS NULL THEN NULL
                    -- A consultation ends in a decision; one that refuses is a refusal.
                    WHEN r.last_step_decision = 'refused' THEN 'refused'
                    WHEN f.outcome = 'withdrawn' AND r.last_step_from = ANY($6::text[]) THEN 'partially'
                    ELSE f.outcome END AS outcome
          FROM requests r
          LEFT JOIN finals f ON f.kind = r.kind AND f.state = r.state
          LEFT JOIN peers p ON p.node_id = CASE r.side WHEN 'requester' THEN r.executor ELSE r.requester END
         WHERE r.sent_at >= $1 AND r.sent_at < $2
           AND ($7::text IS NULL OR r.kind = $7) AND ($8::text IS NULL OR coalesce(p.state, '${UNKNOWN_STATE}') = $8)) AS r),
  groups AS (
    SELECT direction, grouping(state) = 0 AS by_state, grouping(kind) = 0 AS by_kind,
           CASE WHEN grouping(state) = 0 THEN state END AS state, CASE WHEN grouping(kind) = 0 THEN kind END AS kind,
           count(*)::int AS requests,
           count(*) FILTER (WHERE outcome IS NULL)::int AS open,
           count(*) FILTER (WHERE outcome IS NULL AND late)::int AS overdue,
           ${OUTCOMES.map((outcome) => `count(*) FILTER (WHERE outcome = '${outcome}')::int AS "${outcome}"`).join(', ')},
           percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90
      FROM facts
     GROUP BY GROUPING SETS ((direction), (direction, state), (direction, kind), (direction, state, kind))),
  -- Grounds are a closed list in the notes that carry them (and, for a consultation, in the request itself);
  -- free-text reasons are never read here, so no words of a refusal reach the statistics.
  refusals AS (
    SELECT direction, coalesce(g.reason, 'unstated') AS reason, count(*)::int AS count
      FROM facts
      LEFT JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(grounds) = 'array' THEN grounds ELSE '[]'::jsonb END) AS g(reason) ON true
     WHERE outcome = 'refused'
     GROUP BY direction, coalesce(g.reason, 'unstated'))
  SELECT (SELECT coalesce(jsonb_agg(g ORDER BY direction DESC, by_state, by_kind, state, kind), '[]') FROM groups g) AS groups,
         (SELECT coalesce(jsonb_agg(x ORDER BY direction DESC, count DESC, reason), '[]') FROM refusals x) AS refusals`;

type GroupRow = Record<Outcome, number> & {
  direction: Direction; by_state: boolean; by_kind: boolean; state: string | null; kind: string | null; requests: number; open: number; overdue: number;
  median: number | null; p90: number | null;
};

const hours = (value: number | null) => (value === null ? null : Math.round(Number(value) * 100) / 100);
const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const levelOf = (row: GroupRow): Level => (row.by_state ? (row.by_kind ? 'state-kind' : 'state') : row.by_kind ? 'kind' : 'total');

/** The requests sent and received in the period, counted and timed as `StatisticsGroup` says; `now` decides what is overdue. */
export async function requestStatistics(db: Queryable, filter: StatisticsFilter, now = new Date()): Promise<RequestStatistics> {
  const { rows } = await db.query<{ groups: GroupRow[]; refusals: RefusalCount[] }>(STATISTICS_SQL, [
    filter.start, filter.end,
    FINAL_OUTCOMES.map(([kind]) => kind), FINAL_OUTCOMES.map(([, state]) => state), FINAL_OUTCOMES.map(([, , outcome]) => outcome),
    PARTIAL_STATES, filter.kind ?? null, filter.state ?? null, now,
  ]);
  const { groups, refusals } = rows[0]!;
  return {
    groups: groups.map((row) => {
      const closed = row.requests - row.open;
      return {
        direction: row.direction, level: levelOf(row), state: row.state, kind: row.kind,
        requests: row.requests, open: row.open, overdue: row.overdue, closed,
        ...(Object.fromEntries(OUTCOMES.map((outcome) => [outcome, row[outcome]])) as Record<Outcome, number>),
        successRate: share(SUCCESSES.reduce((sum, outcome) => sum + row[outcome], 0), closed),
        refusalRate: share(row.refused, closed),
        medianHours: hours(row.median), p90Hours: hours(row.p90),
      };
    }),
    refusals,
  };
}
