import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { sealMessage } from '../../src/federation/envelope.ts';
import { newMessageId } from '../../src/federation/keys.ts';
import { encryptionKeyOf } from '../../src/federation/trust.ts';
import { type Party, notes, party, queueNote, settled, trust } from '../support/federation.ts';
import type { TestNode } from '../support/node.ts';

async function post(node: TestNode, envelope: string | Buffer, contentType = 'application/jose') {
  const response = await fetch(`${node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': contentType }, body: envelope });
  return { status: response.status, body: (await response.json()) as { receipt?: string; duplicate?: boolean; type?: string; detail?: string } };
}

describe('federation: signed, encrypted, receipted, exactly-once messages between two nodes', () => {
  let a: Party;
  let b: Party;
  let stranger: Party;
  before(async () => {
    [a, b, stranger] = await Promise.all([party('a-police', 'AA'), party('b-police', 'BB'), party('x-stranger', 'XX')]);
    await trust(a, b);
    await trust(b, a);
    await trust(stranger, b); // the stranger knows b, but b does not trust it
    a.node.federation.worker.start();
  });
  after(async () => {
    await Promise.all([a, b, stranger].map((p) => p.node.close()));
  });

  test('each node publishes its id, State, kind, endpoints and keys at /.well-known/entraide', async () => {
    const metadata = (await a.admin.get('/.well-known/entraide')).body;
    assert.equal(metadata.nodeId, 'a-police');
    assert.equal(metadata.state, 'AA');
    assert.equal(metadata.kind, 'authority');
    assert.equal(metadata.endpoints.inbox, `${a.node.config.publicUrl}/federation/v1/inbox`);
    assert.deepEqual(metadata.jwks.keys.map((k: { use: string; crv: string }) => `${k.use}:${k.crv}`).sort(), ['enc:X25519', 'sig:Ed25519']);
    assert.ok(metadata.jwks.keys.every((k: Record<string, unknown>) => !('d' in k)), 'no private part is published');
    const stored = await a.node.database.db.query<{ private_jwe: string }>('SELECT private_jwe FROM node_keys');
    for (const row of stored.rows) assert.equal(decodeProtectedHeader(row.private_jwe).alg, 'PBES2-HS512+A256KW');
  });

  test('a peer is added only if its metadata matches the fingerprint given out of band', async () => {
    const wrong = await a.admin.post('/api/v1/federation/peers', { url: stranger.node.url, fingerprint: 'A'.repeat(43) });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.type, '/problems/fingerprint-mismatch');
    assert.deepEqual((await a.admin.get('/api/v1/federation/peers')).body.map((p: { nodeId: string }) => p.nodeId), ['b-police']);
  });

  test('a note from A reaches B once, with a signed receipt that A keeps and shows', async () => {
    const msgId = await queueNote(a.node, 'b-police', 'hello B');
    a.node.federation.worker.kick();
    assert.equal(await settled(a.node, msgId), 'delivered');
    const log = (await a.admin.get(`/api/v1/federation/messages?direction=sent&peer=b-police`)).body.items;
    const sent = log.find((m: { msgId: string }) => m.msgId === msgId);
    assert.equal(sent.state, 'delivered');
    assert.equal(decodeProtectedHeader(sent.receipt).typ, 'entraide-receipt+jws');
    const received = (await b.admin.get('/api/v1/federation/messages?direction=received')).body.items;
    assert.ok(received.some((m: { msgId: string; receipt: string }) => m.msgId === msgId && m.receipt === sent.receipt));
    const rows = await b.node.database.db.query<{ body: string; sender: string }>('SELECT body, sender FROM test_notes WHERE msg_id = $1', [msgId]);
    assert.deepEqual(rows.rows, [{ body: 'hello B', sender: 'a-police' }]);
  });

  test('a retry of an applied message returns the first receipt and applies nothing again', async () => {
    const msgId = await queueNote(a.node, 'b-police', 'once only');
    await settled(a.node, msgId);
    const { rows } = await a.node.database.db.query<{ envelope: string; receipt: string }>('SELECT envelope, receipt FROM outbox WHERE msg_id = $1', [msgId]);
    const before_ = await notes(b.node);
    for (let i = 0; i < 3; i += 1) {
      const again = await post(b.node, rows[0]!.envelope);
      assert.equal(again.status, 200);
      assert.equal(again.body.duplicate, true);
      assert.equal(again.body.receipt, rows[0]!.receipt);
    }
    assert.equal(await notes(b.node), before_);
  });

  describe('tampered or unwelcome messages are refused with a problem, and nothing is applied', () => {
    let envelope: string;
    before(async () => {
      const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
      envelope = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'x' }, a.node.federation.keys, key);
    });

    async function refused(body: string | Buffer, status: number, type: string, contentType?: string) {
      const before_ = await notes(b.node);
      const answer = await post(b.node, body, contentType);
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.type, `/problems/${type}`);
      assert.equal(await notes(b.node), before_);
      return answer;
    }

    test('one flipped byte anywhere in the ciphertext or tag', async () => {
      const parts = envelope.split('.');
      for (const index of [3, 4]) {
        const flipped = [...parts];
        const bytes = Buffer.from(flipped[index]!, 'base64url');
        bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        flipped[index] = bytes.toString('base64url');
        await refused(flipped.join('.'), 400, 'undecryptable');
      }
    });

    test('a message addressed to another node', async () => {
      const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
      const misaddressed = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'c-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'x' }, a.node.federation.keys, key);
      await refused(misaddressed, 400, 'wrong-recipient');
    });

    test('a sender whose key is not on the trust list', async () => {
      const { key } = await encryptionKeyOf(stranger.node.database.db, 'b-police');
      const intruder = await sealMessage({ msgId: newMessageId(), from: 'x-stranger', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'x' }, stranger.node.federation.keys, key);
      await refused(intruder, 403, 'untrusted-sender');
      // Claiming to be a trusted node does not help: the signature is checked with that node's key.
      const impostor = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'x' }, stranger.node.federation.keys, key);
      await refused(impostor, 403, 'untrusted-sender');
    });

    test('a message too old to be told from a replay, or from the future beyond the clock skew', async () => {
      const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
      const now = Math.floor(Date.now() / 1000);
      const old = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: now - b.node.config.federation.maxAgeSeconds - 60 }, { body: 'x' }, a.node.federation.keys, key);
      await refused(old, 400, 'too-old');
      const future = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: now + b.node.config.federation.maxSkewSeconds + 60 }, { body: 'x' }, a.node.federation.keys, key);
      await refused(future, 400, 'from-the-future');
    });

    test('another message reusing the id of one already received', async () => {
      const first = await post(b.node, envelope);
      assert.equal(first.status, 200);
      const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
      const reused = await sealMessage({ msgId: decodeProtectedHeader(envelope).msgId as string, from: 'a-police', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'other' }, a.node.federation.keys, key);
      await refused(reused, 409, 'message-id-reused');
    });

    test('a message over the size limit, garbage, or the wrong media type', async () => {
      await refused(`${envelope}${'A'.repeat(b.node.config.federation.inboxLimit)}`, 413, 'too-large');
      await refused('not a jwe at all', 400, 'malformed-envelope');
      await refused(envelope, 415, 'unsupported-media-type', 'text/plain');
    });

    test('a suspended peer is refused until it is activated again', async () => {
      assert.equal((await b.admin.post('/api/v1/federation/peers/a-police/suspend')).body.status, 'suspended');
      const { key } = await encryptionKeyOf(a.node.database.db, 'b-police');
      const message = await sealMessage({ msgId: newMessageId(), from: 'a-police', to: 'b-police', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'x' }, a.node.federation.keys, key);
      await refused(message, 403, 'untrusted-sender');
      assert.equal((await b.admin.post('/api/v1/federation/peers/a-police/activate')).body.status, 'active');
      assert.equal((await post(b.node, message)).status, 200);
    });

    test('each refusal is logged on the receiving node', () => {
      const refusals = b.node.logs.filter((line) => line.includes('"msg":"message refused"'));
      assert.ok(refusals.length >= 6);
      assert.ok(refusals.some((line) => line.includes('"reason":"bad-signature"') || line.includes('"reason":"untrusted-sender"')));
    });
  });

  describe('several messages in one request, as nodes deliver them', () => {
    const seal = async (from: Party, to: string, body: string, msgId = newMessageId()) => {
      const { key } = await encryptionKeyOf(from.node.database.db, 'b-police');
      return sealMessage({ msgId, from: from.node.config.nodeId, to, type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body }, from.node.federation.keys, key);
    };
    const postBatch = async (envelopes: string[]) => {
      const response = await fetch(`${b.node.url}/federation/v1/inbox/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ envelopes }) });
      return { status: response.status, body: (await response.json()) as { results: { receipt?: string; duplicate?: boolean; problem?: { status: number; type: string } }[] } };
    };

    test('each message gets its own receipt or problem, in order; only the good ones are applied, once', async () => {
      const good = await seal(a, 'b-police', 'batch good');
      const flipped = good.split('.');
      const tag = Buffer.from(flipped[4]!, 'base64url');
      tag[0]! ^= 0x01;
      flipped[4] = tag.toString('base64url');
      const batch = [good, await seal(a, 'c-police', 'elsewhere'), flipped.join('.'), await seal(stranger, 'b-police', 'intruder'), good, 'garbage'];
      const before_ = await notes(b.node);
      const answer = await postBatch(batch);
      assert.equal(answer.status, 200);
      const [first, misaddressed, tampered, intruder, again, garbage] = answer.body.results;
      assert.equal(first!.duplicate, false);
      assert.equal(decodeProtectedHeader(first!.receipt!).typ, 'entraide-receipt+jws');
      assert.deepEqual([misaddressed, tampered, intruder, garbage].map((r) => `${r!.problem!.status} ${r!.problem!.type}`), [
        '400 /problems/wrong-recipient', '400 /problems/undecryptable', '403 /problems/untrusted-sender', '400 /problems/malformed-envelope',
      ]);
      assert.deepEqual(again, { receipt: first!.receipt, duplicate: true });
      assert.equal(await notes(b.node), before_ + 1);
      assert.deepEqual((await postBatch([good])).body.results, [{ receipt: first!.receipt, duplicate: true }]);
    });

    test('a message its handler cannot apply delays no other: the rest are applied, that one answers 500 and is retried', async () => {
      const envelopes = await Promise.all(['one', 'FAIL', 'three'].map((body) => seal(a, 'b-police', body)));
      await b.node.database.db.exec(`CREATE FUNCTION refuse_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.body = 'FAIL' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER refuse_fail BEFORE INSERT ON test_notes FOR EACH ROW EXECUTE FUNCTION refuse_fail()`);
      try {
        const before_ = await notes(b.node);
        const { results } = (await postBatch(envelopes)).body;
        assert.deepEqual(results.map((r) => r.problem?.status ?? 'receipt'), ['receipt', 500, 'receipt']);
        assert.equal(await notes(b.node), before_ + 2);
      } finally {
        await b.node.database.db.exec('DROP TRIGGER refuse_fail ON test_notes; DROP FUNCTION refuse_fail()');
      }
      const retried = (await postBatch(envelopes)).body.results;
      assert.deepEqual(retried.map((r) => r.duplicate), [true, false, true]);
    });

    test('an empty batch, too many messages, or unknown fields are refused as a whole', async () => {
      const envelope = await seal(a, 'b-police', 'x');
      for (const body of [{ envelopes: [] }, { envelopes: Array.from({ length: 65 }, () => envelope) }, { envelopes: [envelope], extra: 1 }, { envelopes: 'x' }]) {
        const response = await fetch(`${b.node.url}/federation/v1/inbox/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('content-type'), 'application/problem+json');
      }
    });
  });

  test('while the peer is unreachable the message waits and is retried; past its time it is dead until the administrator retries it', async () => {
    await a.node.database.db.query("UPDATE peers SET inbox_url = 'http://127.0.0.1:9/federation/v1/inbox' WHERE node_id = 'b-police'");
    const msgId = await queueNote(a.node, 'b-police', 'patience');
    a.node.federation.worker.kick();
    assert.equal(await settled(a.node, msgId, ['dead']), 'dead');
    const dead = (await a.admin.get('/api/v1/federation/messages?state=dead')).body.items.find((m: { msgId: string }) => m.msgId === msgId);
    assert.ok(dead.attempts >= 1);
    assert.ok(dead.lastError);
    await a.node.database.db.query('UPDATE peers SET inbox_url = $1 WHERE node_id = $2', [`${b.node.url}/federation/v1/inbox`, 'b-police']);
    assert.equal((await a.admin.post(`/api/v1/federation/messages/${msgId}/retry`)).status, 202);
    assert.equal(await settled(a.node, msgId, ['delivered']), 'delivered');
    const rows = await b.node.database.db.query('SELECT 1 FROM test_notes WHERE msg_id = $1', [msgId]);
    assert.equal(rows.rows.length, 1);
  });
});
