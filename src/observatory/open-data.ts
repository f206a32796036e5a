/**
 * The part of the observatory anyone may take away, as JSON and CSV: reports and businesses hit by
 * type and month, and the intelligence objects marked TLP:CLEAR (GREEN is for a community, not the public). Small counts of
 * people are not published: a "1" in a small place and month can point at a victim.
 */
import type { Database } from '../platform/db/database.ts';
import { csvLine } from '../platform/http/csv.ts';
import { type MonthlyCount, type Period, indicatorCounts, reportCounts, surveyCounts } from './trends.ts';

/** Counts of people from 1 to this minus one are published as "fewer than this"; zero stays zero. */
export const SMALLEST_PUBLISHED = 5;

export const MEASURES = ['reports', 'businesses-hit', 'indicators'] as const;
export type Measure = (typeof MEASURES)[number];

export interface OpenFigure {
  measure: Measure;
  month: string;
  category: string;
  state: string;
  /** Null when the count is too small to publish. */
  count: number | null;
}

export interface OpenData {
  node: string;
  state: string;
  generatedAt: string;
  period: { from: string; to: string };
  smallestPublished: number;
  figures: OpenFigure[];
}

/** A count of people, or null when it is too small to publish. */
export const publishable = (count: number): number | null => (count > 0 && count < SMALLEST_PUBLISHED ? null : count);

const figures = (measure: Measure, counts: MonthlyCount[], state: string, ofPeople: boolean): OpenFigure[] =>
  counts.map((count) => ({ measure, month: count.month, category: count.category, state: count.state ?? state, count: ofPeople ? publishable(count.count) : count.count }));

export async function openData(db: Database, node: { nodeId: string; state: string }, period: Period): Promise<OpenData> {
  const [reports, businesses, indicators] = await Promise.all([
    reportCounts(db, period), surveyCounts(db, period), indicatorCounts(db, period, node.state, true),
  ]);
  return {
    node: node.nodeId,
    state: node.state,
    generatedAt: new Date().toISOString(),
    period: { from: period.months[0]!, to: period.months.at(-1)! },
    smallestPublished: SMALLEST_PUBLISHED,
    figures: [...figures('reports', reports, node.state, true), ...figures('businesses-hit', businesses, node.state, true), ...figures('indicators', indicators, node.state, false)],
  };
}

/** One line per figure; a count too small to publish is left empty and said so in the last column. */
export function openDataCsv(data: OpenData): string {
  const header = csvLine(['measure', 'month', 'category', 'state', 'count', 'suppressed']);
  return header + data.figures.map((figure) => csvLine([figure.measure, figure.month, figure.category, figure.state, figure.count, String(figure.count === null)])).join('');
}
