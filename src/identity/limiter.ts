import { HttpProblem } from '../platform/http/problem.ts';

/**
 * Bounds how many password hashes run at once and how many wait: each costs 128 MiB and a
 * third of a second of CPU, so a flood of sign-ins must be turned away, not queued without end.
 */
export class HashLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new HttpProblem(503, 'busy', 'too many sign-ins at once: try again in a few seconds', { headers: { 'retry-after': '5' } });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
