import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HashLimiter } from '../../src/identity/limiter.ts';
import { HttpProblem } from '../../src/platform/http/problem.ts';

describe('the sign-in hash limiter', () => {
  test('never runs more than its concurrency, runs every accepted job, and refuses beyond its queue', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 }), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 20 }), async (concurrency, queue, delays) => {
        const limiter = new HashLimiter(concurrency, queue);
        let running = 0;
        let peak = 0;
        const outcomes = await Promise.allSettled(
          delays.map((delay, i) =>
            limiter.run(async () => {
              running += 1;
              peak = Math.max(peak, running);
              await new Promise((resolve) => setTimeout(resolve, delay));
              running -= 1;
              return i;
            }),
          ),
        );
        assert.ok(peak <= concurrency);
        const accepted = outcomes.filter((o) => o.status === 'fulfilled').length;
        assert.equal(accepted, Math.min(delays.length, concurrency + queue));
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') assert.ok(outcome.reason instanceof HttpProblem && outcome.reason.status === 503);
        }
        // Once the burst is over, the limiter is free again.
        assert.equal(await limiter.run(async () => 'again'), 'again');
      }),
      { numRuns: 50 },
    );
  });
});
