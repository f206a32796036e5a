import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BytesCoder, base58, base58xmr, base58xrp, bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import {
  ALL_IDENTIFIER_KINDS,
  IDENTIFIER_FIELDS,
  IDENTIFIER_KINDS,
  IDENTIFIER_PROBLEM_CODES,
  IDENTIFIER_WARNING_CODES,
  type IdentifierCheck,
  type IdentifierInput,
  type IdentifierProblemCode,
  type NormalisedIdentifier,
  WALLET_CHAINS,
  WALLET_FORMATS,
  type WalletChain,
  checkIdentifier,
  checkWalletAddress,
  identifierInput,
  matchKey,
} from '../../src/platform/identifiers/index.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function accept(input: IdentifierInput): Extract<IdentifierCheck, { ok: true }> {
  const checked = checkIdentifier(input);
  assert.ok(checked.ok, `expected ${JSON.stringify(input)} to be accepted, got ${JSON.stringify(checked)}`);
  return checked;
}

function refuse(input: IdentifierInput, code?: IdentifierProblemCode): Extract<IdentifierCheck, { ok: false }> {
  const checked = checkIdentifier(input);
  assert.ok(!checked.ok, `expected ${JSON.stringify(input)} to be refused, got ${JSON.stringify(checked)}`);
  if (code) assert.equal(checked.reason.code, code, `${JSON.stringify(input)}: ${JSON.stringify(checked.reason)}`);
  return checked;
}

const wallet = (chain: WalletChain, value: string): IdentifierInput => ({ kind: 'wallet', chain, value });

/** Checking the normalised form again gives the same thing back, with the same match key. */
function assertIdempotent(value: NormalisedIdentifier) {
  const again = checkIdentifier(identifierInput(value));
  assert.ok(again.ok, `normalised ${JSON.stringify(value)} refused: ${JSON.stringify(again)}`);
  assert.deepEqual(again.value, value);
  assert.equal(matchKey(again.value), matchKey(value));
}

// ---------------------------------------------------------------------------------------------
// Vectors quoted from the specifications
// ---------------------------------------------------------------------------------------------

/** BIP-173, "Test vectors": valid segwit addresses and the scriptPubKey they translate to. */
const BIP173_VALID: readonly [string, string][] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'],
  ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx', '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['BC1SW50QA3JX3S', '6002751e'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj', '5210751e76e8199196d454941c45d1b3a323'],
  ['tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy', '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
];

/** BIP-173, "Test vectors": invalid segwit addresses and the reason for their invalidity. */
const BIP173_INVALID: readonly [string, string][] = [
  ['tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty', 'Invalid human-readable part'],
  ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'Invalid checksum'],
  ['BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2', 'Invalid witness version'],
  ['bc1rw5uspcuh', 'Invalid program length'],
  ['bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90', 'Invalid program length'],
  ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'Invalid program length for witness version 0 (per BIP141)'],
  ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7', 'Mixed case'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du', 'zero padding of more than 4 bits'],
  ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv', 'Non-zero padding in 8-to-5 conversion'],
  ['bc1gmk9yu', 'Empty data section'],
];

/** BIP-350, "Test vectors for v0-v16 native segregated witness addresses": valid. */
const BIP350_VALID: readonly [string, string][] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262'],
  ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6'],
  ['BC1SW50QGDZ25J', '6002751e'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', '5210751e76e8199196d454941c45d1b3a323'],
  ['tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy', '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
  ['tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c', '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433'],
  ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'],
];

/** BIP-350: invalid segwit addresses, the reason given by the BIP, and the code we answer. */
const BIP350_INVALID: readonly [string, string, IdentifierProblemCode][] = [
  ['tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', 'Invalid human-readable part', 'wallet-bad-prefix'],
  ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'Invalid checksum (Bech32 instead of Bech32m)', 'wallet-wrong-checksum-variant'],
  ['tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf', 'Invalid checksum (Bech32 instead of Bech32m)', 'wallet-wrong-checksum-variant'],
  ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', 'Invalid checksum (Bech32 instead of Bech32m)', 'wallet-wrong-checksum-variant'],
  ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'Invalid checksum (Bech32m instead of Bech32)', 'wallet-wrong-checksum-variant'],
  ['tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47', 'Invalid checksum (Bech32m instead of Bech32)', 'wallet-wrong-checksum-variant'],
  ['bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4', 'Invalid character in checksum', 'wallet-bad-format'],
  ['BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', 'Invalid witness version', 'wallet-bad-witness-version'],
  ['bc1pw5dgrnzv', 'Invalid program length (1 byte)', 'wallet-bad-length'],
  ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav', 'Invalid program length (41 bytes)', 'wallet-bad-length'],
  ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'Invalid program length for witness version 0 (per BIP141)', 'wallet-bad-length'],
  ['tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', 'Mixed case', 'wallet-mixed-case'],
  ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', 'zero padding of more than 4 bits', 'wallet-bad-witness-program'],
  ['tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j', 'Non-zero padding in 8-to-5 conversion', 'wallet-bad-witness-program'],
  ['bc1gmk9yu', 'Empty data section', 'wallet-bad-length'],
];

/** EIP-55, "Test Cases": all caps, all lower, and normal (mixed case) checksummed addresses. */
const EIP55_ALL_CAPS = ['0x52908400098527886E0F7030069857D2E4169EE7', '0x8617E340B3D01FA5F11F306F4090FD50E238070D'];
const EIP55_ALL_LOWER = ['0xde709f2102306220921060314715629080e2fb77', '0x27b1fdb04752bbc536007a920d24acb045561c26'];
const EIP55_NORMAL = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

