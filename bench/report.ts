/**
 * What every part of `npm run bench` shares: number formatting, the one table of figures printed at
 * the end, the notes under it, progress on standard error, and what must be closed on the way out.
 */
import type { Measure } from './support.ts';

export function num(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit}`;
}

/** value ÷ baseline, and its inverse when the value is much smaller ("1/1,234"). */
export function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0 || value <= 0) return '—';
  const r = value / baseline;
  const shown = r >= 0.01 ? `×${num(r)}` : `×${r.toExponential(2)}`;
  return r < 0.5 ? `${shown} (1/${num(baseline / value)})` : shown;
}

export const pct = (fraction: number) => num(100 * fraction, ' %');
/** Latency as "p50 / p99 / mean" in milliseconds. */
export const ms = (m: Measure) => `${num(m.p50)} / ${num(m.p99)} / ${num(m.mean)} ms`;
/** Latencies are compared by their means, which stay meaningful below a millisecond. */
export const latencyRatio = (m: Measure, baseline: Measure) => `${ratio(m.mean, baseline.mean)} (means)`;
export const rps = (m: Measure, unit = 'req/s') => `${num(m.rate)} ${unit}`;

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
}

const rows: (Row | string)[] = [];
export const notes: string[] = [];

export function section(title: string) {
  rows.push(title);
}

export function row(figure: string, value: string, baseline = '', r = '') {
  rows.push({ figure, value, baseline, ratio: r });
}

export function checkFailures(what: string, m: Measure) {
  if (m.failures) notes.push(`${what}: ${m.failures} answers were not 2xx (${m.failureNote}); the rate counts only 2xx.`);
}

export function printTable() {
  const header: Row = { figure: 'Figure', value: 'Value', baseline: 'Baseline', ratio: 'Ratio' };
  const data = rows.map((r) => (typeof r === 'string' ? { figure: `**${r}**`, value: '', baseline: '', ratio: '' } : r));
  const width = (key: keyof Row) => Math.max(...[header, ...data].map((r) => r[key].length));
  const w = { figure: width('figure'), value: width('value'), baseline: width('baseline'), ratio: width('ratio') };
  const line = (r: Row) => `| ${r.figure.padEnd(w.figure)} | ${r.value.padStart(w.value)} | ${r.baseline.padEnd(w.baseline)} | ${r.ratio.padEnd(w.ratio)} |`;
  const rule = `|${'-'.repeat(w.figure + 2)}|${'-'.repeat(w.value + 1)}:|${'-'.repeat(w.baseline + 2)}|${'-'.repeat(w.ratio + 2)}|`;
  const out: string[] = [line(header), rule];
  for (const r of data) out.push(line(r));
  console.log(out.join('\n'));
}

export function progress(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

/* ---------------------------------------------------------------- cleanup */

export interface Closable {
  close(): Promise<void>;
}

const open: Closable[] = [];

/** Keeps `thing` to be closed on the way out (or on Ctrl-C) unless it is closed through `release` first. */
export function keep<T extends Closable>(thing: T): T {
  open.push(thing);
  return thing;
}

/** Closes `thing` now and forgets it. */
export async function release(thing: Closable): Promise<void> {
  const index = open.indexOf(thing);
  if (index >= 0) open.splice(index, 1);
  await thing.close();
}

export async function closeAll() {
  while (open.length) {
    const next = open.pop()!;
    try {
      await next.close();
    } catch (error) {
      console.error('bench: closing failed:', error);
    }
  }
}
