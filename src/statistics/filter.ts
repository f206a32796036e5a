import { KIND_NAMES } from '../requests/kinds.ts';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const STATE = /^[A-Z]{2}$/;

/** The query of the API and of the page's form, as sent: every part optional. */
export interface StatisticsQuery {
  from?: string;
  to?: string;
  kind?: string;
  state?: string;
}

/** A checked query: the period's first and last days (YYYY-MM-DD), and the instants that bound it. */
export interface StatisticsFilter {
  from: string;
  to: string;
  start: Date;
  /** The instant after the last day: the period includes its last day. */
  end: Date;
  kind?: string;
  state?: string;
}

export type FilterProblem = { field: keyof StatisticsQuery; problem: 'not-a-date' | 'period-reversed' | 'unknown-kind' | 'not-a-state' };

/** A calendar day that exists (not 2025-02-30), as a UTC midnight. */
function dayOf(text: string): Date | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return day.toISOString().slice(0, 10) === text ? day : undefined;
}

const isoDay = (day: Date) => day.toISOString().slice(0, 10);

/** The same day a year earlier, plus one: a period of twelve months ending on `day`. */
function yearBefore(day: Date): Date {
  const earlier = new Date(day);
  earlier.setUTCFullYear(day.getUTCFullYear() - 1);
  return new Date(earlier.getTime() + DAY_MS);
}

/**
 * Checks a query, filling what it leaves out: by default the twelve months up to today. An empty
 * value is "all", as a GET form sends it. Either a filter or every problem found, by field.
 */
export function readFilter(query: StatisticsQuery, today = new Date()): { filter: StatisticsFilter } | { problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const given = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const [fromText, toText, kind, state] = [given(query.from), given(query.to), given(query.kind), given(query.state)];
  const to = toText === undefined ? dayOf(isoDay(today)) : dayOf(toText);
  if (!to) problems.push({ field: 'to', problem: 'not-a-date' });
  const from = fromText === undefined ? to && yearBefore(to) : dayOf(fromText);
  if (!from && fromText !== undefined) problems.push({ field: 'from', problem: 'not-a-date' });
  if (from && to && from > to) problems.push({ field: 'to', problem: 'period-reversed' });
  if (kind !== undefined && !(KIND_NAMES as readonly string[]).includes(kind)) problems.push({ field: 'kind', problem: 'unknown-kind' });
  if (state !== undefined && !STATE.test(state)) problems.push({ field: 'state', problem: 'not-a-state' });
  if (problems.length > 0 || !from || !to) return { problems };
  return { filter: { from: isoDay(from), to: isoDay(to), start: from, end: new Date(to.getTime() + DAY_MS), kind, state } };
}
