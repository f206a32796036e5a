/**
 * What the observatory counts, month by month: reports by incident type (from the counts kept as
 * they arrive, which outlive the reports), businesses hit by type (the survey), intelligence
 * objects by STIX type and the State that produced them, and requests by kind. Aggregates only:
 * who reported what stays in src/prevention.
 */
import type { Queryable } from '../platform/db/database.ts';

/** A count of one thing in one month: `category` is an incident type, a STIX type or a kind of request. */
export interface MonthlyCount {
  month: string;
  category: string;
  /** The State (ISO 3166 code) the count belongs to, where it says one. */
  state?: string;
  count: number;
}

/** Whole calendar months, in UTC, ending with the current one. */
export interface Period {
  months: string[];
  start: Date;
  end: Date;
}

export const MONTH_CHOICES = [3, 6, 12, 24, 36] as const;
export const DEFAULT_MONTHS = 12;

const monthOf = (date: Date) => date.toISOString().slice(0, 7);

/** The `months` calendar months up to and including the one of `today`. */
export function periodOf(months: number, today = new Date()): Period {
  const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));
  const list = Array.from({ length: months }, (_, index) => monthOf(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months + index, 1))));
  return { months: list, start: new Date(`${list[0]}-01T00:00:00Z`), end };
}

const bounds = (period: Period) => [period.start.toISOString(), period.end.toISOString()];
const asCounts = (rows: { month: string; category: string; state?: string; count: number | string }[]): MonthlyCount[] =>
  rows.map((row) => ({ ...row, count: Number(row.count) }));

/** Reports received, by month and incident type. */
export async function reportCounts(db: Queryable, period: Period): Promise<MonthlyCount[]> {
  const { rows } = await db.query<{ month: string; category: string; count: string }>(
    `SELECT to_char(day, 'YYYY-MM') AS month, incident_type AS category, sum(reports) AS count
       FROM observatory_report_days WHERE day >= $1::timestamptz::date AND day < $2::timestamptz::date
      GROUP BY 1, 2 ORDER BY 1, 2`,
    bounds(period),
  );
  return asCounts(rows);
}

/** Businesses that answered the survey, by month and by what happened to them ("none" left out). */
export async function surveyCounts(db: Queryable, period: Period): Promise<MonthlyCount[]> {
  const { rows } = await db.query<{ month: string; category: string; count: string }>(
    `SELECT to_char(received_in, 'YYYY-MM') AS month, incident AS category, count(*) AS count
       FROM survey_responses, unnest(incidents) AS incident
      WHERE received_in >= $1::timestamptz::date AND received_in < $2::timestamptz::date AND incident <> 'none'
      GROUP BY 1, 2 ORDER BY 1, 2`,
    bounds(period),
  );
  return asCounts(rows);
}

/**
 * Intelligence objects first added in each month, by STIX type and the State of the node that
 * produced them (this node's own State for its own). `shareable`: only those whose every version is
 * marked TLP:CLEAR, the one marking meant for the public (an unmarked version counts as AMBER).
 */
export async function indicatorCounts(db: Queryable, period: Period, ownState: string, shareable: boolean): Promise<MonthlyCount[]> {
  const { rows } = await db.query<{ month: string; category: string; state: string; count: string }>(
    `SELECT to_char(first_added AT TIME ZONE 'UTC', 'YYYY-MM') AS month, type AS category, coalesce(p.state, $3) AS state, count(*) AS count
       FROM (SELECT id, type, producer_node, min(date_added) AS first_added, bool_and(coalesce(tlp, 'amber') = 'clear') AS shareable
               FROM stix_objects GROUP BY id, type, producer_node) AS objects
       LEFT JOIN peers p ON p.node_id = objects.producer_node
      WHERE first_added >= $1 AND first_added < $2 AND (NOT $4 OR objects.shareable)
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [...bounds(period), ownState, shareable],
  );
  return asCounts(rows);
}

/** Requests this node drafted (sent) or received, by month of creation and kind; the State is the other party's. */
export async function requestCounts(db: Queryable, period: Period, side: 'requester' | 'executor'): Promise<MonthlyCount[]> {
  const { rows } = await db.query<{ month: string; category: string; state: string | null; count: string }>(
    `SELECT to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, r.kind AS category, p.state, count(*) AS count
       FROM requests r LEFT JOIN peers p ON p.node_id = CASE WHEN r.side = 'requester' THEN r.executor ELSE r.requester END
      WHERE r.side = $3 AND r.created_at >= $1 AND r.created_at < $2
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [...bounds(period), side],
  );
  return rows.map((row) => ({ month: row.month, category: row.category, ...(row.state ? { state: row.state } : {}), count: Number(row.count) }));
}

export interface RisingType {
  category: string;
  recent: number;
  before: number;
}

export const RISING_WINDOW_DAYS = 28;
/** Fewer new reports than this is noise, not a trend. */
const RISING_AT_LEAST = 3;

/**
 * Incident types reported at least half as often again in the last four weeks as in the four
 * before, and by at least three more reports: the fastest-rising first.
 */
export async function risingTypes(db: Queryable, today = new Date()): Promise<RisingType[]> {
  const { rows } = await db.query<{ category: string; recent: string; before: string }>(
    `WITH windows AS (
       SELECT incident_type AS category,
              sum(reports) FILTER (WHERE day > $1::date - $2::int) AS recent,
              sum(reports) FILTER (WHERE day <= $1::date - $2::int) AS before
         FROM observatory_report_days WHERE day > $1::date - 2 * $2::int AND day <= $1::date GROUP BY 1)
     SELECT category, coalesce(recent, 0) AS recent, coalesce(before, 0) AS before FROM windows
      WHERE coalesce(recent, 0) >= coalesce(before, 0) + $3 AND coalesce(recent, 0) * 2 >= coalesce(before, 0) * 3
      ORDER BY coalesce(recent, 0) - coalesce(before, 0) DESC, category`,
    [today.toISOString().slice(0, 10), RISING_WINDOW_DAYS, RISING_AT_LEAST],
  );
  return rows.map((row) => ({ category: row.category, recent: Number(row.recent), before: Number(row.before) }));
}

export interface SharedIdentifier {
  kind: string;
  value: string;
  reports: number;
  references: string[];
  first: Date;
  last: Date;
}

/** Identifiers (a phone number, a wallet, an IBAN…) named in several reports still held: the same criminal, probably. */
export async function sharedIdentifiers(db: Queryable, limit = 50): Promise<SharedIdentifier[]> {
  const { rows } = await db.query<{ kind: string; value: string; reports: string; references: string[]; first: Date; last: Date }>(
    `SELECT i.kind, min(i.value) AS value, count(DISTINCT r.id) AS reports, array_agg(DISTINCT r.reference) AS references,
            min(r.submitted_at) AS first, max(r.submitted_at) AS last
       FROM report_identifiers i JOIN reports r ON r.id = i.report_id
      WHERE r.status <> 'withdrawn'
      GROUP BY i.kind, i.normalised HAVING count(DISTINCT r.id) >= 2
      ORDER BY count(DISTINCT r.id) DESC, max(r.submitted_at) DESC LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ ...row, reports: Number(row.reports), references: [...row.references].sort() }));
}
