import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/platform/db/database.ts';

/** The node the known data set belongs to, and the period it falls in. */
export const SELF = 'a-ca';
export const PERIOD = 'from=2025-01-01&to=2025-12-31';
const hoursAfter = (at: string, hours: number) => new Date(Date.parse(at) + hours * 3_600_000).toISOString();

type Step = [action: string, from: string | null, to: string, at: string, note?: Record<string, unknown>];

/** A request as a node would hold it after these steps, written straight to the database with known dates. */
async function seed(db: Database, request: { kind: string; side: 'requester' | 'executor'; counterpart: string; dueAt?: string; fields?: object; steps: Step[] }) {
  const id = randomUUID();
  const [requester, executor] = request.side === 'requester' ? [SELF, request.counterpart] : [request.counterpart, SELF];
  const last = request.steps.at(-1)!;
  await db.query(
    `INSERT INTO requests (id, kind, side, requester, executor, state, seq, fields, legal_basis, due_at, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}', $9, 'seed', $10)`,
    [id, request.kind, request.side, requester, executor, last[2], request.steps.length, JSON.stringify(request.fields ?? {}), request.dueAt ?? null, request.steps[0]![3]],
  );
  for (const [index, [action, from, to, at, note]] of request.steps.entries()) {
    await db.query(
      `INSERT INTO request_events (request_id, seq, action, from_state, to_state, actor_node, actor_name, note, at) VALUES ($1, $2, $3, $4, $5, $6, 'seed', $7, $8)`,
      [id, index + 1, action, from, to, SELF, JSON.stringify(note ?? {}), at],
    );
  }
}

/** Sends at `at` (after a draft awaiting approval), then takes the steps, each `hours` after sending. */
const approved = (at: string, ...steps: [string, string, number, Record<string, unknown>?][]): Step[] => {
  let state = 'submitted';
  return [
    ['ask-approval', 'draft', 'awaiting-approval', hoursAfter(at, -24)],
    ['approve', 'awaiting-approval', 'submitted', at],
    ...steps.map(([action, to, hours, note]): Step => {
      const step: Step = [action, state, to, hoursAfter(at, hours), note];
      state = to;
      return step;
    }),
  ];
};

/**
 * The known data set. Sent (to XB: b-ca, XC: c-ca, and a node no longer trusted):
 *  1 mla → XB, executed after 240 h        2 mla → XB, refused after 480 h on two grounds
 *  3 mla → XB, withdrawn after a partial execution, 720 h      4 preservation → XC, preserved then expired, 100 h
 *  5 preservation → XC, refused after 4 h in words only         6 disclosure → XC, open and overdue
 *  7 disclosure → unknown node, open, not yet due
 *  and, not counted: an mla request sent in 2024, and a draft awaiting approval.
 * Received: 10 extradition from XB, decided as a refusal after 1200 h; 11 spontaneous from XC, provided after 24 h;
 * 12 emergency from XB, disclosed after 6 h.
 */
export async function seedKnownData(db: Database) {
  await db.query(
    `INSERT INTO peers (node_id, url, state, kind, display_name, inbox_url, fingerprint)
     VALUES ('b-ca', 'http://b.invalid', 'XB', 'central_authority', 'B', 'http://b.invalid/inbox', 'x'),
            ('c-ca', 'http://c.invalid', 'XC', 'central_authority', 'C', 'http://c.invalid/inbox', 'y')`,
  );
  const requests = [
    { kind: 'mla', side: 'requester', counterpart: 'b-ca', steps: approved('2025-03-01T00:00:00Z', ['acknowledge', 'acknowledged', 24], ['execute', 'executed', 240]) },
    { kind: 'mla', side: 'requester', counterpart: 'b-ca', steps: approved('2025-04-01T00:00:00Z', ['refuse', 'refused', 480, { grounds: ['no-dual-criminality', 'human-rights'], reason: 'Not an offence here; and a risk.' }]) },
    {
      kind: 'mla', side: 'requester', counterpart: 'b-ca',
      steps: approved('2025-05-01T00:00:00Z', ['acknowledge', 'acknowledged', 24], ['execute-partially', 'partially-executed', 100], ['withdraw', 'withdrawn', 720]),
    },
    {
      kind: 'preservation', side: 'requester', counterpart: 'c-ca',
      steps: [['submit', 'draft', 'submitted', '2025-06-01T00:00:00Z'], ['confirm-preserved', 'submitted', 'preserved', '2025-06-01T02:00:00Z'], ['expire', 'preserved', 'expired', '2025-06-05T04:00:00Z']],
    },
    {
      kind: 'preservation', side: 'requester', counterpart: 'c-ca',
      steps: [['submit', 'draft', 'submitted', '2025-06-10T00:00:00Z'], ['refuse', 'submitted', 'refused', '2025-06-10T04:00:00Z', { reason: 'The account belongs to a named person.' }]],
    },
    { kind: 'disclosure', side: 'requester', counterpart: 'c-ca', dueAt: '2025-07-11T00:00:00Z', steps: approved('2025-07-01T00:00:00Z') },
    { kind: 'disclosure', side: 'requester', counterpart: 'gone-node', dueAt: '2999-01-01T00:00:00Z', steps: approved('2025-07-02T00:00:00Z') },
    { kind: 'mla', side: 'requester', counterpart: 'b-ca', steps: approved('2024-06-01T00:00:00Z', ['execute', 'executed', 10]) },
    { kind: 'mla', side: 'requester', counterpart: 'b-ca', steps: [['ask-approval', 'draft', 'awaiting-approval', '2025-05-05T00:00:00Z']] },
    {
      kind: 'extradition', side: 'executor', counterpart: 'b-ca', fields: { grounds: ['nationality'] },
      steps: [['consult', 'draft', 'consulting', '2025-02-01T00:00:00Z'], ['give-opinion', 'consulting', 'answered', '2025-02-20T00:00:00Z'],
        ['decide', 'answered', 'decided', hoursAfter('2025-02-01T00:00:00Z', 1200), { decision: 'refused', reasons: 'The person is a national.' }]],
    },
    {
      kind: 'spontaneous', side: 'executor', counterpart: 'c-ca',
      steps: [['offer', 'draft', 'offered', '2025-03-01T00:00:00Z'], ['accept-conditions', 'offered', 'accepted', '2025-03-01T05:00:00Z'], ['provide', 'accepted', 'provided', '2025-03-02T00:00:00Z']],
    },
    {
      kind: 'emergency', side: 'executor', counterpart: 'b-ca',
      steps: approved('2025-08-01T00:00:00Z', ['confirm-origin', 'confirmed', 1], ['disclose', 'disclosed', 6]),
    },
  ] as const;
  for (const request of requests) await seed(db, request as Parameters<typeof seed>[1]);
}
