import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PERIOD, SELF, seedKnownData } from './known-data.ts';
import { recordOpeningSteps } from '../../src/statistics/request-facts.ts';
import { STATISTICS_API } from '../../src/statistics/routes.ts';
import { type Api, type TestNode, startTestNodeWithAdmin } from '../support/node.ts';

describe('what the statistics read of the steps, kept on each request', () => {
  let node: TestNode;
  let admin: Api;

  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin({ nodeId: SELF, state: 'XA' }));
    await seedKnownData(node.database.db);
  });
  after(() => node?.close());

  test('requests recorded before the node knew the opening steps are filled from their steps when it starts', async () => {
    const seen = (await admin.get(`${STATISTICS_API}?${PERIOD}`)).body;
    assert.equal(seen.groups.length > 0, true);
    const { db } = node.database;
    // As on a node that held requests before the statistics were installed.
    await db.query('DELETE FROM statistics_opening_steps');
    await db.query('UPDATE requests SET sent_at = NULL, last_step_at = NULL, last_step_from = NULL, last_step_decision = NULL, last_step_grounds = NULL');
    assert.deepEqual((await admin.get(`${STATISTICS_API}?${PERIOD}`)).body.groups, []);
    await recordOpeningSteps(db);
    assert.deepEqual((await admin.get(`${STATISTICS_API}?${PERIOD}`)).body, seen);
  });

  test('the steps written once, a later start leaves the requests alone', async () => {
    const { db } = node.database;
    const before = (await db.query<{ n: string }>('SELECT count(*) AS n FROM requests WHERE sent_at IS NOT NULL')).rows[0]!.n;
    await db.query(`UPDATE requests SET sent_at = NULL WHERE kind = 'mla'`);
    await recordOpeningSteps(db);
    const after = (await db.query<{ n: string }>('SELECT count(*) AS n FROM requests WHERE sent_at IS NOT NULL')).rows[0]!.n;
    assert.equal(Number(after) < Number(before), true);
  });
});
