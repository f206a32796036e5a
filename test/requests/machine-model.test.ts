import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Side, transitionOf } from '../../src/requests/machine.ts';
import { preservation } from '../../src/requests/kinds/preservation.ts';
import { type Party, party, trust, waitFor } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';

const FIELDS = {
  offence: 'illegal-access',
  summary: 'Access to a mailbox from an address abroad.',
  identifiers: [{ kind: 'ip', value: '203.0.113.7', observedAt: '2026-01-12T08:15:00+01:00' }],
  dataCategories: ['traffic'],
  period: { from: '2026-01-01', to: '2026-01-31' },
};

/** What each step needs to say to be complete; `forward` is left out: it needs a third node. */
const NOTES: Record<string, Record<string, unknown>> = {
  'confirm-preserved': { preservedUntil: '2026-12-31' },
  refuse: { reason: 'No such data here.' },
  'request-renewal': { days: 30 },
};
const ACTIONS = [...new Set(preservation.transitions.map((t) => t.action))].filter((action) => action !== 'forward');

interface Model {
  state: string;
  seq: number;
  /** Whether the executor holds a copy: from the submission on. */
  sent: boolean;
}

/** The request as each node holds it, once both agree on how many steps it took. */
const agreed = (requester: Api, executor: Api, id: string, seq: number) =>
  waitFor(`the two copies of ${id} agreeing on ${seq} steps`, async () => {
    const mine = (await requester.get(`/api/v1/requests/${id}`)).body;
    const theirs = await executor.get(`/api/v1/requests/${id}`);
    return mine.seq === seq && theirs.status === 200 && theirs.body.seq === seq ? { mine, theirs: theirs.body } : undefined;
  });

describe('any sequence of steps keeps a request valid, and both nodes agree on it', () => {
  let a: Party;
  let b: Party;
  let asker: Api;
  let answerer: Api;

  before(async () => {
    [a, b] = await Promise.all([party('a-247', 'XA'), party('b-247', 'XB')]);
    await trust(a, b);
    await trust(b, a);
    a.node.federation.worker.start();
    b.node.federation.worker.start();
    asker = await userWith(a.admin, 'asker', ['contact_point']);
    answerer = await userWith(b.admin, 'answerer', ['contact_point']);
  });
  after(() => Promise.all([a, b].map((p) => p?.node.close())));

  test('random steps by either side: allowed ones apply on both copies, the others change nothing', async () => {
    const step = fc.record({ side: fc.constantFrom<Side>('requester', 'executor'), action: fc.constantFrom(...ACTIONS) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const id = (await asker.post('/api/v1/requests', { kind: 'preservation', executor: 'b-247', fields: FIELDS })).body.id;
        const model: Model = { state: preservation.initial, seq: 0, sent: false };
        for (const { side, action } of steps) {
          const api = side === 'requester' ? asker : answerer;
          const allowed = transitionOf(preservation, model.state, action, side);
          // The executor has no copy until the request is submitted.
          const exists = side === 'requester' || model.sent;
          const answer = await api.post(`/api/v1/requests/${id}/actions/${action}`, NOTES[action] ?? {});
          if (allowed && allowed.roles !== 'system' && exists) {
            assert.equal(answer.status, 200, `${side} ${action} from ${model.state}: ${answer.text}`);
            model.state = allowed.to;
            model.seq += 1;
            model.sent ||= action === 'submit';
          } else {
            assert.ok([403, 404, 409].includes(answer.status), `${side} ${action} from ${model.state} answered ${answer.status}`);
          }
          if (!model.sent) {
            const mine = (await asker.get(`/api/v1/requests/${id}`)).body;
            assert.deepEqual([mine.state, mine.seq], [model.state, model.seq]);
            assert.equal((await answerer.get(`/api/v1/requests/${id}`)).status, 404, 'a draft never leaves its node');
            continue;
          }
          const { mine, theirs } = await agreed(asker, answerer, id, model.seq);
          assert.equal(mine.state, model.state);
          assert.equal(theirs.state, model.state);
          assert.deepEqual(theirs.events.map((e: { action: string }) => e.action), mine.events.map((e: { action: string }) => e.action));
        }
      }),
      { numRuns: 40 },
    );
  });
});
