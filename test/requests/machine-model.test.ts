import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Machine, type Side, opens, transitionOf } from '../../src/requests/machine.ts';
import { KINDS } from '../../src/requests/kinds.ts';
import { type Party, party, waitFor } from '../support/federation.ts';
import { type Api, userWith } from '../support/node.ts';
import { mutualTrust } from '../support/requests.ts';

const FACTS = {
  offence: 'illegal-access',
  summary: 'Access to a mailbox from an address abroad.',
  link: 'The address is the one the mailbox was opened from.',
};
const DATA = {
  identifiers: [{ kind: 'ip', value: '203.0.113.7', observedAt: '2026-01-12T08:15:00+01:00' }],
  dataCategories: ['traffic'],
  period: { from: '2026-01-01', to: '2026-01-31' },
};

/** Each kind under test: what a request of it says, and what each step needs to say to be complete. */
interface Subject {
  kind: keyof typeof KINDS;
  fields: Record<string, unknown>;
  notes: Record<string, object>;
  runs: number;
}

const SUBJECTS: Subject[] = [
  {
    kind: 'preservation',
    fields: { ...FACTS, ...DATA },
    notes: { 'confirm-preserved': { preservedUntil: '2026-12-31' }, refuse: { reason: 'No such data here.' }, 'request-renewal': { days: 30 } },
    runs: 30,
  },
  {
    kind: 'mla',
    fields: { ...FACTS, ...DATA, measures: ['obtain-stored-data'], assistance: 'Obtain the logs of the address.', provisions: 'Criminal Code art. 1.', maxPenaltyYears: 5 },
    notes: {
      'send-back': { reason: 'say more' }, 'request-information': { questions: 'Which dates?' }, 'supply-information': { answer: 'These.' },
      'execute-partially': { summary: 'Half of it.', remaining: 'The rest.' }, execute: { summary: 'All of it.' }, refuse: { grounds: ['other'], reason: 'No.' },
    },
    runs: 20,
  },
];

interface Model {
  state: string;
  seq: number;
  /** Whether the executor holds a copy: from the step that sends the request on. */
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
  let drafter: Api;
  let approver: Api;
  let answerer: Api;

  before(async () => {
    [a, b] = await Promise.all([party('a-247', 'XA'), party('b-247', 'XB')]);
    await mutualTrust([a, b]);
    a.node.federation.worker.start();
    b.node.federation.worker.start();
    drafter = await userWith(a.admin, 'drafter', ['contact_point', 'central_authority']);
    approver = await userWith(a.admin, 'approver', ['prosecutor']);
    answerer = await userWith(b.admin, 'answerer', ['contact_point', 'central_authority']);
  });
  after(() => Promise.all([a, b].map((p) => p?.node.close())));

  for (const subject of SUBJECTS) {
    const machine: Machine = KINDS[subject.kind].machine;
    // `forward` is left out: it needs a third node.
    const actions = [...new Set(machine.transitions.map((t) => t.action))].filter((action) => action !== 'forward');

    test(`${subject.kind}: random steps by either side apply on both copies when allowed, and change nothing otherwise`, async () => {
      const step = fc.record({ side: fc.constantFrom<Side>('requester', 'executor'), action: fc.constantFrom(...actions) });
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          const id = (await drafter.post('/api/v1/requests', { kind: subject.kind, executor: 'b-247', fields: subject.fields })).body.id;
          const model: Model = { state: machine.initial, seq: 0, sent: false };
          for (const { side, action } of steps) {
            const allowed = transitionOf(machine, model.state, action, side);
            // The approver is another official than the drafter (four-eyes).
            const api = side === 'executor' ? answerer : allowed?.roles !== 'system' && allowed?.roles.includes('prosecutor') ? approver : drafter;
            // The executor has no copy until the request is sent.
            const exists = side === 'requester' || model.sent;
            const answer = await api.post(`/api/v1/requests/${id}/actions/${action}`, subject.notes[action] ?? {});
            if (allowed && allowed.roles !== 'system' && exists) {
              assert.equal(answer.status, 200, `${side} ${action} from ${model.state}: ${answer.text}`);
              model.state = allowed.to;
              model.seq += 1;
              model.sent ||= opens(machine, allowed);
            } else {
              assert.ok([403, 404, 409].includes(answer.status), `${side} ${action} from ${model.state} answered ${answer.status}`);
            }
            if (!model.sent) {
              const mine = (await drafter.get(`/api/v1/requests/${id}`)).body;
              assert.deepEqual([mine.state, mine.seq], [model.state, model.seq]);
              assert.equal((await answerer.get(`/api/v1/requests/${id}`)).status, 404, 'a draft never leaves its node');
              continue;
            }
            const { mine, theirs } = await agreed(drafter, answerer, id, model.seq);
            assert.equal(mine.state, model.state);
            assert.equal(theirs.state, model.state);
            // The steps that crossed the border, in the same order on both sides; local ones (asking for approval) stay home.
            const crossed = (events: { action: string; msgId: string | null }[]) => events.filter((e) => e.msgId !== null).map((e) => e.action);
            assert.deepEqual(crossed(theirs.events), crossed(mine.events));
          }
        }),
        { numRuns: subject.runs },
      );
    });
  }
});
