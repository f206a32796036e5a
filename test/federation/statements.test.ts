import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { SIGNING_ALG } from '../../src/federation/keys.ts';
import { verifyStatement } from '../../src/federation/statements.ts';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('signed statements', () => {
  test('a signature spelt another way in base64url (its unused last bits set) is refused: a signed text has one form', async () => {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const jws = await new CompactSign(new TextEncoder().encode('{"size":3}')).setProtectedHeader({ alg: SIGNING_ALG, typ: 'example' }).sign(privateKey);
    const key = await exportJWK(publicKey);
    assert.deepEqual(await verifyStatement(jws, 'example', key), { size: 3 });

    // An Ed25519 signature is 64 bytes: its 86th character carries 2 bits, the 4 others are unused.
    const last = jws.at(-1)!;
    const respelt = `${jws.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(last) ^ 0b0010]}`;
    assert.deepEqual(Buffer.from(respelt.split('.')[2]!, 'base64url'), Buffer.from(jws.split('.')[2]!, 'base64url'), 'the same bytes, spelt another way');
    await assert.rejects(verifyStatement(respelt, 'example', key), /canonical base64url/);
  });
});
