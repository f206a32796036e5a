import { csvLine } from '../platform/http/csv.ts';
import { OUTCOMES } from './outcomes.ts';
import type { RequestStatistics } from './requests-statistics.ts';

export const CSV_COLUMNS = [
  'direction', 'level', 'state', 'kind', 'reason', 'requests', 'open', 'overdue', 'closed', ...OUTCOMES, 'success_rate', 'refusal_rate', 'median_hours', 'p90_hours',
] as const;

/**
 * The statistics as one table: the groups, then one row per refusal ground (level `reason`, its
 * count under `refused`). Empty cells are "not applicable", so that a spreadsheet sums what it should.
 */
export function statisticsCsv(statistics: RequestStatistics): string {
  const groups = statistics.groups.map((g) => [
    g.direction, g.level, g.state, g.kind, null, g.requests, g.open, g.overdue, g.closed, ...OUTCOMES.map((outcome) => g[outcome]),
    g.successRate, g.refusalRate, g.medianHours, g.p90Hours,
  ]);
  const blank = (count: number) => Array<null>(count).fill(null);
  const refusals = statistics.refusals.map((r) => [r.direction, 'reason', null, null, r.reason, ...blank(4), ...OUTCOMES.map((outcome) => (outcome === 'refused' ? r.count : null)), ...blank(4)]);
  return [CSV_COLUMNS, ...groups, ...refusals].map(csvLine).join('');
}
