import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BytesCoder, base58, base58xmr, base58xrp } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { checkAddress, checkNewWallet, lookupKeys } from '../../src/intelligence/wallets/entry-input.ts';

/**
 * Published vectors: BIP-173 and BIP-350 (segwit), EIP-55 (its own examples), well-known base58check
 * addresses, the XRP Ledger's genesis and special accounts, Solana's programs and mints, Monero's
 * General Fund and documentation examples.
 */
const VALID: [chain: string, given: string, canonical: string][] = [
  ['bitcoin', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
  ['bitcoin', 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3', 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3'],
  ['bitcoin', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0'],
  ['bitcoin', 'BC1SW50QGDZ25J', 'bc1sw50qgdz25j'],
  ['bitcoin', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
  ['bitcoin', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
  ['ethereum', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'],
  ['ethereum', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'],
  ['ethereum', '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB', '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB'],
  ['erc20', '0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb', '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb'],
  ['tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'],
  ['litecoin', 'LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9', 'LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9'],
  ['litecoin', 'ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea', 'ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea'],
  ['dogecoin', 'DDogepartyxxxxxxxxxxxxxxxxxxw1dfzr', 'DDogepartyxxxxxxxxxxxxxxxxxxw1dfzr'],
  ['dogecoin', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L'],
  ['dogecoin', 'A7JjzK9k9x5b2MkkQzqt91WZsuu7wTu6iS', 'A7JjzK9k9x5b2MkkQzqt91WZsuu7wTu6iS'],
  ['xrp', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh'],
  ['xrp', 'rrrrrrrrrrrrrrrrrrrrrhoLvTp', 'rrrrrrrrrrrrrrrrrrrrrhoLvTp'],
  ['solana', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'],
  ['solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'],
  ['monero', '888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H', '888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H'],
  ['monero', '4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2bYXZKKQePHES9khPK', '4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2bYXZKKQePHES9khPK'],
];

const INVALID: [chain: string, address: string, code: string][] = [
  ['bitcoin', 'bc1zw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'wallet-bad-checksum'], // BIP-173: invalid checksum
  ['bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'wallet-wrong-checksum-variant'], // BIP-350: v0 with a bech32m checksum
  ['bitcoin', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'wallet-wrong-checksum-variant'], // BIP-350: v1 with a bech32 checksum
  ['bitcoin', 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'wallet-testnet'],
  ['bitcoin', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'wallet-bad-checksum'],
  ['ethereum', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'wallet-bad-checksum'], // EIP-55: one letter's case changed
  ['tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', 'wallet-bad-checksum'],
  ['dogecoin', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7M', 'wallet-bad-checksum'],
  ['dogecoin', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7', 'wallet-bad-length'],
  ['dogecoin', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr0L', 'wallet-bad-format'],
  ['xrp', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi', 'wallet-bad-checksum'],
  ['xrp', 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh0', 'wallet-bad-format'],
  ['xrp', 'X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu', 'wallet-x-address'],
  ['solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1vEPj', 'wallet-bad-length'],
  ['solana', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1l', 'wallet-bad-format'],
  ['monero', '888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3J', 'wallet-bad-checksum'],
  ['monero', '888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3', 'wallet-bad-length'],
  ['monero', '55LTR8KniP4LQGJSPtbYDacR7dz8RBFnsfAKMaMuwUNYX6aQbBcovzDPyrQF9KXF9tVU6Xk3K8no1BywnJX6GvZX8yJsXvt', 'wallet-testnet'],
  ['bitcoincash', 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', 'wallet-chain-unknown'],
];

/** The checksum each chain's writing carries, computed here apart from the code under test. */
const tail = (coder: BytesCoder, hash: (data: Uint8Array) => Uint8Array) => (text: string) => {
  let raw: Uint8Array;
  try {
    raw = coder.decode(text);
  } catch {
    return false;
  }
  const sum = hash(raw.subarray(0, -4));
  return raw.length > 4 && raw.subarray(-4).every((byte, i) => byte === sum[i]);
};
const doubleSha256 = (data: Uint8Array) => sha256(sha256(data));
const CHECKSUM_HOLDS: Record<string, (text: string) => boolean> = {
  bitcoin: tail(base58, doubleSha256),
  litecoin: tail(base58, doubleSha256),
  dogecoin: tail(base58, doubleSha256),
  tron: tail(base58, doubleSha256),
  xrp: tail(base58xrp, doubleSha256),
  monero: tail(base58xmr, keccak_256),
};
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

describe('wallet addresses: the checks behind the database', () => {
  test('published valid addresses are accepted and written canonically, with or without their chain', () => {
    for (const [chain, given, canonical] of VALID) {
      const checked = checkAddress(given, chain);
      assert.ok('wallet' in checked, `${chain} ${given}: ${JSON.stringify(checked)}`);
      assert.equal(checked.wallet.value, canonical);
      const told = checkAddress(given, undefined);
      assert.ok('wallet' in told && told.wallet.value === canonical, `${given} without its chain`);
    }
  });

  test('published invalid addresses are refused with the reason', () => {
    for (const [chain, address, code] of INVALID) {
      const checked = checkAddress(address, chain);
      assert.ok('problem' in checked, `${address} was accepted`);
      assert.equal(checked.problem.problem, code, address);
    }
  });

  test('a lookup without a chain reads every chain the writing allows; ethereum and erc20 are one account', () => {
    const p2sh = lookupKeys('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', undefined);
    assert.ok('keys' in p2sh);
    assert.deepEqual(p2sh.keys, ['wallet:bitcoin:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'wallet:litecoin:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy']);
    const token = lookupKeys('0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb', 'erc20');
    assert.ok('keys' in token);
    assert.deepEqual(token.keys, ['wallet:ethereum:0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb']);
  });

  test('a one-character change to a published base58 address is refused, unless the checksum really holds or the chain has none', () => {
    const published = VALID.filter(([chain, given]) => (chain in CHECKSUM_HOLDS || chain === 'solana') && !/^[a-z]+1/i.test(given));
    const changes = fc.constantFrom(...published).chain(([chain, address]) =>
      fc.tuple(fc.nat({ max: address.length - 1 }), fc.constantFrom(...BASE58))
        .filter(([index, char]) => address[index] !== char)
        .map(([index, char]) => ({ chain, address, changed: address.slice(0, index) + char + address.slice(index + 1) })),
    );
    fc.assert(fc.property(changes, ({ chain, address, changed }) => {
      const checked = checkAddress(changed, chain);
      if (!('wallet' in checked)) return;
      assert.notEqual(checked.wallet.value, address);
      const holds = CHECKSUM_HOLDS[chain];
      // Accepted: only because its checksum really matches, or (Solana) because there is none to match.
      assert.ok(holds ? holds(changed) : chain === 'solana', `${address} → ${changed} accepted on ${chain}`);
    }), { numRuns: 2000 });
  });

  test('a lookup without a chain finds the new chains\' addresses under their own key', () => {
    for (const [chain, given] of VALID.filter(([c]) => ['dogecoin', 'xrp', 'solana', 'monero'].includes(c))) {
      const found = lookupKeys(given, undefined);
      assert.ok('keys' in found, given);
      assert.deepEqual([found.wallet.chain, found.keys], [chain, [`wallet:${chain}:${given}`]]);
    }
    const x = lookupKeys('X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu', undefined);
    assert.ok('problem' in x);
    assert.deepEqual([x.problem.problem, x.problem.params], ['wallet-x-address', { classic: 'r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59', tag: 1 }]);
  });

  test('amounts are exact decimals within the asset\'s decimals; every problem is told at once', () => {
    const entry = checkNewWallet({ address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', abuseType: 'theft', amount: { value: '21000000.00000001', asset: 'btc', decimals: 8 } });
    assert.ok('entry' in entry);
    assert.deepEqual(entry.entry.amount, { value: '21000000.00000001', asset: 'BTC', decimals: 8 });
    const bad = checkNewWallet({ address: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', abuseType: 'theft', amount: { value: '1e5', asset: 'b t c', decimals: 8 }, firstSeen: '2026-02-02', lastSeen: '2026-02-01' });
    assert.ok('problems' in bad);
    assert.deepEqual(bad.problems.map((p) => p.problem), ['wallet-bad-checksum', 'amount-invalid', 'asset-invalid', 'dates-reversed']);
  });

  test('no text makes the checks throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (address, chain) => {
      const checked = lookupKeys(address, chain);
      assert.ok('keys' in checked || 'problem' in checked);
    }), { numRuns: 500 });
  });
});