const GENESIS = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'; // block 0 coinbase, P2PKH
const P2SH = '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'; // the P2SH example of the Bitcoin wiki
const TRON = 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7';
const TRON_USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'; // the USDT token contract on TRON
const LITECOIN_L = 'Lg3PX8wRWmApFCoCMAsPF5P9dPHYQHEWKW';
const LITECOIN_M = 'MGEW4aba3tnrVtVhGcmoqqHaLt5ymPSLPi';
const LITECOIN_BECH32 = 'ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz';
/** Dogecoin: the Dogeparty burn address (P2PKH, unspendable) and P2SH addresses as address validators publish them. */
const DOGE_BURN = 'DDogepartyxxxxxxxxxxxxxxxxxxw1dfzr';
const DOGE_P2SH = ['A7JjzK9k9x5b2MkkQzqt91WZsuu7wTu6iS', '9xqCpm3DpUYSzcoQSPb5SEGDwn9NRqwZnH'];
/** XRP Ledger: the genesis account, and the special addresses its documentation lists (account zero, one, the name black hole, NaN). */
const XRP_GENESIS = 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh';
const XRP_SPECIAL = ['rrrrrrrrrrrrrrrrrrrrrhoLvTp', 'rrrrrrrrrrrrrrrrrrrrBZbvji', 'rrrrrrrrrrrrrrrrrNAMEtxvNvQ', 'rrrrrrrrrrrrrrrrrrrn5RM1rHd'];
/** X-addresses of the XRP Ledger's address codec vectors: the X-address, its classic address, its tag. */
const XRP_X: readonly [string, string, number | undefined][] = [
  ['X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqZ', 'r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59', undefined],
  ['X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu', 'r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59', 1],
  ['XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi', 'rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf', 4294967295],
];
const XRP_X_TEST = 'T719a5UwUCnEs54UsxG9CJYYDhwmFCqkr7wxCcNcfZ6p5GZ'; // the first vector's classic address on a test network
/** Solana: the System Program (32 zero bytes), the SPL Token program, wrapped SOL and the USDC mint. */
const SOLANA = ['11111111111111111111111111111111', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'So11111111111111111111111111111111111111112', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'];
/** Monero: the General Fund (a subaddress), the project's former donation address, and the documentation's integrated, stagenet and testnet examples. */
const MONERO_SUBADDRESS = '888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H';
const MONERO_STANDARD = '44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A';
const MONERO_INTEGRATED = '4LL9oSLmtpccfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2bYXZKKQePHES9khPK';
const MONERO_STAGENET = '55LTR8KniP4LQGJSPtbYDacR7dz8RBFnsfAKMaMuwUNYX6aQbBcovzDPyrQF9KXF9tVU6Xk3K8no1BywnJX6GvZX8yJsXvt';
const MONERO_TESTNET = '9ujeXrjzf7bfeK3KZdCqnYaMwZVFuXemPU8Ubw335rj2FN1CdMiWNyFV3ksEfMFvRp9L9qum5UxkP5rN9aLcPxbH1au4WAB';
/** Chains not checked here: a Cardano Shelley address, a Stellar account (its documentation's), a Bitcoin Cash CashAddr (its specification's). */
const CARDANO = 'addr1qx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3n0d3vllmyqwsx5wktcd8cc3sq835lu7drv2xwl2wywfgse35a3x';
const STELLAR = 'GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7';
const CASHADDR = 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a';

/** Changes the character at `index` to `char`. */
const replaceAt = (text: string, index: number, char: string) => text.slice(0, index) + char + text.slice(index + 1);

// ---------------------------------------------------------------------------------------------
// The vocabulary
// ---------------------------------------------------------------------------------------------

describe('identifier vocabulary', () => {
  test('kinds, chains, formats, fields, problem and warning codes are unique, lower-case codes', () => {
    for (const list of [ALL_IDENTIFIER_KINDS, WALLET_CHAINS, WALLET_FORMATS, IDENTIFIER_PROBLEM_CODES, IDENTIFIER_WARNING_CODES]) {
      assert.equal(new Set(list).size, list.length);
      for (const code of list) assert.match(code, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    }
    assert.deepEqual([...IDENTIFIER_KINDS], ['account', 'email', 'phone', 'ip', 'url', 'domain', 'wallet']);
    // Cases take IBANs once their forms name the kind; the checks and match keys know them already.
    assert.deepEqual([...ALL_IDENTIFIER_KINDS], [...IDENTIFIER_KINDS, 'iban']);
    assert.deepEqual([...WALLET_CHAINS], ['bitcoin', 'ethereum', 'erc20', 'tron', 'litecoin', 'dogecoin', 'xrp', 'solana', 'monero', 'other']);
    assert.ok(IDENTIFIER_FIELDS.includes('observedAt'));
  });

  test('a refusal is a code, a field and plain params: no sentence to translate', () => {
    const { reason } = refuse({ kind: 'ip', value: '192.0.2.1', observedAt: '2024-03-01T12:00:00' }, 'ip-missing-timezone');
    assert.equal(reason.field, 'observedAt');
    assert.deepEqual(Object.keys(reason).sort(), ['code', 'field']);
  });
});

// ---------------------------------------------------------------------------------------------
// Bitcoin
// ---------------------------------------------------------------------------------------------

describe('bitcoin addresses', () => {
  test('BIP-350 valid mainnet segwit addresses are accepted, lower-cased, with their format', () => {
    const formats: Record<string, string> = {
      BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4: 'p2wpkh',
      bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y: 'segwit-future',
      BC1SW50QGDZ25J: 'segwit-future',
      bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs: 'segwit-future',
      bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0: 'p2tr',
    };
    for (const [address] of BIP350_VALID.filter(([a]) => a.toLowerCase().startsWith('bc1'))) {
      const { value, warnings } = accept(wallet('bitcoin', address));
      assert.equal(value.kind, 'wallet');
      if (value.kind !== 'wallet') continue;
      assert.equal(value.value, address.toLowerCase());
      assert.equal(value.format, formats[address]);
      assert.deepEqual(warnings, value.format === 'segwit-future' ? ['wallet-future-segwit-version'] : []);
    }
  });

  test('BIP-350 valid testnet addresses are refused as testnet, not as broken', () => {
    for (const [address] of BIP350_VALID.filter(([a]) => a.startsWith('tb1'))) refuse(wallet('bitcoin', address), 'wallet-testnet');
  });

  test('BIP-350 invalid addresses are refused with the matching code', () => {
    for (const [address, why, code] of BIP350_INVALID) {
      const { reason } = refuse(wallet('bitcoin', address));
      assert.equal(reason.code, code, `${address} (${why}): ${JSON.stringify(reason)}`);
    }
  });

  test('BIP-173 v0 addresses stay valid; its v1+ bech32 vectors are now refused (BIP-350: wrong checksum variant)', () => {
    const { value } = accept(wallet('bitcoin', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4'));
    assert.equal(value.kind === 'wallet' && value.format, 'p2wpkh');
    for (const [address] of BIP173_VALID.filter(([a]) => /^bc1[^q]/i.test(a))) refuse(wallet('bitcoin', address), 'wallet-wrong-checksum-variant');
    for (const [address] of BIP173_VALID.filter(([a]) => a.startsWith('tb1'))) refuse(wallet('bitcoin', address), 'wallet-testnet');
  });

  test('BIP-173 invalid addresses are all refused', () => {
    for (const [address, why] of BIP173_INVALID) {
      const checked = checkIdentifier(wallet('bitcoin', address));
      assert.ok(!checked.ok, `${address} (${why}) was accepted`);
    }
    refuse(wallet('bitcoin', 'tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty'), 'wallet-bad-prefix');
    refuse(wallet('bitcoin', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'), 'wallet-bad-checksum');
    refuse(wallet('bitcoin', 'BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2'), 'wallet-bad-witness-version');
    refuse(wallet('bitcoin', 'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7'), 'wallet-mixed-case');
  });

  test('base58check P2PKH (genesis) and P2SH addresses are accepted as written', () => {
    const genesis = accept(wallet('bitcoin', ` ${GENESIS}\n`));
    assert.deepEqual(genesis.value, { kind: 'wallet', chain: 'bitcoin', value: GENESIS, format: 'p2pkh' });
    assert.deepEqual(genesis.warnings, []);
    const p2sh = accept(wallet('bitcoin', P2SH));
    assert.deepEqual(p2sh.value, { kind: 'wallet', chain: 'bitcoin', value: P2SH, format: 'p2sh' });
  });

  test('a corrupted base58 address, a testnet one, a bad character and a truncated one are refused', () => {
    refuse(wallet('bitcoin', `${GENESIS.slice(0, -1)}b`), 'wallet-bad-checksum');
    refuse(wallet('bitcoin', replaceAt(GENESIS, 5, GENESIS[5] === 'p' ? 'q' : 'p')), 'wallet-bad-checksum');
    refuse(wallet('bitcoin', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn'), 'wallet-testnet'); // testnet P2PKH (version 0x6f)
    refuse(wallet('bitcoin', `${GENESIS.slice(0, 10)}0${GENESIS.slice(11)}`), 'wallet-bad-format');
    refuse(wallet('bitcoin', GENESIS.slice(0, 30)), 'wallet-bad-length');
  });

  test('an address broken over lines is joined, with a warning', () => {
    const { value, warnings } = accept(wallet('bitcoin', `${GENESIS.slice(0, 17)}\n ${GENESIS.slice(17)}\u200B`));
    assert.equal(value.value, GENESIS);
    assert.deepEqual(warnings, ['whitespace-removed']);
  });

  test('an address of another chain says which chain it is', () => {
    assert.deepEqual(refuse(wallet('bitcoin', TRON), 'wallet-wrong-chain').reason.params, { detected: 'tron' });
    assert.deepEqual(refuse(wallet('bitcoin', EIP55_NORMAL[0] ?? ''), 'wallet-wrong-chain').reason.params, { detected: 'ethereum' });
    assert.deepEqual(refuse(wallet('bitcoin', LITECOIN_BECH32), 'wallet-wrong-chain').reason.params, { detected: 'litecoin' });
    assert.deepEqual(refuse(wallet('bitcoin', LITECOIN_L), 'wallet-wrong-chain').reason.params, { detected: 'litecoin' });
  });
});

// ---------------------------------------------------------------------------------------------
// Ethereum, ERC-20, TRON, Litecoin, other
// ---------------------------------------------------------------------------------------------

describe('ethereum and erc20 addresses (EIP-55)', () => {
  test('the EIP-55 examples are accepted unchanged and without warnings', () => {
    for (const address of [...EIP55_NORMAL, ...EIP55_ALL_CAPS, ...EIP55_ALL_LOWER]) {
      for (const chain of ['ethereum', 'erc20'] as const) {
        const { value, warnings } = accept(wallet(chain, address));
        assert.deepEqual(value, { kind: 'wallet', chain, value: address, format: 'eip55' });
        assert.deepEqual(warnings, []);
      }
    }
  });

  test('all-lower and all-upper writings are accepted, checksummed, and flagged unchecksummed', () => {
    for (const address of EIP55_NORMAL) {
      const body = address.slice(2);
      for (const written of [`0x${body.toLowerCase()}`, `0x${body.toUpperCase()}`]) {
        const { value, warnings } = accept(wallet('ethereum', written));
        assert.equal(value.value, address);
        assert.deepEqual(warnings, ['wallet-unchecksummed']);
      }
    }
  });

  test('flipping the case of one letter breaks the checksum', () => {
    for (const address of EIP55_NORMAL) {
      const index = [...address].findIndex((c, i) => i > 1 && /[a-f]/i.test(c));
      const char = address[index] ?? '';
      const flipped = replaceAt(address, index, char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase());
      refuse(wallet('ethereum', flipped), 'wallet-bad-checksum');
      refuse(wallet('erc20', flipped), 'wallet-bad-checksum');
    }
  });

  test('wrong shapes are refused', () => {
    const address = EIP55_NORMAL[0] ?? '';
    refuse(wallet('ethereum', address.slice(2)), 'wallet-bad-format');
    refuse(wallet('ethereum', `0X${address.slice(2)}`), 'wallet-bad-format');
    refuse(wallet('ethereum', address.slice(0, -1)), 'wallet-bad-length');
    refuse(wallet('ethereum', `${address}0`), 'wallet-bad-length');
    assert.deepEqual(refuse(wallet('ethereum', replaceAt(address, 5, 'g')), 'wallet-bad-format').reason.params, { char: 'g', position: 6 }, 'counted from the first character, 0x included');
    assert.deepEqual(refuse(wallet('ethereum', TRON), 'wallet-wrong-chain').reason.params, { detected: 'tron' });
  });

  test('an erc20 holder and the same ethereum account share a match key', () => {
    const eth = accept(wallet('ethereum', EIP55_NORMAL[1] ?? ''));
    const token = accept(wallet('erc20', (EIP55_NORMAL[1] ?? '').toLowerCase()));
    assert.equal(matchKey(eth.value), matchKey(token.value));
    assert.equal(matchKey(eth.value), `wallet:ethereum:${(EIP55_NORMAL[1] ?? '').toLowerCase()}`);
  });
});

describe('tron, litecoin and other wallets', () => {
  test('TRON base58check addresses with version 0x41 are accepted; a corrupted one is refused', () => {
    for (const address of [TRON, TRON_USDT]) {
      assert.deepEqual(accept(wallet('tron', address)).value, { kind: 'wallet', chain: 'tron', value: address, format: 'tron-base58' });
    }
    refuse(wallet('tron', replaceAt(TRON, 10, TRON[10] === 'x' ? 'y' : 'x')), 'wallet-bad-checksum');
    refuse(wallet('tron', `${TRON.slice(0, -1)}8`), 'wallet-bad-checksum');
    assert.deepEqual(refuse(wallet('tron', GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    refuse(wallet('tron', TRON.toLowerCase()), 'wallet-bad-format'); // 'l' is not base58
  });

  test('litecoin L…, M… and ltc1… addresses are accepted; 3… is accepted as ambiguous with bitcoin', () => {
    assert.equal(accept(wallet('litecoin', LITECOIN_L)).value.kind, 'wallet');
    assert.deepEqual(accept(wallet('litecoin', LITECOIN_L)).value, { kind: 'wallet', chain: 'litecoin', value: LITECOIN_L, format: 'p2pkh' });
    assert.deepEqual(accept(wallet('litecoin', LITECOIN_M)).value, { kind: 'wallet', chain: 'litecoin', value: LITECOIN_M, format: 'p2sh' });
    assert.deepEqual(accept(wallet('litecoin', LITECOIN_BECH32.toUpperCase())).value, {
      kind: 'wallet',
      chain: 'litecoin',
      value: LITECOIN_BECH32,
      format: 'p2wpkh',
    });
    assert.deepEqual(accept(wallet('litecoin', P2SH)).warnings, ['wallet-ambiguous-chain']);
    assert.deepEqual(refuse(wallet('litecoin', GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    refuse(wallet('litecoin', `${LITECOIN_L.slice(0, -1)}X`), 'wallet-bad-checksum');
    refuse(wallet('litecoin', 'ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dy'), 'wallet-bad-checksum');
  });

  test('other chains are kept as written and flagged unverified', () => {
    const { value, warnings } = accept({ kind: 'wallet', chain: 'other', value: ` ${STELLAR} `, network: 'Stellar' });
    assert.deepEqual(value, { kind: 'wallet', chain: 'other', value: STELLAR, format: 'unverified', network: 'stellar' });
    assert.deepEqual(warnings, ['wallet-unverified']);
    assert.equal(matchKey(value), `wallet:other:stellar:${STELLAR}`);
  });

  test('an unknown chain is refused on the chain field', () => {
    const { reason } = refuse({ kind: 'wallet', chain: 'bitcoincash' as WalletChain, value: CASHADDR }, 'wallet-chain-unknown');
    assert.equal(reason.field, 'chain');
  });
});

// ---------------------------------------------------------------------------------------------
// Dogecoin, XRP Ledger, Solana, Monero
// ---------------------------------------------------------------------------------------------

/** The writing of a payload followed by the first four bytes of its hash. */
const checksummed = (coder: BytesCoder, hash: (data: Uint8Array) => Uint8Array, payload: Uint8Array) =>
  coder.encode(Uint8Array.of(...payload, ...hash(payload).subarray(0, 4)));
const doubleSha256 = (data: Uint8Array) => sha256(sha256(data));
const xrpAddress = (version: number, account: Uint8Array) => checksummed(base58xrp, doubleSha256, Uint8Array.of(version, ...account));
const moneroAddress = (network: number, keys: Uint8Array) => checksummed(base58xmr, keccak_256, Uint8Array.of(network, ...keys));

describe('dogecoin, XRP Ledger, Solana and Monero addresses', () => {
  test('dogecoin D… (P2PKH) and A… or 9… (P2SH) are accepted as written; test-network ones are refused as such', () => {
    assert.deepEqual(accept(wallet('dogecoin', DOGE_BURN)).value, { kind: 'wallet', chain: 'dogecoin', value: DOGE_BURN, format: 'p2pkh' });
    for (const address of DOGE_P2SH) assert.deepEqual(accept(wallet('dogecoin', address)).value, { kind: 'wallet', chain: 'dogecoin', value: address, format: 'p2sh' });
    const hash = createBase58check(sha256).decode(DOGE_BURN).subarray(1);
    refuse(wallet('dogecoin', withVersion(0x71, hash)), 'wallet-testnet'); // n…
    refuse(wallet('dogecoin', withVersion(0xc4, hash)), 'wallet-testnet'); // 2…
  });

  test('a dogecoin typo, a bad character, a cut address or another chain\'s are refused with the reason', () => {
    refuse(wallet('dogecoin', replaceAt(DOGE_BURN, 20, 'y')), 'wallet-bad-checksum');
    refuse(wallet('dogecoin', replaceAt(DOGE_BURN, 20, '0')), 'wallet-bad-format');
    refuse(wallet('dogecoin', DOGE_BURN.slice(0, 25)), 'wallet-bad-length');
    assert.deepEqual(refuse(wallet('dogecoin', GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    assert.deepEqual(refuse(wallet('dogecoin', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    assert.deepEqual(refuse(wallet('bitcoin', DOGE_BURN), 'wallet-wrong-chain').reason.params, { detected: 'dogecoin' });
    assert.deepEqual(refuse(wallet('litecoin', DOGE_P2SH[0]!), 'wallet-wrong-chain').reason.params, { detected: 'dogecoin' });
  });

  test('XRP Ledger classic addresses are accepted as written; a typo, a wrong version or a bitcoin address is refused', () => {
    for (const address of [XRP_GENESIS, ...XRP_SPECIAL, ...XRP_X.map(([, classic]) => classic)]) {
      const { value, warnings } = accept(wallet('xrp', address));
      assert.deepEqual([value, warnings], [{ kind: 'wallet', chain: 'xrp', value: address, format: 'xrp-classic' }, []]);
      assert.equal(matchKey(value), `wallet:xrp:${address}`);
    }
    refuse(wallet('xrp', replaceAt(XRP_GENESIS, 12, XRP_GENESIS[12] === 'a' ? 'b' : 'a')), 'wallet-bad-checksum');
    refuse(wallet('xrp', `${XRP_GENESIS.slice(0, -1)}S`), 'wallet-bad-checksum');
    refuse(wallet('xrp', replaceAt(XRP_GENESIS, 12, 'l')), 'wallet-bad-format');
    refuse(wallet('xrp', XRP_GENESIS.slice(0, 20)), 'wallet-bad-length');
    refuse(wallet('xrp', `${XRP_GENESIS}rrrrrr`), 'wallet-bad-length');
    const account = new Uint8Array(20).fill(7);
    assert.deepEqual(refuse(wallet('xrp', xrpAddress(0x05, account)), 'wallet-bad-prefix').reason.params, { version: 0x05 });
    // The same letters in bitcoin's alphabet are another number: the chain, not a typo, is wrong.
    assert.deepEqual(refuse(wallet('bitcoin', XRP_GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'xrp' });
    assert.deepEqual(refuse(wallet('xrp', GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    assert.deepEqual(refuse(wallet('xrp', TRON), 'wallet-wrong-chain').reason.params, { detected: 'tron' });
  });

  test('an X-address is refused, naming the classic address it stands for and its tag; a test-network or mistyped one too', () => {
    for (const [x, classic, tag] of XRP_X) {
      const { reason } = refuse(wallet('xrp', x), 'wallet-x-address');
      assert.deepEqual(reason.params, tag === undefined ? { classic } : { classic, tag });
      accept(wallet('xrp', classic));
    }
    refuse(wallet('xrp', XRP_X_TEST), 'wallet-testnet');
    refuse(wallet('xrp', replaceAt(XRP_X[1]![0], 30, XRP_X[1]![0][30] === 'a' ? 'b' : 'a')), 'wallet-bad-checksum');
    // A flag byte other than 0 and 1, with a valid checksum, is no X-address.
    const odd = checksummed(base58xrp, doubleSha256, Uint8Array.of(0x05, 0x44, ...new Uint8Array(20).fill(1), 2, ...new Uint8Array(8)));
    assert.equal(odd.length, 47);
    refuse(wallet('xrp', odd), 'wallet-bad-format');
  });

  test('Solana addresses are any 32 bytes in base58: accepted as written, with the warning that nothing checked them', () => {
    for (const address of SOLANA) {
      const { value, warnings } = accept(wallet('solana', address));
      assert.deepEqual([value, warnings], [{ kind: 'wallet', chain: 'solana', value: address, format: 'solana-base58' }, ['wallet-no-checksum']]);
    }
    const usdc = SOLANA[3]!;
    // No checksum: a changed character is another valid address, and the warning is all there is.
    const typo = accept(wallet('solana', replaceAt(usdc, 10, usdc[10] === 'a' ? 'b' : 'a')));
    assert.notEqual(typo.value.value, usdc);
    assert.deepEqual(typo.warnings, ['wallet-no-checksum']);
    refuse(wallet('solana', base58.encode(new Uint8Array(31).fill(200))), 'wallet-bad-length');
    refuse(wallet('solana', base58.encode(new Uint8Array(33).fill(200))), 'wallet-bad-length');
    refuse(wallet('solana', '1'.repeat(31)), 'wallet-bad-length');
    assert.deepEqual(refuse(wallet('solana', replaceAt(usdc, 4, 'O')), 'wallet-bad-format').reason.params, { char: 'O', position: 5 });
    assert.deepEqual(refuse(wallet('solana', GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    assert.deepEqual(refuse(wallet('bitcoin', usdc), 'wallet-wrong-chain').reason.params, { detected: 'solana' });
    assert.deepEqual(refuse(wallet('tron', SOLANA[1]!), 'wallet-wrong-chain').reason.params, { detected: 'solana' });
  });

  test('Monero standard, integrated and subaddresses are accepted by their Keccak-256 checksum; stagenet and testnet are refused', () => {
    const formats: [string, string][] = [[MONERO_STANDARD, 'monero-standard'], [MONERO_INTEGRATED, 'monero-integrated'], [MONERO_SUBADDRESS, 'monero-subaddress']];
    for (const [address, format] of formats) {
      const { value, warnings } = accept(wallet('monero', ` ${address} `));
      assert.deepEqual([value, warnings], [{ kind: 'wallet', chain: 'monero', value: address, format }, []]);
    }
    refuse(wallet('monero', MONERO_STAGENET), 'wallet-testnet');
    refuse(wallet('monero', MONERO_TESTNET), 'wallet-testnet');
    refuse(wallet('monero', replaceAt(MONERO_STANDARD, 50, MONERO_STANDARD[50] === 'a' ? 'b' : 'a')), 'wallet-bad-checksum');
    refuse(wallet('monero', replaceAt(MONERO_STANDARD, 50, 'I')), 'wallet-bad-format');
    // A block of eleven characters worth more than eight bytes: at the right length, a mistyped character.
    refuse(wallet('monero', `${'z'.repeat(11)}${MONERO_STANDARD.slice(11)}`), 'wallet-bad-checksum');
    refuse(wallet('monero', MONERO_STANDARD.slice(0, 94)), 'wallet-bad-length');
    refuse(wallet('monero', MONERO_INTEGRATED.slice(0, 100)), 'wallet-bad-length');
    // A standard address's network byte with an integrated address's length: checksummed, still no address.
    refuse(wallet('monero', moneroAddress(18, new Uint8Array(72).fill(9))), 'wallet-bad-length');
    refuse(wallet('monero', moneroAddress(99, new Uint8Array(64).fill(9))), 'wallet-bad-prefix');
    assert.deepEqual(refuse(wallet('bitcoin', MONERO_SUBADDRESS), 'wallet-wrong-chain').reason.params, { detected: 'monero' });
    assert.deepEqual(refuse(wallet('monero', GENESIS), 'wallet-wrong-chain').reason.params, { detected: 'bitcoin' });
    // Chain `other` still keeps anything as written, named as the investigator names it.
    assert.deepEqual(accept({ kind: 'wallet', chain: 'other', value: MONERO_STANDARD, network: 'Monero' }).value.kind, 'wallet');
  });
});

// ---------------------------------------------------------------------------------------------
// Phones
// ---------------------------------------------------------------------------------------------

describe('phone numbers (E.164)', () => {
  test('international writings normalise to E.164', () => {
    for (const written of ['+44 20 7946 0958', '+44 (0)20 7946 0958', '+44-20-7946-0958', 'tel:+44-20-7946-0958', ' +442079460958 ']) {
      const { value, warnings } = accept({ kind: 'phone', value: written });
      assert.deepEqual(value, { kind: 'phone', value: '+442079460958', region: 'GB' }, written);
      assert.deepEqual(warnings, []);
    }
  });

  test('a national writing is accepted only with a default region', () => {
    const { value, warnings } = accept({ kind: 'phone', value: '020 7946 0958', defaultRegion: 'gb' });
    assert.equal(value.value, '+442079460958');
    assert.deepEqual(warnings, ['phone-national-format']);
    assert.equal(accept({ kind: 'phone', value: '01 42 68 53 00', defaultRegion: 'FR' }).value.value, '+33142685300');
    refuse({ kind: 'phone', value: '020 7946 0958' }, 'phone-not-e164');
    // An international number stays itself whatever the default region.
    assert.equal(accept({ kind: 'phone', value: '+33 1 42 68 53 00', defaultRegion: 'GB' }).value.value, '+33142685300');
  });

  test('invalid numbers and unknown regions are refused', () => {
    refuse({ kind: 'phone', value: '+44 20 7946' }, 'phone-invalid');
    refuse({ kind: 'phone', value: '+999 123 456 789' }, 'phone-invalid');
    refuse({ kind: 'phone', value: 'call me' }, 'phone-not-e164');
    refuse({ kind: 'phone', value: '+' }, 'phone-invalid');
    const { reason } = refuse({ kind: 'phone', value: '020 7946 0958', defaultRegion: 'XX' }, 'phone-region-unknown');
    assert.equal(reason.field, 'defaultRegion');
  });

  test('an extension is kept beside the E.164 number and left out of the match key', () => {
    const { value } = accept({ kind: 'phone', value: '+44 20 7946 0958 ext. 123' });
    assert.deepEqual(value, { kind: 'phone', value: '+442079460958', region: 'GB', extension: '123' });
    assert.equal(matchKey(value), 'phone:+442079460958');
    assertIdempotent(value);
  });
});

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

describe('IP addresses with an observation time', () => {
  test('IPv4 with a UTC time', () => {
    const { value, warnings } = accept({ kind: 'ip', value: '8.8.8.8', observedAt: '2024-03-01T12:00:00Z' });
    assert.deepEqual(value, { kind: 'ip', value: '8.8.8.8', version: 4, observedAt: '2024-03-01T12:00:00Z', observedOffset: '+00:00' });
    assert.deepEqual(warnings, []);
  });

  test('IPv6 is compressed and lower-cased (RFC 5952); the time goes to UTC and keeps its offset', () => {
    const { value, warnings } = accept({ kind: 'ip', value: '2001:0DB8:0000:0000:0000:ff00:0042:8329', observedAt: '2024-03-01T14:30:15.250+02:00', port: 51234 });
    assert.deepEqual(value, {
      kind: 'ip',
      value: '2001:db8::ff00:42:8329',
      version: 6,
      observedAt: '2024-03-01T12:30:15.25Z',
      observedOffset: '+02:00',
      port: 51234,
    });
    assert.deepEqual(warnings, ['ip-not-public']); // 2001:db8::/32 is for documentation
    assertIdempotent(value);
    assert.equal(accept({ kind: 'ip', value: '2606:4700:0:0:0:0:0:1111', observedAt: '2024-03-01T12:00Z' }).value.value, '2606:4700::1111');
  });

  test('an IPv4-mapped IPv6 address is shown as IPv4', () => {
    const { value } = accept({ kind: 'ip', value: '::FFFF:8.8.4.4', observedAt: '2024-03-01T12:00:00Z' });
    assert.equal(value.value, '8.8.4.4');
    assert.equal(value.kind === 'ip' && value.version, 4);
    assert.equal(matchKey(value), 'ip:8.8.4.4');
  });

  test('an address without a time, or a time without a zone, is refused with the reason', () => {
    assert.equal(refuse({ kind: 'ip', value: '8.8.8.8' }, 'ip-missing-timestamp').reason.field, 'observedAt');
    refuse({ kind: 'ip', value: '8.8.8.8', observedAt: '  ' }, 'ip-missing-timestamp');
    for (const observedAt of ['2024-03-01T12:00:00', '2024-03-01 12:00', '2024-03-01T12:00:00.123456']) {
      assert.equal(refuse({ kind: 'ip', value: '8.8.8.8', observedAt }, 'ip-missing-timezone').reason.field, 'observedAt');
    }
    for (const observedAt of ['2024-02-30T12:00:00Z', '2023-02-29T12:00:00Z', '2024-03-01T24:00:00Z', 'yesterday', '2024-03-01', '1969-12-31T23:59:59Z', '2024-03-01T12:00:00+25:00']) {
      refuse({ kind: 'ip', value: '8.8.8.8', observedAt }, 'ip-bad-timestamp');
    }
  });

  test('time zone writings: Z, ±hh:mm, ±hhmm, "UTC", and negative offsets across midnight', () => {
    const at = (observedAt: string) => {
      const { value } = accept({ kind: 'ip', value: '8.8.8.8', observedAt });
      assert.equal(value.kind, 'ip');
      return value.kind === 'ip' ? [value.observedAt, value.observedOffset] : [];
    };
    assert.deepEqual(at('2024-03-01t12:00:00z'), ['2024-03-01T12:00:00Z', '+00:00']);
    assert.deepEqual(at('2024-03-01 12:00:00 UTC'), ['2024-03-01T12:00:00Z', '+00:00']);
    assert.deepEqual(at('2024-03-01T12:00:00+0530'), ['2024-03-01T06:30:00Z', '+05:30']);
    assert.deepEqual(at('2024-02-29T21:15:00-05:00'), ['2024-03-01T02:15:00Z', '-05:00']);
    assert.deepEqual(at('2024-12-31T23:59:59.999999-10:00'), ['2025-01-01T09:59:59.999999Z', '-10:00']);
  });

  test('ports: in the value or beside it, checked, and never conflicting', () => {
    assert.equal(accept({ kind: 'ip', value: '8.8.8.8:443', observedAt: '2024-03-01T12:00:00Z' }).value.kind, 'ip');
    const bracketed = accept({ kind: 'ip', value: '[2606:4700::1111]:8443', observedAt: '2024-03-01T12:00:00Z' }).value;
    assert.equal(bracketed.kind === 'ip' && bracketed.port, 8443);
    assert.equal(accept({ kind: 'ip', value: '8.8.8.8', observedAt: '2024-03-01T12:00:00Z', port: '443' }).value.kind === 'ip', true);
    refuse({ kind: 'ip', value: '8.8.8.8:70000', observedAt: '2024-03-01T12:00:00Z' }, 'ip-bad-port');
    assert.equal(refuse({ kind: 'ip', value: '8.8.8.8', observedAt: '2024-03-01T12:00:00Z', port: 0 }, 'ip-bad-port').reason.field, 'port');
    refuse({ kind: 'ip', value: '8.8.8.8:443', observedAt: '2024-03-01T12:00:00Z', port: 80 }, 'ip-port-conflict');
  });

  test('invalid addresses, scoped addresses and non-public ranges', () => {
    for (const value of ['256.1.1.1', '01.2.3.4', '1.2.3', '2001:db8:::1', 'example.com', '8.8.8.8/24']) {
      refuse({ kind: 'ip', value, observedAt: '2024-03-01T12:00:00Z' }, 'ip-invalid');
    }
    refuse({ kind: 'ip', value: 'fe80::1%eth0', observedAt: '2024-03-01T12:00:00Z' }, 'ip-zone-id');
    for (const value of ['10.1.2.3', '192.168.0.1', '100.64.1.1', '127.0.0.1', '::1', 'fd00::1', '203.0.113.7']) {
      assert.deepEqual(accept({ kind: 'ip', value, observedAt: '2024-03-01T12:00:00Z' }).warnings, ['ip-not-public'], value);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// URLs, domains, e-mail, accounts
// ---------------------------------------------------------------------------------------------

describe('URLs', () => {
  test('scheme and host are lower-cased, an IDN host goes to punycode, the path is kept', () => {
    const { value, warnings } = accept({ kind: 'url', value: 'HTTPS://Bücher.Example/Path/To?Q=1#Top' });
    assert.deepEqual(value, { kind: 'url', value: 'https://xn--bcher-kva.example/Path/To?Q=1#Top', host: 'xn--bcher-kva.example' });
    assert.deepEqual(warnings, ['domain-idn']);
    assert.equal(matchKey(value), 'url:https://xn--bcher-kva.example/Path/To?Q=1');
    assert.equal(accept({ kind: 'url', value: 'http://example.com:80' }).value.value, 'http://example.com/');
  });

  test('defanged URLs are refanged with a warning', () => {
    const { value, warnings } = accept({ kind: 'url', value: 'hxxps[:]//evil-example[.]com/login' });
    assert.equal(value.value, 'https://evil-example.com/login');
    assert.deepEqual(warnings, ['refanged']);
  });

  test('missing or unsupported schemes and bad hosts are refused', () => {
    refuse({ kind: 'url', value: 'www.example.com/login' }, 'url-missing-scheme');
    refuse({ kind: 'url', value: 'example.com:8080/login' }, 'url-missing-scheme');
    assert.deepEqual(refuse({ kind: 'url', value: 'javascript:alert(1)' }, 'url-unsupported-scheme').reason.params, { scheme: 'javascript' });
    refuse({ kind: 'url', value: 'mailto:someone@example.com' }, 'url-unsupported-scheme');
    refuse({ kind: 'url', value: 'http://' }, 'url-invalid');
    assert.deepEqual(refuse({ kind: 'url', value: 'http://intranet/' }, 'url-bad-host').reason.params, { problem: 'domain-single-label' });
    assert.deepEqual(refuse({ kind: 'url', value: 'http://bad_host.example.com/' }, 'url-bad-host').reason.params, { problem: 'domain-label-invalid' });
  });

  test('credentials and IP hosts are flagged', () => {
    assert.deepEqual(accept({ kind: 'url', value: 'ftp://user:secret@example.com/file' }).warnings, ['url-has-credentials']);
    assert.deepEqual(accept({ kind: 'url', value: 'http://[2606:4700::1111]:8080/' }).warnings, ['url-host-is-ip']);
    assert.deepEqual(accept({ kind: 'url', value: 'http://8.8.8.8/' }).warnings, ['url-host-is-ip']);
  });
});

describe('domains', () => {
  test('an IDN becomes punycode (RFC 5890) and keeps a Unicode form for display', () => {
    const { value, warnings } = accept({ kind: 'domain', value: 'Bücher.Example.' });
    assert.deepEqual(value, { kind: 'domain', value: 'xn--bcher-kva.example', unicode: 'bücher.example' });
    assert.deepEqual(warnings, ['domain-idn']);
    assert.equal(accept({ kind: 'domain', value: 'xn--bcher-kva.example' }).value.value, 'xn--bcher-kva.example');
    assert.equal(accept({ kind: 'domain', value: 'МОСКВА.рф' }).value.value, 'xn--80adxhks.xn--p1ai');
    assert.deepEqual(accept({ kind: 'domain', value: 'EXAMPLE.com' }).value, { kind: 'domain', value: 'example.com', unicode: 'example.com' });
  });

  test('invalid labels, lengths and shapes are refused (RFC 1035)', () => {
    refuse({ kind: 'domain', value: '-abc.example' }, 'domain-label-invalid');
    refuse({ kind: 'domain', value: 'abc-.example' }, 'domain-label-invalid');
    refuse({ kind: 'domain', value: 'a_b.example' }, 'domain-label-invalid');
    refuse({ kind: 'domain', value: 'a..example' }, 'domain-label-invalid');
    refuse({ kind: 'domain', value: 'a*b.example' }, 'domain-label-invalid');
    refuse({ kind: 'domain', value: 'example.123' }, 'domain-label-invalid');
    refuse({ kind: 'domain', value: `${'a'.repeat(64)}.example` }, 'domain-label-too-long');
    accept({ kind: 'domain', value: `${'a'.repeat(63)}.example` });
    refuse({ kind: 'domain', value: `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.example` }, 'domain-too-long');
    refuse({ kind: 'domain', value: 'localhost' }, 'domain-single-label');
    refuse({ kind: 'domain', value: '192.0.2.1' }, 'domain-is-ip');
    refuse({ kind: 'domain', value: '0x7f.1' }, 'domain-is-ip');
    refuse({ kind: 'domain', value: 'exa mple.com' }, 'domain-invalid');
    refuse({ kind: 'domain', value: 'https://example.com/' }, 'domain-invalid');
    refuse({ kind: 'domain', value: 'xn--zz.example' }, 'domain-invalid'); // not valid punycode
  });

  test('defanged domains are refanged', () => {
    assert.deepEqual(accept({ kind: 'domain', value: 'evil-example[.]com' }), {
      ok: true,
      value: { kind: 'domain', value: 'evil-example.com', unicode: 'evil-example.com' },
      warnings: ['refanged'],
    });
  });
});

describe('e-mail addresses', () => {
  test('the domain is lower-cased (punycode), the local part kept, the match key folded', () => {
    const { value, warnings } = accept({ kind: 'email', value: ' John.Doe+cases@Example.COM ' });
    assert.deepEqual(value, { kind: 'email', value: 'John.Doe+cases@example.com', local: 'John.Doe+cases', domain: 'example.com' });
    assert.deepEqual(warnings, []);
    assert.equal(matchKey(value), 'email:john.doe+cases@example.com');
    const idn = accept({ kind: 'email', value: 'Jörg@Bücher.example' });
    assert.equal(idn.value.value, 'Jörg@xn--bcher-kva.example');
    assert.deepEqual(idn.warnings, ['domain-idn']);
    assert.equal(accept({ kind: 'email', value: '"john doe"@example.com' }).value.value, '"john doe"@example.com');
  });

  test('malformed addresses are refused', () => {
    refuse({ kind: 'email', value: 'no-at-sign.example.com' }, 'email-invalid');
    refuse({ kind: 'email', value: '@example.com' }, 'email-invalid');
    refuse({ kind: 'email', value: 'someone@' }, 'email-invalid');
    refuse({ kind: 'email', value: 'a..b@example.com' }, 'email-local-invalid');
    refuse({ kind: 'email', value: '.a@example.com' }, 'email-local-invalid');
    refuse({ kind: 'email', value: 'a b@example.com' }, 'email-local-invalid');
    refuse({ kind: 'email', value: 'a@b@example.com' }, 'email-local-invalid');
    refuse({ kind: 'email', value: `${'a'.repeat(65)}@example.com` }, 'email-local-invalid');
    assert.deepEqual(refuse({ kind: 'email', value: 'someone@localhost' }, 'email-domain-invalid').reason.params, { problem: 'domain-single-label' });
    refuse({ kind: 'email', value: 'someone@exa_mple.com' }, 'email-domain-invalid');
  });
});

describe('platform accounts', () => {
  test('the service is lower-cased, the handle kept; the match key drops "@" and folds case', () => {
    const { value } = accept({ kind: 'account', service: ' Telegram ', value: '@Alice_Smith' });
    assert.deepEqual(value, { kind: 'account', service: 'telegram', value: '@Alice_Smith' });
    assert.equal(matchKey(value), 'account:telegram:alice_smith');
    assert.equal(matchKey(accept({ kind: 'account', service: 'TELEGRAM', value: 'alice_smith' }).value), 'account:telegram:alice_smith');
  });

  test('a missing service or handle is refused', () => {
    assert.equal(refuse({ kind: 'account', service: '', value: 'alice' }, 'account-service-missing').reason.field, 'service');
    refuse({ kind: 'account', service: 'telegram', value: '@' }, 'account-handle-invalid');
    refuse({ kind: 'account', service: 'telegram', value: '' }, 'value-missing');
  });
});

describe('any kind', () => {
  test('unknown kinds, non-objects, non-strings, controls and huge values are refused', () => {
    refuse({ kind: 'fax', value: '123' } as unknown as IdentifierInput, 'kind-unknown');
    refuse(null as unknown as IdentifierInput, 'input-invalid');
    refuse('8.8.8.8' as unknown as IdentifierInput, 'input-invalid');
    refuse({ kind: 'email', value: 42 } as unknown as IdentifierInput, 'value-missing');
    refuse({ kind: 'domain', value: 'exa\u0000mple.com' }, 'value-bad-characters');
    refuse({ kind: 'domain', value: 'example\uD800.com' }, 'value-bad-characters');
    refuse({ kind: 'url', value: `https://example.com/${'a'.repeat(100_000)}` }, 'value-too-long');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const base58check = createBase58check(sha256);
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const withVersion = (version: number, payload: Uint8Array) => base58check.encode(Uint8Array.of(version, ...payload));
const segwit = (hrp: string, version: number, program: Uint8Array) =>
  (version === 0 ? bech32 : bech32m).encode(hrp, [version, ...bech32.toWords(program)]);
const hex = (data: Uint8Array) => Buffer.from(data).toString('hex');

/** Valid addresses of the checked chains, built from random bytes. */
const checkedWallets: fc.Arbitrary<{ chain: WalletChain; value: string; alphabet: string }> = fc.oneof(
  bytes(20).map((h) => ({ chain: 'bitcoin' as const, value: withVersion(0x00, h), alphabet: 'base58' })),
  bytes(20).map((h) => ({ chain: 'bitcoin' as const, value: withVersion(0x05, h), alphabet: 'base58' })),
  fc.oneof(bytes(20), bytes(32)).map((p) => ({ chain: 'bitcoin' as const, value: segwit('bc', 0, p), alphabet: 'bech32' })),
  bytes(32).map((p) => ({ chain: 'bitcoin' as const, value: segwit('bc', 1, p), alphabet: 'bech32' })),
  bytes(20).map((h) => ({ chain: 'tron' as const, value: withVersion(0x41, h), alphabet: 'base58' })),
  bytes(20).map((h) => ({ chain: 'litecoin' as const, value: withVersion(0x30, h), alphabet: 'base58' })),
  fc.oneof(bytes(20), bytes(32)).map((p) => ({ chain: 'litecoin' as const, value: segwit('ltc', 0, p), alphabet: 'bech32' })),
  fc.tuple(fc.constantFrom(0x1e, 0x16), bytes(20)).map(([version, h]) => ({ chain: 'dogecoin' as const, value: withVersion(version, h), alphabet: 'base58' })),
  bytes(20).map((account) => ({ chain: 'xrp' as const, value: xrpAddress(0x00, account), alphabet: 'base58' })),
  fc.oneof(
    fc.tuple(fc.constantFrom(18, 42), bytes(64)),
    fc.tuple(fc.constant(19), bytes(72)),
  ).map(([network, keys]) => ({ chain: 'monero' as const, value: moneroAddress(network, keys), alphabet: 'base58' })),
  // No checksum: a change to one of these may be another valid address (see the properties).
  bytes(32).map((key) => ({ chain: 'solana' as const, value: base58.encode(key), alphabet: 'base58' })),
  fc.tuple(bytes(20), fc.constantFrom('ethereum' as const, 'erc20' as const)).map(([a, chain]) => ({ chain, value: `0x${hex(a)}`, alphabet: 'hex' })),
  fc.constantFrom(...EIP55_NORMAL).map((value) => ({ chain: 'ethereum' as const, value, alphabet: 'hex' })),
);

const ALPHABETS: Record<string, string> = {
  base58: '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz',
  bech32: 'qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  hex: '0123456789abcdefABCDEF',
};

const timestamps = fc
  .tuple(
    fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => quarters * 15),
  )
  .map(([date, offset]) => {
    const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 23);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  });

/** The examples of the IBAN registry (SWIFT) for a few countries, printed as statements print them. */
const IBANS: readonly [string, string, string][] = [
  ['GB33 BUKB 2020 1555 5555 55', 'GB33BUKB20201555555555', 'GB'],
  ['FR76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189', 'FR'],
  ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', 'DE'],
  ['ES91 2100 0418 4502 0005 1332', 'ES9121000418450200051332', 'ES'],
  ['SA03 8000 0000 6080 1016 7519', 'SA0380000000608010167519', 'SA'],
  ['BE68 5390 0754 7034', 'BE68539007547034', 'BE'],
];

const PHONES = ['+44 20 7946 0958', '+33 1 42 68 53 00', '+1 202-456-1414', '+49 30 227 0', '+81 3-3581-0101', '+7 495 606-36-02', '+86 10 6513 4815', '+20 2 2795 6000'];

/** Inputs that should be accepted, from every kind. */
const validInputs: fc.Arbitrary<IdentifierInput> = fc.oneof(
  fc.domain().map((value): IdentifierInput => ({ kind: 'domain', value })),
  fc.emailAddress().map((value): IdentifierInput => ({ kind: 'email', value })),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((value): IdentifierInput => ({ kind: 'url', value })),
  fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), timestamps, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(
    ([value, observedAt, port]): IdentifierInput => (port === undefined ? { kind: 'ip', value, observedAt } : { kind: 'ip', value, observedAt, port }),
  ),
  fc.constantFrom(...PHONES).map((value): IdentifierInput => ({ kind: 'phone', value })),
  checkedWallets.map(({ chain, value }): IdentifierInput => ({ kind: 'wallet', chain, value })),
  fc.tuple(fc.constantFrom('telegram', 'Instagram', 'X'), fc.stringMatching(/^@?[A-Za-z0-9_.]{1,30}$/)).map(
    ([service, value]): IdentifierInput => ({ kind: 'account', service, value }),
  ),
  fc.oneof(fc.constantFrom(...IBANS.map(([printed]) => printed)), fc.constant('GB33BUKB20201555555555')).map((value): IdentifierInput => ({ kind: 'iban', value })),
);

/** Random upper/lower case of each character. */
const recase = (text: string, flips: boolean[]) => [...text].map((c, i) => (flips[i % Math.max(flips.length, 1)] ? c.toUpperCase() : c.toLowerCase())).join('');
const spaces = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00A0', '\u200B');

// ---------------------------------------------------------------------------------------------
// IBANs
// ---------------------------------------------------------------------------------------------


/** A valid GB IBAN from a bank code and account digits: the check digits by ISO 7064 MOD 97-10. */
function gbIban(bank: string, digits: string): string {
  const bban = `${bank}${digits}`;
  const numeric = [...`${bban}GB00`].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join('');
  const check = 98 - Number(BigInt(numeric) % 97n);
  return `GB${String(check).padStart(2, '0')}${bban}`;
}
const gbIbans = fc.tuple(fc.stringMatching(/^[A-Z]{4}$/), fc.stringMatching(/^[0-9]{14}$/)).map(([bank, digits]) => gbIban(bank, digits));
const IBAN_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('IBANs (ISO 13616)', () => {
  test('the registry examples are accepted in their electronic format, with their country, and keyed by it', () => {
    for (const [printed, electronic, country] of IBANS) {
      const { value, warnings } = accept({ kind: 'iban', value: printed });
      assert.deepEqual(value, { kind: 'iban', value: electronic, country });
      assert.deepEqual(warnings, []);
      assert.equal(matchKey(value), `iban:${electronic}`);
      assertIdempotent(value);
    }
  });

  test('written as people copy them: lower case, hyphens, a label, invisible spaces, digits of other scripts', () => {
    const key = (value: string) => matchKey(accept({ kind: 'iban', value }).value);
    for (const writing of ['gb33bukb20201555555555', 'GB33-BUKB-2020-1555-5555-55', 'IBAN: GB33 BUKB 2020 1555 5555 55', 'iban GB33BUKB20201555555555', ' GB33 BUKB\u200B2020 1555 5555 55\u00A0', 'ＧＢ３３ＢＵＫＢ２０２０１５５５５５５５５５']) {
      assert.equal(key(writing), 'iban:GB33BUKB20201555555555', writing);
    }
    assert.equal(key('SA03 ٨٠٠٠ ٠٠٠٠ ٦٠٨٠ ١٠١٦ ٧٥١٩'), 'iban:SA0380000000608010167519');
  });

  test('a wrong check digit, two swapped characters, a wrong length, a country without IBANs and a misplaced letter are refused, each with its reason', () => {
    refuse({ kind: 'iban', value: 'GB34 BUKB 2020 1555 5555 55' }, 'iban-bad-checksum');
    refuse({ kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 55'.replace('2020 15', '2020 51') }, 'iban-bad-checksum');
    assert.deepEqual(refuse({ kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 5' }, 'iban-bad-length').reason.params, { country: 'GB', length: 21, expected: 22 });
    assert.deepEqual(refuse({ kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 5555 5555' }, 'iban-bad-length').reason.params, { country: 'GB', length: 28, expected: 22 });
    assert.deepEqual(refuse({ kind: 'iban', value: 'US64 SVBK US6S 3300 9673 86' }, 'iban-country-unknown').reason.params, { country: 'US' });
    refuse({ kind: 'iban', value: 'XA12 3456 7890 1234' }, 'iban-country-unknown');
    refuse({ kind: 'iban', value: '12345678' }, 'iban-country-unknown');
    refuse({ kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 5X' }, 'iban-bad-format');
    refuse({ kind: 'iban', value: 'GBXX BUKB 2020 1555 5555 55' }, 'iban-bad-format');
    refuse({ kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 55!' }, 'iban-bad-format');
    refuse({ kind: 'iban', value: '' }, 'value-missing');
    refuse({ kind: 'iban', value: 'GB33 '.repeat(40) }, 'value-too-long');
  });

  test('any GB IBAN is accepted and keyed alike however it is spaced or cased; any one character changed is refused', () => {
    fc.assert(
      fc.property(gbIbans, fc.array(fc.boolean()), fc.nat(), fc.nat({ max: 21 }), fc.constantFrom(...IBAN_CHARS), (iban, flips, gap, at, char) => {
        const grouped = (iban.match(/.{1,4}/g) ?? []).join(gap % 2 === 0 ? ' ' : '-');
        assert.equal(matchKey(accept({ kind: 'iban', value: recase(grouped, flips) }).value), `iban:${iban}`);
        // MOD 97-10 catches every single substitution, and the format every letter for a digit or back.
        if (iban[at] !== char) refuse({ kind: 'iban', value: replaceAt(iban, at, char) });
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe('wallet addresses given without their chain', () => {
  test('the chain is the one whose checks the address passes, and the match key is that chain\'s', () => {
    const keyOf = (value: string) => {
      const checked = checkWalletAddress(value);
      assert.ok(checked.ok, `${value}: ${JSON.stringify(checked)}`);
      return { chain: checked.value.kind === 'wallet' ? checked.value.chain : undefined, key: matchKey(checked.value) };
    };
    assert.deepEqual(keyOf('BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ'), { chain: 'bitcoin', key: 'wallet:bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' });
    assert.deepEqual(keyOf(GENESIS), { chain: 'bitcoin', key: `wallet:bitcoin:${GENESIS}` });
    assert.deepEqual(keyOf(P2SH), { chain: 'bitcoin', key: `wallet:bitcoin:${P2SH}` }, '3… is bitcoin\'s first');
    assert.deepEqual(keyOf(EIP55_ALL_LOWER[0]!), { chain: 'ethereum', key: `wallet:ethereum:${EIP55_ALL_LOWER[0]}` });
    assert.equal(keyOf(EIP55_NORMAL[0]!).key, matchKey(accept(wallet('erc20', EIP55_NORMAL[0]!.toLowerCase())).value), 'the same key as a case naming the erc20 holder');
    assert.deepEqual(keyOf(TRON), { chain: 'tron', key: `wallet:tron:${TRON}` });
    assert.deepEqual(keyOf(LITECOIN_L), { chain: 'litecoin', key: `wallet:litecoin:${LITECOIN_L}` });
    assert.deepEqual(keyOf(LITECOIN_BECH32), { chain: 'litecoin', key: `wallet:litecoin:${LITECOIN_BECH32}` });
    assert.deepEqual(keyOf(DOGE_BURN), { chain: 'dogecoin', key: `wallet:dogecoin:${DOGE_BURN}` });
    assert.deepEqual(keyOf(DOGE_P2SH[0]!), { chain: 'dogecoin', key: `wallet:dogecoin:${DOGE_P2SH[0]}` });
    assert.deepEqual(keyOf(XRP_GENESIS), { chain: 'xrp', key: `wallet:xrp:${XRP_GENESIS}` });
    assert.deepEqual(keyOf(MONERO_SUBADDRESS), { chain: 'monero', key: `wallet:monero:${MONERO_SUBADDRESS}` });
    assert.deepEqual(keyOf(MONERO_INTEGRATED), { chain: 'monero', key: `wallet:monero:${MONERO_INTEGRATED}` });
    for (const address of [...SOLANA, '7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV']) {
      assert.deepEqual(keyOf(address), { chain: 'solana', key: `wallet:solana:${address}` });
      const found = checkWalletAddress(address);
      assert.deepEqual(found.ok && found.warnings, ['wallet-no-checksum']);
    }
  });

  test('an address that claims a checked chain by its look but fails its checks is refused with that chain\'s reason', () => {
    const refused = (value: string, code: IdentifierProblemCode) => {
      const checked = checkWalletAddress(value);
      assert.ok(!checked.ok, `${value} accepted: ${JSON.stringify(checked)}`);
      assert.equal(checked.reason.code, code, value);
    };
    refused(replaceAt(GENESIS, 33, GENESIS[33] === 'a' ? 'b' : 'a'), 'wallet-bad-checksum');
    refused('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp', 'wallet-bad-checksum');
    refused('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'wallet-testnet');
    refused(replaceAt(TRON, 33, TRON[33] === '7' ? '8' : '7'), 'wallet-bad-checksum');
    refused(`${EIP55_NORMAL[0]}!`, 'wallet-bad-format');
    refused(replaceAt(EIP55_NORMAL[0]!, 3, EIP55_NORMAL[0]![3] === 'a' ? 'A' : 'a'), 'wallet-bad-checksum');
    refused('0x1234', 'wallet-bad-length');
    refused(replaceAt(DOGE_BURN, 20, 'y'), 'wallet-bad-checksum');
    refused(replaceAt(XRP_GENESIS, 12, XRP_GENESIS[12] === 'a' ? 'b' : 'a'), 'wallet-bad-checksum');
    refused(XRP_X[0]![0], 'wallet-x-address');
    refused(XRP_X_TEST, 'wallet-testnet');
    refused(replaceAt(MONERO_SUBADDRESS, 40, MONERO_SUBADDRESS[40] === 'a' ? 'b' : 'a'), 'wallet-bad-checksum');
    refused(replaceAt(MONERO_INTEGRATED, 40, MONERO_INTEGRATED[40] === 'a' ? 'b' : 'a'), 'wallet-bad-checksum');
  });

  test('an address of another chain is kept as written, unverified, if it looks like an address at all', () => {
    // Decred's "Ds…" is 35 characters: not claimed as a mistyped dogecoin address.
    for (const value of [CARDANO, STELLAR, CASHADDR, 'DsUZxxoHJSty8DCfwfartwTYbuhmVct7tJu']) {
      const checked = checkWalletAddress(value);
      assert.ok(checked.ok, value);
      assert.deepEqual([checked.value, checked.warnings], [{ kind: 'wallet', chain: 'other', value, format: 'unverified' }, ['wallet-unverified']]);
      assert.equal(matchKey(checked.value), `wallet:other::${value}`);
    }
    const short = checkWalletAddress('abc123');
    assert.ok(!short.ok && short.reason.code === 'wallet-bad-length');
    const odd = checkWalletAddress('not a wallet, just words!');
    assert.ok(!odd.ok && odd.reason.code === 'wallet-bad-format');
    for (const value of [undefined, 42, '', '\u0000'.repeat(30)]) assert.ok(!checkWalletAddress(value).ok);
  });

  test('any valid address of a checked chain is found on its chain (or one sharing its bytes), keyed as a case keys it', () => {
    fc.assert(
      fc.property(checkedWallets, ({ chain, value }) => {
        const given = accept(wallet(chain, value));
        const found = checkWalletAddress(value);
        assert.ok(found.ok, `${value}: ${JSON.stringify(found)}`);
        if (given.warnings.includes('wallet-ambiguous-chain')) return;
        assert.equal(matchKey(found.value), matchKey(given.value));
      }),
      { numRuns: RUNS * 2 },
    );
  });
});


describe('properties', () => {
  test('normalisation is idempotent: checking a normalised identifier gives it back', () => {
    fc.assert(
      fc.property(validInputs, (input) => {
        const checked = checkIdentifier(input);
        assert.ok(checked.ok, `${JSON.stringify(input)} refused: ${JSON.stringify(checked)}`);
        assertIdempotent(checked.value);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('the match key is the same for any casing and spacing of the same identifier', () => {
    const variants: fc.Arbitrary<[IdentifierInput, IdentifierInput]> = fc.oneof(
      // Domains: any case, around spaces, a root dot.
      fc.tuple(fc.domain(), fc.array(fc.boolean()), spaces, fc.boolean()).map(([d, flips, pad, dot]): [IdentifierInput, IdentifierInput] => [
        { kind: 'domain', value: d },
        { kind: 'domain', value: `${pad}${recase(d, flips)}${dot ? '.' : ''}${pad}` },
      ]),
      // E-mail: any case of local part and domain.
      fc.tuple(fc.emailAddress(), fc.array(fc.boolean()), spaces).map(([e, flips, pad]): [IdentifierInput, IdentifierInput] => [
        { kind: 'email', value: e },
        { kind: 'email', value: `${pad}${recase(e, flips)}${pad}` },
      ]),
      // URLs: scheme and host in any case (the path is case-sensitive and stays).
      fc.tuple(fc.domain(), fc.webPath(), fc.array(fc.boolean()), spaces).map(([host, path, flips, pad]): [IdentifierInput, IdentifierInput] => [
        { kind: 'url', value: `https://${host}${path}` },
        { kind: 'url', value: `${pad}${recase('https://', flips)}${recase(host, flips.slice(3))}${path}${pad}` },
      ]),
      // IPv6: expanded with leading zeros, any case; IPv4 and its mapped form.
      fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.array(fc.boolean()), timestamps, timestamps).map(
        ([groups, flips, t1, t2]): [IdentifierInput, IdentifierInput] => [
          { kind: 'ip', value: groups.map((g) => g.toString(16)).join(':'), observedAt: t1 },
          { kind: 'ip', value: recase(groups.map((g) => g.toString(16).padStart(4, '0')).join(':'), flips), observedAt: t2 },
        ],
      ),
      fc.tuple(fc.ipV4(), timestamps).map(([v4, t]): [IdentifierInput, IdentifierInput] => [
        { kind: 'ip', value: v4, observedAt: t },
        { kind: 'ip', value: `[::ffff:${v4}]:443`, observedAt: t },
      ]),
      // Phones: any grouping of the digits with spaces, dashes, dots.
      fc.tuple(fc.constantFrom(...PHONES), fc.array(fc.constantFrom('', ' ', '-', '.', ' - '))).map(([phone, seps]): [IdentifierInput, IdentifierInput] => {
        const digits = phone.replace(/\D/g, '');
        return [
          { kind: 'phone', value: phone },
          { kind: 'phone', value: `+${[...digits].map((d, i) => (i > 0 ? (seps[i % Math.max(seps.length, 1)] ?? '') : '') + d).join('')}` },
        ];
      }),
      // Ethereum: checksummed, all lower, all upper; erc20 too.
      fc.tuple(bytes(20), fc.constantFrom('lower', 'upper'), fc.constantFrom('ethereum' as const, 'erc20' as const)).map(([a, writing, chain]): [IdentifierInput, IdentifierInput] => [
        { kind: 'wallet', chain: 'ethereum', value: `0x${hex(a)}` },
        { kind: 'wallet', chain, value: `0x${writing === 'lower' ? hex(a) : hex(a).toUpperCase()}` },
      ]),
      // Bech32: all lower or all upper, with stray whitespace inside.
      fc.tuple(bytes(32), spaces, fc.nat()).map(([p, pad, at]): [IdentifierInput, IdentifierInput] => {
        const address = segwit('bc', 1, p);
        const cut = at % address.length;
        const upper = address.toUpperCase();
        return [
          { kind: 'wallet', chain: 'bitcoin', value: address },
          { kind: 'wallet', chain: 'bitcoin', value: `${upper.slice(0, cut)}${pad}${upper.slice(cut)}` },
        ];
      }),
      // Accounts: "@", case of handle and service.
      fc.tuple(fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/), fc.array(fc.boolean()), fc.boolean()).map(([handle, flips, at]): [IdentifierInput, IdentifierInput] => [
        { kind: 'account', service: 'telegram', value: handle },
        { kind: 'account', service: recase(' Telegram ', flips), value: `${at ? '@' : ''}${recase(handle, flips)}` },
      ]),
    );
    fc.assert(
      fc.property(variants, ([plain, variant]) => {
        const a = checkIdentifier(plain);
        const b = checkIdentifier(variant);
        assert.ok(a.ok, `${JSON.stringify(plain)} refused: ${JSON.stringify(a)}`);
        assert.ok(b.ok, `${JSON.stringify(variant)} refused: ${JSON.stringify(b)}`);
        assert.equal(matchKey(b.value), matchKey(a.value));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('a one-character change to a checksummed address is refused or is another address, never the same one silently', () => {
    const changed = checkedWallets.chain((original) =>
      fc
        .tuple(fc.nat({ max: original.value.length - 1 }), fc.constantFrom(...(ALPHABETS[original.alphabet] ?? '')))
        .filter(([index, char]) => original.value[index] !== char)
        .map(([index, char]) => ({ original, mutated: replaceAt(original.value, index, char) })),
    );
    fc.assert(
      fc.property(changed, ({ original, mutated }) => {
        const before = checkIdentifier(wallet(original.chain, original.value));
        assert.ok(before.ok);
        const after = checkIdentifier(wallet(original.chain, mutated));
        if (!after.ok) return;
        const silent = after.value.value === before.value.value && !after.warnings.includes('wallet-unchecksummed');
        assert.ok(!silent, `${original.value} → ${mutated} accepted as the same address`);
        // Every checksum here (base58check, bech32, XRP's, Monero's) detects a single substitution:
        // such a change is refused outright, unless the chain has no checksum and says so.
        assert.ok(original.alphabet === 'hex' || after.warnings.includes('wallet-no-checksum'), `${original.value} → ${mutated} accepted: ${JSON.stringify(after)}`);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  test('deleting one character of a checksummed address is refused', () => {
    const deleted = checkedWallets.chain((original) =>
      fc.nat({ max: original.value.length - 1 }).map((index) => ({ original, mutated: original.value.slice(0, index) + original.value.slice(index + 1) })),
    );
    fc.assert(
      fc.property(deleted, ({ original, mutated }) => {
        const after = checkIdentifier(wallet(original.chain, mutated));
        // A shorter Solana writing can still be 32 bytes: accepted, then, only with its warning.
        assert.ok(!after.ok || after.warnings.includes('wallet-no-checksum'), `${original.value} → ${mutated}`);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  test('random strings never throw: always accepted with known warnings or refused with a known code', () => {
    const problemCodes = new Set<string>(IDENTIFIER_PROBLEM_CODES);
    const warningCodes = new Set<string>(IDENTIFIER_WARNING_CODES);
    const strings = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[0-9a-zA-Z:.\-+@/[\]% ]{0,60}$/));
    const inputs = fc.oneof(
      fc.record({
        kind: fc.oneof(fc.constantFrom(...ALL_IDENTIFIER_KINDS), fc.string()),
        value: fc.oneof(strings, fc.anything()),
        chain: fc.oneof(fc.constantFrom(...WALLET_CHAINS), fc.anything()),
        service: fc.oneof(strings, fc.anything()),
        observedAt: fc.oneof(timestamps, strings, fc.anything()),
        port: fc.anything(),
        defaultRegion: fc.oneof(fc.constantFrom('GB', 'FR', 'US', 'gb'), strings, fc.anything()),
        network: fc.anything(),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        const checked = checkIdentifier(input as IdentifierInput);
        if (checked.ok) {
          for (const warning of checked.warnings) assert.ok(warningCodes.has(warning), warning);
          assert.equal(typeof matchKey(checked.value), 'string');
          assertIdempotent(checked.value);
        } else {
          assert.ok(problemCodes.has(checked.reason.code), checked.reason.code);
          assert.ok((IDENTIFIER_FIELDS as readonly string[]).includes(checked.reason.field));
          for (const param of Object.values(checked.reason.params ?? {})) assert.ok(typeof param === 'string' || typeof param === 'number');
        }
      }),
      { numRuns: RUNS * 10 },
    );
  });
});

// Guard against a vector being mistyped: the BIP-350 valid mainnet vectors decode to the published scriptPubKeys.
test('the quoted BIP-350 vectors decode to their published scriptPubKeys', () => {
  for (const [address, script] of BIP350_VALID) {
    const lower = address.toLowerCase();
    const decoded = bech32.decodeUnsafe(lower) || bech32m.decodeUnsafe(lower);
    assert.ok(decoded, address);
    const [version = 0, ...words] = decoded.words;
    const program = bech32.fromWords(words);
    const op = version === 0 ? 0 : 0x50 + version;
    assert.equal(hex(Uint8Array.of(op, program.length, ...program)), script, address);
  }
  assert.equal(base58.decode(GENESIS).length, 25);
});
