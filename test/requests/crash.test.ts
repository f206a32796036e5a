import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Api, userWith } from '../support/node.ts';
import { NodeProcess, trustEachOther } from '../support/processes.ts';

const REQUESTS = Number(process.env.CRASH_REQUESTS ?? 30);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const FIELDS = {
  offence: 'illegal-access',
  summary: 'Intrusion into a ministry mailbox from an address abroad.',
  identifiers: [{ kind: 'ip', value: '203.0.113.9', observedAt: '2026-11-02T03:15:00+01:00' }],
  dataCategories: ['traffic'],
  period: { from: '2026-11-01', to: '2026-11-03' },
};

/** Calls the API until the node answers (it may be down, or have died after committing). */
async function persist<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch {
      await sleep(150);
    }
  }
}

describe('requests survive nodes killed mid-flight: each step applied once, both copies agree', { timeout: 6 * 60_000 }, () => {
  let a: NodeProcess;
  let b: NodeProcess;
  before(async () => {
    [a, b] = await Promise.all([NodeProcess.create('xa-police'), NodeProcess.create('xb-247')]);
    await Promise.all([a.start(), b.start()]);
    await trustEachOther(a, b);
  });
  after(async () => {
    await Promise.all([a.dispose(), b.dispose()]);
  });

  test(`${REQUESTS} preservation requests submitted and answered while both nodes are killed with SIGKILL`, async () => {
    const investigator = await userWith(await a.admin(), 'ines', ['investigator']);
    const officer = await userWith(await b.admin(), 'olga', ['contact_point']);
    const ids: string[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const drafted = await investigator.post('/api/v1/requests', { kind: 'preservation', executor: 'xb-247', requestedState: 'XB', fields: { ...FIELDS, caseReference: `XA-${i}` } });
      assert.equal(drafted.status, 201, drafted.text);
      ids.push(drafted.body.id);
    }

    // Chaos: B, then A, then B again are killed with no warning while the requests travel, and started again.
    const kills = { a: 0, b: 0 };
    const chaos = (async () => {
      for (const victim of [b, a, b]) {
        await sleep(800 + Math.random() * 800);
        await victim.kill('SIGKILL');
        kills[victim === a ? 'a' : 'b'] += 1;
        await victim.start();
      }
    })();

    // State A submits each request; a submission whose answer was lost is seen as already done.
    const submitting = (async () => {
      for (const id of ids) {
        await persist(async () => {
          const sent = await investigator.post(`/api/v1/requests/${id}/actions/submit`, {});
          if (sent.status === 200) return;
          const seen = await investigator.get(`/api/v1/requests/${id}`);
          if (seen.body.state !== 'draft') return;
          throw new Error(`submit ${id}: ${sent.status}`);
        });
      }
    })();

    // State B's 24/7 point confirms each request as it arrives.
    const answering = (async () => {
      const done = new Set<string>();
      while (done.size < ids.length) {
        const waiting = await persist(() => officer.get('/api/v1/requests?side=executor&state=submitted&limit=500'));
        for (const { id } of waiting.body.items ?? []) {
          const answer = await persist(() => officer.post(`/api/v1/requests/${id}/actions/confirm-preserved`, { preservedUntil: '2027-02-28' }));
          if (answer.status === 200 || answer.status === 409) done.add(id);
        }
        const preserved = await persist(() => officer.get('/api/v1/requests?side=executor&state=preserved&limit=500'));
        for (const { id } of preserved.body.items ?? []) done.add(id);
        await sleep(200);
      }
    })();

    await Promise.all([submitting, answering, chaos]);

    const settled = async (api: Api, id: string) => {
      for (const deadline = Date.now() + 3 * 60_000; Date.now() < deadline; await sleep(250)) {
        const seen = await persist(() => api.get(`/api/v1/requests/${id}`));
        if (seen.body.state === 'preserved') return seen.body;
      }
      throw new Error(`${id} is not preserved on both sides after three minutes`);
    };
    for (const id of ids) {
      const [mine, theirs] = await Promise.all([settled(investigator, id), settled(officer, id)]);
      // Each step exactly once, in the same order, on both copies.
      assert.deepEqual(mine.events.map((e: any) => [e.seq, e.action]), [[1, 'submit'], [2, 'confirm-preserved']], `${id} at A`);
      assert.deepEqual(theirs.events.map((e: any) => [e.seq, e.action, e.msgId]), mine.events.map((e: any) => [e.seq, e.action, e.msgId]), `${id} at B`);
      assert.equal(theirs.dueAt, mine.dueAt);
    }
    assert.ok(kills.a >= 1 && kills.b >= 2, JSON.stringify(kills));
    process.stdout.write(`# requests crash test: ${ids.length} requests, kills ${JSON.stringify(kills)}\n`);
  });
});
