import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { sealMessage } from '../../src/federation/envelope.ts';
import { type NodeKeys, newMessageId } from '../../src/federation/keys.ts';
import { encryptionKeyOf } from '../../src/federation/trust.ts';
import { type Party, notes, party, queueNote, settled, trust } from '../support/federation.ts';

describe('key rotation: a new key is accepted beside the old one during the overlap, then the old one is refused', () => {
  let a: Party;
  let b: Party;
  let sealedBeforeRotation: string;
  let oldSigningKid: string;
  let keysBeforeRotation: NodeKeys;

  before(async () => {
    [a, b] = await Promise.all([party('a-rotating', 'AA'), party('b-peer', 'BB')]);
    await trust(a, b);
    await trust(b, a);
    a.node.federation.worker.start();
    b.node.federation.worker.start();
    keysBeforeRotation = a.node.federation.keys;
    oldSigningKid = keysBeforeRotation.signing.kid;
    const { key } = await encryptionKeyOf(a.node.database.db, 'b-peer');
    sealedBeforeRotation = await sealMessage({ msgId: newMessageId(), from: 'a-rotating', to: 'b-peer', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'old key' }, a.node.federation.keys, key);
  });
  after(async () => {
    await Promise.all([a.node.close(), b.node.close()]);
  });

  test('rotating publishes the new keys beside the old ones, both vouched for in the signed metadata', async () => {
    const rotated = await a.admin.post('/api/v1/federation/keys/rotate', { overlapHours: 1 });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.jwks.keys.length, 4);
    assert.notEqual(a.node.federation.keys.signing.kid, oldSigningKid);
    const signed = (await a.admin.get('/.well-known/entraide/signed')).body;
    assert.deepEqual(signed.signatures.map((s: { protected: string }) => decodeProtectedHeader(s as never).kid).sort(), [oldSigningKid, a.node.federation.keys.signing.kid].sort());
    const keys = (await a.admin.get('/api/v1/federation/keys')).body;
    assert.deepEqual(keys.map((k: { status: string }) => k.status).sort(), ['active', 'active', 'retiring', 'retiring']);
  });

  test('a message signed with the new key is accepted: the receiver learns the key from the signed metadata', async () => {
    const msgId = await queueNote(a.node, 'b-peer', 'new key');
    a.node.federation.worker.kick();
    assert.equal(await settled(a.node, msgId), 'delivered');
    const peer = (await b.admin.get('/api/v1/federation/peers')).body[0];
    assert.ok(peer.lastMessageAt);
  });

  test('during the overlap, a message signed with the old key still passes, and the peer may still encrypt to the old key', async () => {
    const before_ = await notes(b.node);
    const response = await fetch(`${b.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: sealedBeforeRotation });
    assert.equal(response.status, 200, await response.text());
    assert.equal(await notes(b.node), before_ + 1);
    // A peer that has not yet learnt the new encryption key seals to the old one: A still opens it.
    const sealedToOldKey = await sealMessage({ msgId: newMessageId(), from: 'b-peer', to: 'a-rotating', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'to the old key' }, b.node.federation.keys, keysBeforeRotation.encryption.publicJwk);
    const toA = await fetch(`${a.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: sealedToOldKey });
    assert.equal(toA.status, 200, await toA.text());
  });

  test('once retired, the old keys are refused on both sides; the receiver retires them when it refreshes', async () => {
    assert.equal((await a.admin.post('/api/v1/federation/keys/retire')).body.jwks.keys.length, 2);
    const refreshed = await b.admin.post('/api/v1/federation/peers/a-rotating/refresh');
    assert.equal(refreshed.status, 200, refreshed.text);
    const { rows } = await b.node.database.db.query<{ status: string }>("SELECT status FROM peer_keys WHERE node_id = 'a-rotating' AND kid = $1", [oldSigningKid]);
    assert.equal(rows[0]!.status, 'retired');

    const before_ = await notes(b.node);
    const { key } = await encryptionKeyOf(a.node.database.db, 'b-peer');
    const signedWithOldKey = await sealMessage({ msgId: newMessageId(), from: 'a-rotating', to: 'b-peer', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'late' }, keysBeforeRotation, key);
    const refused = await fetch(`${b.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: signedWithOldKey });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { type: string }).type, '/problems/untrusted-sender');
    assert.equal(await notes(b.node), before_);

    const toOldKey = await sealMessage({ msgId: newMessageId(), from: 'b-peer', to: 'a-rotating', type: 'test.note', iat: Math.floor(Date.now() / 1000) }, { body: 'late' }, b.node.federation.keys, keysBeforeRotation.encryption.publicJwk);
    const unopened = await fetch(`${a.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: toOldKey });
    assert.equal(unopened.status, 400);
    assert.equal(((await unopened.json()) as { type: string }).type, '/problems/unknown-recipient-key');
  });

  test('a refresh that no trusted key vouches for changes nothing', async () => {
    const stranger = await party('x-impostor', 'XX');
    try {
      await b.node.database.db.query("UPDATE peers SET url = $1 WHERE node_id = 'a-rotating'", [stranger.node.url]);
      const refused = await b.admin.post('/api/v1/federation/peers/a-rotating/refresh');
      assert.equal(refused.status, 422);
      assert.match(refused.body.detail, /no signature/);
    } finally {
      await b.node.database.db.query("UPDATE peers SET url = $1 WHERE node_id = 'a-rotating'", [a.node.url]);
      await stranger.node.close();
    }
  });
});
