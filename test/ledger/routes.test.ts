import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JWK } from 'jose';
import { verifyStatement } from '../../src/federation/statements.ts';
import { fromHex, leafHash, toHex, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.ts';
import { integrate } from '../../src/ledger/sequencer.ts';
import { leafData } from '../../src/ledger/sources.ts';
import { TREE_HEAD_TYP, type SignedTreeHead, type TreeHead } from '../../src/ledger/tree-head.ts';
import { snapshot } from '../support/database.ts';
import { Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';
import { checkLogAgainstRecords } from './support.ts';

describe('the log over HTTP: signed head, proofs, leaves', () => {
  let node: TestNode;
  let admin: Api;
  let analyst: Api;
  let anyone: Api;

  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin());
    analyst = await userWith(admin, 'analyst', ['analyst']);
    anyone = new Api(node.url);
  });
  after(() => node.close());

  async function publish(): Promise<SignedTreeHead> {
    const published = await admin.post<SignedTreeHead>('/api/v1/log/publish');
    assert.equal(published.status, 200, published.text);
    return published.body;
  }

  test('the tree head is public, signed with the node’s federation key, and names the log as it is', async () => {
    const head = await publish();
    assert.deepEqual((await anyone.get(`/.well-known/entraide/log`)).body, head);
    const keys = (await anyone.get<{ jwks: { keys: JWK[] } }>('/.well-known/entraide')).body.jwks.keys.filter((k) => k.use === 'sig');
    const signed = await verifyStatement<TreeHead>(head.signature, TREE_HEAD_TYP, keys[0]!);
    assert.deepEqual(signed, { nodeId: head.nodeId, size: head.size, rootHash: head.rootHash, timestamp: head.timestamp });
    assert.equal(head.nodeId, node.config.nodeId);
    // The publication is audited once the head is signed: its record joins the next head.
    const pending = await node.database.db.query<{ action: string }>('SELECT action FROM audit_log WHERE log_index IS NULL');
    assert.deepEqual(pending.rows.map((r) => r.action), ['ledger.publish']);
    const again = await publish();
    assert.equal(again.size, head.size + 1);
  });

  test('every leaf has an inclusion proof, by index or by the hash of its record, that verifies against the head', async () => {
    const head = await publish();
    const root = fromHex(head.rootHash);
    for (let index = 0; index < head.size; index++) {
      const byIndex = await anyone.get(`/api/v1/log/inclusion?index=${index}&size=${head.size}`);
      assert.equal(byIndex.status, 200, byIndex.text);
      assert.ok(verifyInclusion(index, head.size, fromHex(byIndex.body.leafHash), byIndex.body.proof.map(fromHex), root), `leaf ${index}`);
      const leaf = await admin.get(`/api/v1/log/leaves/${index}`);
      assert.equal(leaf.status, 200, leaf.text);
      assert.equal(leaf.body.source, 'audit');
      assert.equal(leaf.body.intact, true);
      const recomputed = toHex(leafHash(leafData(leaf.body.source, leaf.body.record)));
      assert.equal(recomputed, byIndex.body.leafHash, 'anyone holding the record recomputes its leaf');
      const byHash = await anyone.get(`/api/v1/log/inclusion?hash=${recomputed}&size=${head.size}`);
      assert.deepEqual(byHash.body, byIndex.body);
    }
    const reads = await node.database.db.query("SELECT 1 FROM audit_log WHERE action = 'ledger.leaf.read'");
    assert.equal(reads.rows.length, head.size, 'every read of a leaf is audited');
    await integrate(node.database.db);
    await checkLogAgainstRecords(node.database.db);
  });

  test('consistency proofs join every earlier head to the latest', async () => {
    const heads = [await publish()];
    for (let i = 0; i < 3; i++) {
      await userWith(admin, `officer-${i}`, ['investigator']);
      heads.push(await publish());
    }
    const latest = heads.at(-1)!;
    for (const earlier of heads) {
      const proof = await anyone.get(`/api/v1/log/consistency?from=${earlier.size}&to=${latest.size}`);
      assert.equal(proof.status, 200, proof.text);
      assert.ok(verifyConsistency(earlier.size, latest.size, fromHex(earlier.rootHash), fromHex(latest.rootHash), proof.body.proof.map(fromHex)), `${earlier.size} → ${latest.size}`);
    }
    const byDefault = await anyone.get(`/api/v1/log/consistency?from=${heads[0]!.size}`);
    assert.equal(byDefault.body.to, latest.size, 'by default up to the latest head');
  });

  test('leaves, alerts and runs on demand are for the administrator; proofs and the head for anyone', async () => {
    for (const [method, path] of [['GET', '/api/v1/log/leaves/0'], ['GET', '/api/v1/log/alerts'], ['POST', '/api/v1/log/publish'], ['POST', '/api/v1/log/watch']] as const) {
      assert.equal((await analyst.call(method, path)).status, 403, `${method} ${path}`);
      assert.equal((await anyone.call(method, path)).status, 401, `${method} ${path}`);
    }
    assert.equal((await admin.get('/api/v1/log/alerts')).status, 200);
    assert.equal((await anyone.get('/api/v1/log/inclusion?index=0')).status, 200);
  });

  test('bad input gets a problem and changes nothing', async () => {
    const head = await publish();
    const before_ = await snapshot(node.database.db);
    const cases: [string, number][] = [
      ['/api/v1/log/inclusion?index=-1', 400],
      ['/api/v1/log/inclusion?index=abc', 400],
      ['/api/v1/log/inclusion?index=1.5', 400],
      ['/api/v1/log/inclusion?index=0&size=0', 400],
      [`/api/v1/log/inclusion?index=${head.size}&size=${head.size}`, 400],
      [`/api/v1/log/inclusion?index=0&size=${head.size + 1000}`, 400],
      ['/api/v1/log/inclusion?index=0&hash=' + '0'.repeat(64), 400],
      ['/api/v1/log/inclusion', 400],
      ['/api/v1/log/inclusion?hash=xyz', 400],
      ['/api/v1/log/inclusion?hash=' + 'ab'.repeat(32), 404],
      ['/api/v1/log/inclusion?index=0&colour=red', 400],
      ['/api/v1/log/inclusion?index=99999999999999999999', 400],
      ['/api/v1/log/consistency', 400],
      ['/api/v1/log/consistency?from=3&to=2', 400],
      [`/api/v1/log/consistency?from=1&to=${head.size + 1}`, 400],
      ['/api/v1/log/consistency?from=-2', 400],
      ['/api/v1/log/leaves/abc', 400],
      ['/api/v1/log/leaves/-1', 400],
      ['/api/v1/log/leaves/99999999', 404],
    ];
    for (const [path, status] of cases) {
      const response = await admin.get(path);
      assert.equal(response.status, status, `${path}: ${response.text}`);
      assert.equal(response.headers.get('content-type'), 'application/problem+json', path);
      assert.equal(response.body.status, status);
    }
    assert.deepEqual(await snapshot(node.database.db), before_, 'the database changed');
  });
});
