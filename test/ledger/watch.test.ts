import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { publishHead } from '../../src/ledger/tree-head.ts';
import type { WatchOutcome } from '../../src/ledger/watch.ts';
import { type Party, trust } from '../support/federation.ts';
import { startTestNodeWithAdmin } from '../support/node.ts';

describe('peers watch each other’s logs (two nodes on loopback)', () => {
  let a: Party;
  let b: Party;

  before(async () => {
    a = await startTestNodeWithAdmin({ nodeId: 'a-police', state: 'XA' });
    b = await startTestNodeWithAdmin({ nodeId: 'b-police', state: 'XB' });
    // B watches A: it trusts A's key, given out of band.
    await trust(b, a);
  });
  after(async () => {
    await b.node.close();
    await a.node.close();
  });

  async function publishA(): Promise<number> {
    const head = await a.admin.post('/api/v1/log/publish');
    assert.equal(head.status, 200, head.text);
    return head.body.size;
  }

  async function watchFromB(): Promise<WatchOutcome> {
    const outcomes = await b.admin.post<WatchOutcome[]>('/api/v1/log/watch');
    assert.equal(outcomes.status, 200, outcomes.text);
    assert.equal(outcomes.body.length, 1);
    return outcomes.body[0]!;
  }

  const alertsOfB = async () => (await b.admin.get('/api/v1/log/alerts')).body as { nodeId: string; kind: string; detail: string; keptHead: string | null }[];
  const keptSizes = async () =>
    (await b.node.database.db.query<{ tree_size: number }>("SELECT tree_size FROM ledger_peer_heads WHERE node_id = 'a-police' ORDER BY tree_size")).rows.map((r) => Number(r.tree_size));

  /** What a node that rewrites its history does: it changes a record, then rebuilds its log from the records. */
  async function rewriteHistoryOfA(): Promise<void> {
    await a.node.database.db.exec(`
      ALTER TABLE audit_log DISABLE TRIGGER USER;
      UPDATE audit_log SET details = '{"rewritten": true}', log_index = NULL WHERE id = (SELECT min(id) FROM audit_log);
      UPDATE audit_log SET log_index = NULL;
      ALTER TABLE audit_log ENABLE TRIGGER USER;
      DELETE FROM ledger_nodes;
      DELETE FROM ledger_heads;`);
  }

  test('an honest log: the first head is kept, then each one that a consistency proof joins to it', async () => {
    const first = await publishA();
    assert.deepEqual(await watchFromB(), { nodeId: 'a-police', outcome: 'kept', size: first });
    await a.admin.post('/api/v1/users', { username: 'officer', displayName: 'Officer', password: 'officer passphrase', roles: ['investigator'] });
    const second = await publishA();
    assert.ok(second > first);
    assert.deepEqual(await watchFromB(), { nodeId: 'a-police', outcome: 'kept', size: second });
    assert.deepEqual(await watchFromB(), { nodeId: 'a-police', outcome: 'unchanged', size: second });
    assert.deepEqual(await keptSizes(), [first, second]);
    assert.deepEqual(await alertsOfB(), []);
  });

  test('a node that rewrites a record and rebuilds its log is caught by its peer, and the administrator alerted once', async () => {
    const keptBefore = await keptSizes();
    const kept = keptBefore.at(-1)!;
    await rewriteHistoryOfA();
    const rebuilt = await publishA();
    assert.ok(rebuilt > kept, 'the rewritten log is larger than the head kept: only the consistency proof can tell');
    const outcome = await watchFromB();
    assert.equal(outcome.outcome, 'alert', JSON.stringify(outcome));
    assert.match(outcome.detail!, /^inconsistent: .*rewritten/);
    // The same contradiction seen again is still one alert.
    assert.equal((await watchFromB()).outcome, 'alert');
    const alerts = await alertsOfB();
    assert.deepEqual(alerts.map((alert) => [alert.nodeId, alert.kind]), [['a-police', 'inconsistent']]);
    assert.ok(alerts[0]!.keptHead, 'the alert keeps the head signed before, as evidence');
    const audited = await b.node.database.db.query("SELECT details FROM audit_log WHERE action = 'ledger.alert.raise'");
    assert.equal(audited.rows.length, 1);
    assert.deepEqual(await keptSizes(), keptBefore, 'the rewritten head is not kept');
  });

  test('a log that shrank, and a head whose signature does not verify, raise alerts too', async () => {
    const kept = (await keptSizes()).at(-1)!;
    // A goes back to an earlier state of its log: the leaves past 2 are gone.
    const db = a.node.database.db;
    await db.query('DELETE FROM ledger_nodes WHERE (idx + 1) * power(2, level) > 2');
    await publishHead(db, a.node.federation.keys, 'a-police');
    const shrunk = await watchFromB();
    assert.equal(shrunk.outcome, 'alert');
    assert.match(shrunk.detail!, new RegExp(`^shrunk: the log shrank from ${kept} to 2 leaves`));

    // A head whose payload was changed after signing: the signature no longer matches it.
    const { rows: [latest] } = await db.query<{ tree_size: number; jws: string }>('SELECT tree_size, jws FROM ledger_heads ORDER BY signed_at DESC LIMIT 1');
    const [header, payload, signature] = latest!.jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), size: kept + 10 })).toString('base64url');
    await db.query('UPDATE ledger_heads SET jws = $2 WHERE tree_size = $1', [latest!.tree_size, `${header}.${forged}.${signature}`]);
    const badSignature = await watchFromB();
    assert.equal(badSignature.outcome, 'alert');
    assert.match(badSignature.detail!, /^bad-signature: /);

    assert.deepEqual((await alertsOfB()).map((alert) => alert.kind), ['bad-signature', 'shrunk', 'inconsistent']);
    assert.equal((await keptSizes()).at(-1), kept, 'nothing that contradicts the kept head replaces it');
  });

  test('a peer silent for longer than allowed raises one alert per silence, with the last head kept as evidence', async () => {
    const db = b.node.database.db;
    // A stops answering (its address leads nowhere) soon after B last heard from it: not yet an alert.
    await db.query("UPDATE peers SET url = 'http://127.0.0.1:9/' WHERE node_id = 'a-police'");
    const unreachable = await watchFromB();
    assert.equal(unreachable.outcome, 'unreachable', JSON.stringify(unreachable));
    // A day and more later (the default allowance is a day), the silence is an alert, raised once.
    await db.query("UPDATE ledger_peer_contact SET heard_at = now() - interval '25 hours' WHERE node_id = 'a-police'");
    const silent = await watchFromB();
    assert.equal(silent.outcome, 'alert');
    assert.match(silent.detail!, /^silent: no signed tree head since \d{4}-/);
    assert.equal((await watchFromB()).outcome, 'alert');
    const alerts = (await alertsOfB()).filter((alert) => alert.kind === 'silent');
    assert.equal(alerts.length, 1);
    assert.ok(alerts[0]!.keptHead, 'the alert keeps the last head the peer signed');
  });
});
