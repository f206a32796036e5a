import { HttpProblem } from '../platform/http/problem.ts';

const HOUR = 3600 * 1000;
/** Past this many addresses, those with nothing in the last hour are forgotten: memory stays bounded under a flood. */
const ADDRESSES_KEPT = 10_000;

/**
 * Reports accepted per network address in the last hour, in this process's memory: enough to stop a
 * script from filling the queue, while a family or a library behind one address can still report.
 * Refusals are not counted, since they store nothing.
 */
export class SubmissionLimiter {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws a 429 problem if the address has used up its reports for the hour. */
  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length < this.perHour) return;
    const wait = Math.max(1, Math.ceil((recent[0]! + HOUR - this.now()) / 1000));
    throw new HttpProblem(429, 'too-many-reports', `too many reports from this address: try again in ${wait} seconds`, {
      headers: { 'retry-after': String(wait) },
      extra: { retryAfter: wait },
    });
  }

  record(address: string): void {
    if (this.times.size >= ADDRESSES_KEPT) {
      for (const known of [...this.times.keys()]) if (this.recent(known).length === 0) this.times.delete(known);
    }
    this.times.set(address, [...this.recent(address), this.now()]);
  }

  private recent(address: string): number[] {
    const since = this.now() - HOUR;
    return (this.times.get(address) ?? []).filter((time) => time > since);
  }
}
