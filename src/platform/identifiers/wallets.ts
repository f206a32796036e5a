/**
 * Cryptocurrency addresses: bitcoin and litecoin (base58check and segwit bech32 / bech32m),
 * ethereum and erc20 (EIP-55), TRON (base58check, version 0x41), dogecoin (base58check), XRP
 * Ledger classic addresses (base58check in Ripple's alphabet), Monero (Monero's block base58 with
 * a Keccak-256 checksum), Solana (base58 of 32 bytes, no checksum at all), and `other` kept as
 * written.
 *
 * The encodings come from @scure/base and the hashes from @noble/hashes (both audited); this
 * file only says which version bytes, prefixes and lengths each chain uses (BIP-13, BIP-141,
 * BIP-173, BIP-350, EIP-55, dogecoin's chainparams.cpp, the XRP Ledger's address encoding and
 * XLS-5d X-addresses, Monero's cryptonote_config.h).
 *
 * Bitcoin Cash's CashAddr is not checked: its checksum is a BCH code that neither library has.
 */
import { type BytesCoder, base58, base58xmr, base58xrp, bech32, bech32m } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type Checked,
  type IdentifierWarningCode,
  type WalletChain,
  type WalletFormat,
  WALLET_CHAINS,
  accepted,
  cleanText,
  problem,
  squeeze,
  trimEdges,
} from './codes.ts';

export interface Wallet {
  kind: 'wallet';
  chain: WalletChain;
  /** The address in its canonical writing: bech32 lower case, EIP-55 mixed case, base58 as is. */
  value: string;
  format: WalletFormat;
  /** For chain `other` only: the network as the investigator named it (e.g. "monero"). */
  network?: string;
}

const BASE58_ALPHABET = /^[1-9A-HJ-NP-Za-km-z]*$/;
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** BIP-173: a bech32 string is at most 90 characters. */
const BECH32_MAX = 90;

interface Segwit {
  hrp: string;
  testHrps: readonly string[];
}

interface UtxoChain {
  /** base58check version byte → format, on the main network. */
  versions: ReadonlyMap<number, WalletFormat>;
  /** Versions that another chain also uses for the same bytes: accepted with a warning. */
  shared: ReadonlySet<number>;
  testVersions: ReadonlySet<number>;
  /** Left out for a chain without segwit addresses. */
  segwit?: Segwit;
}

const UTXO: Record<'bitcoin' | 'litecoin' | 'dogecoin', UtxoChain> = {
  bitcoin: {
    versions: new Map([
      [0x00, 'p2pkh'],
      [0x05, 'p2sh'],
    ]),
    shared: new Set(),
    testVersions: new Set([0x6f, 0xc4]),
    segwit: { hrp: 'bc', testHrps: ['tb', 'bcrt'] },
  },
  litecoin: {
    versions: new Map([
      [0x30, 'p2pkh'], // L…
      [0x32, 'p2sh'], // M…
      [0x05, 'p2sh'], // 3…: the old litecoin P2SH version, the same bytes as bitcoin's
    ]),
    shared: new Set([0x05]),
    testVersions: new Set([0x6f, 0xc4, 0x3a]),
    segwit: { hrp: 'ltc', testHrps: ['tltc', 'rltc'] },
  },
  dogecoin: {
    versions: new Map([
      [0x1e, 'p2pkh'], // D…
      [0x16, 'p2sh'], // 9… or A…
    ]),
    shared: new Set(),
    testVersions: new Set([0x71, 0xc4]), // n…, 2…
  },
};

type AddressCheck = Checked<{ address: string; format: WalletFormat }>;

/** The first character outside an alphabet, as problem params. */
function badCharacter(text: string, allowed: (char: string) => boolean, offset = 0): Record<string, string | number> {
  const chars = [...text];
  const position = chars.findIndex((char) => !allowed(char));
  return position < 0 ? {} : { char: chars[position] ?? '', position: offset + position + 1 };
}

const doubleSha256 = (data: Uint8Array) => sha256(sha256(data));

/** A base58 writing whose last four bytes are the first four of a hash of the others. */
interface Checksummed58 {
  coder: BytesCoder;
  hash: (payload: Uint8Array) => Uint8Array;
  /** Bounds on the writing, checked before decoding: base58 decoding costs the square of the length. */
  chars: readonly [min: number, max: number];
  /** The lengths in bytes, checksum included, that the chain's addresses have. */
  bytes: readonly number[];
}

/** base58check: bitcoin's alphabet, a 1-byte version and a 20-byte hash (25 bytes with the checksum). */
const BASE58CHECK: Checksummed58 = { coder: base58, hash: doubleSha256, chars: [20, 40], bytes: [25] };
/** The XRP Ledger's classic addresses: the same checksum, in Ripple's ordering of the same alphabet. */
const XRP_CLASSIC: Checksummed58 = { coder: base58xrp, hash: doubleSha256, chars: [25, 35], bytes: [25] };
/** XLS-5d X-addresses: a 2-byte network prefix, the account, a tag flag and an 8-byte tag. */
const XRP_X: Checksummed58 = { coder: base58xrp, hash: doubleSha256, chars: [47, 47], bytes: [35] };
/** Monero: a network byte, two 32-byte keys (and an 8-byte payment id when integrated), Keccak-256. */
const MONERO: Checksummed58 = { coder: base58xmr, hash: keccak_256, chars: [95, 106], bytes: [69, 77] };

const CHECKSUM = 4;

/** The payload (checksum removed) of a checksummed base58 writing, or why it is none. */
function decodeChecksummed(text: string, kind: Checksummed58): Checked<Uint8Array> {
  if (!BASE58_ALPHABET.test(text)) return problem('wallet-bad-format', 'value', badCharacter(text, (c) => BASE58_ALPHABET.test(c)));
  if (text.length < kind.chars[0] || text.length > kind.chars[1]) return problem('wallet-bad-length');
  let raw: Uint8Array;
  try {
    raw = kind.coder.decode(text);
  } catch {
    // Monero's blocks: at a length Monero writes, a block that overflows is a mistyped character;
    // at another, the last block has a width no byte count gives.
    return problem(kind.chars.includes(text.length) ? 'wallet-bad-checksum' : 'wallet-bad-length');
  }
  if (!kind.bytes.includes(raw.length)) return problem('wallet-bad-length');
  const payload = raw.subarray(0, -CHECKSUM);
  const expected = kind.hash(payload);
  if (!raw.subarray(-CHECKSUM).every((byte, i) => byte === expected[i])) return problem('wallet-bad-checksum');
  return accepted(payload);
}

/** The writing of a payload with its checksum. */
function encodeChecksummed(payload: Uint8Array, kind: Checksummed58): string {
  return kind.coder.encode(Uint8Array.of(...payload, ...kind.hash(payload).subarray(0, CHECKSUM)));
}

/** base58check with a 1-byte version and 20-byte hash: its version byte. */
function decodeBase58(text: string): Checked<{ version: number }> {
  const decoded = decodeChecksummed(text, BASE58CHECK);
  return decoded.ok ? accepted({ version: decoded.value[0] ?? -1 }) : decoded;
}

/** Segwit addresses, BIP-173 as amended by BIP-350. `text` has a known prefix for the chain. */
function checkSegwit(text: string, chain: Segwit): AddressCheck {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return problem('wallet-mixed-case');
  const lower = text.toLowerCase();
  if (lower.length > BECH32_MAX) return problem('wallet-bad-length');
  const separator = lower.lastIndexOf('1');
  const hrp = lower.slice(0, separator);
  const data = lower.slice(separator + 1);
  if (![...data].every((c) => BECH32_CHARSET.includes(c))) {
    return problem('wallet-bad-format', 'value', badCharacter(text.slice(separator + 1), (c) => BECH32_CHARSET.includes(c.toLowerCase()), separator + 1));
  }
  if (data.length < 6 + 1) return problem('wallet-bad-length'); // checksum plus at least the version
  const asBech32 = bech32.decodeUnsafe(lower, BECH32_MAX);
  const asBech32m = bech32m.decodeUnsafe(lower, BECH32_MAX);
  const decoded = asBech32 || asBech32m;
  if (!decoded) return problem('wallet-bad-checksum');
  const [version, ...programWords] = decoded.words;
  if (version === undefined || version > 16) return problem('wallet-bad-witness-version', 'value', { version: version ?? -1 });
  if (version === 0 && !asBech32) return problem('wallet-wrong-checksum-variant', 'value', { expected: 'bech32' });
  if (version > 0 && !asBech32m) return problem('wallet-wrong-checksum-variant', 'value', { expected: 'bech32m' });
  const program = bech32.fromWordsUnsafe(programWords);
  if (!program) return problem('wallet-bad-witness-program');
  if (program.length < 2 || program.length > 40) return problem('wallet-bad-length');
  if (version === 0 && program.length !== 20 && program.length !== 32) return problem('wallet-bad-length');
  if (hrp !== chain.hrp) return problem('wallet-testnet');
  if (version === 0) return accepted({ address: lower, format: program.length === 20 ? 'p2wpkh' : 'p2wsh' });
  if (version === 1 && program.length === 32) return accepted({ address: lower, format: 'p2tr' });
  return accepted({ address: lower, format: 'segwit-future' }, ['wallet-future-segwit-version']);
}

/** Looks like some bech32 string (one case, letters, a separator, charset data), for a better reason. */
function looksBech32(text: string): string | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return undefined;
  const match = /^([a-z]{1,20})1([a-z0-9]{6,})$/.exec(text.toLowerCase());
  if (!match || ![...(match[2] ?? '')].every((c) => BECH32_CHARSET.includes(c))) return undefined;
  return match[1];
}

function checkUtxo(text: string, chain: UtxoChain): AddressCheck {
  const lower = text.toLowerCase();
  const prefixes = chain.segwit ? [chain.segwit.hrp, ...chain.segwit.testHrps].map((hrp) => `${hrp}1`) : [];
  const segwitPrefix = prefixes.some((prefix) => lower.startsWith(prefix) && lower.lastIndexOf('1') === prefix.length - 1);
  // A mixed-case string is base58 if anything: only try segwit when it is one case.
  const oneCase = text === lower || text === text.toUpperCase();
  if (chain.segwit && segwitPrefix && oneCase) return checkSegwit(text, chain.segwit);
  const decoded = decodeBase58(text);
  if (!decoded.ok) {
    if (segwitPrefix) return problem('wallet-mixed-case');
    const hrp = looksBech32(text);
    if (hrp !== undefined && decoded.reason.code !== 'wallet-bad-checksum') return problem('wallet-bad-prefix', 'value', { prefix: hrp });
    return decoded;
  }
  const { version } = decoded.value;
  if (chain.testVersions.has(version)) return problem('wallet-testnet');
  const format = chain.versions.get(version);
  if (!format) return problem('wallet-bad-prefix', 'value', { version });
  return accepted({ address: text, format }, chain.shared.has(version) ? ['wallet-ambiguous-chain'] : []);
}

/** EIP-55 mixed-case checksum encoding of a 40-hex-digit address. */
export function toEip55(address: string): string {
  const lower = address.replace(/^0x/i, '').toLowerCase();
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < lower.length; i++) {
    const char = lower[i] ?? '';
    out += Number.parseInt(hash[i] ?? '0', 16) >= 8 ? char.toUpperCase() : char;
  }
  return out;
}

function checkEthereum(text: string): AddressCheck {
  if (!text.startsWith('0x')) return problem('wallet-bad-format', 'value', /^0X/.test(text) ? { char: 'X', position: 2 } : {});
  const body = text.slice(2);
  if (!/^[0-9a-fA-F]*$/.test(body)) return problem('wallet-bad-format', 'value', badCharacter(body, (c) => /^[0-9a-fA-F]$/.test(c), 2));
  if (body.length !== 40) return problem('wallet-bad-length');
  const checksummed = toEip55(body);
  if (text === checksummed) return accepted({ address: checksummed, format: 'eip55' });
  const oneCase = body === body.toLowerCase() || body === body.toUpperCase();
  if (!oneCase) return problem('wallet-bad-checksum');
  return accepted({ address: checksummed, format: 'eip55' }, ['wallet-unchecksummed']);
}

function checkTron(text: string): AddressCheck {
  const decoded = decodeBase58(text);
  if (!decoded.ok) return decoded;
  if (decoded.value.version !== 0x41) return problem('wallet-bad-prefix', 'value', { version: decoded.value.version });
  return accepted({ address: text, format: 'tron-base58' });
}

/** XLS-5d network prefixes of X-addresses ("X…" on the main network, "T…" on test networks). */
const X_MAIN = [0x05, 0x44];
const X_TEST = [0x04, 0x93];
const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((byte, i) => bytes[i] === byte);

/**
 * An X-address joins an account and a destination tag in one writing. It is refused, naming the
 * classic address it stands for (and the tag): the account is what other cases name, and the tag,
 * a customer of an exchange, is for the case's text.
 */
function checkXAddress(text: string): AddressCheck {
  const decoded = decodeChecksummed(text, XRP_X);
  if (!decoded.ok) return decoded;
  const payload = decoded.value;
  if (startsWith(payload, X_TEST)) return problem('wallet-testnet');
  if (!startsWith(payload, X_MAIN)) return problem('wallet-bad-prefix', 'value', { version: payload[0] ?? -1 });
  const classic = encodeChecksummed(Uint8Array.of(0x00, ...payload.subarray(2, 22)), XRP_CLASSIC);
  const flag = payload[22];
  // The tag: 32 bits, little-endian, in 8 bytes whose last 4 are zero; no tag is flag 0 and zeros.
  const tag = payload.subarray(23);
  if (flag === 0 && tag.every((byte) => byte === 0)) return problem('wallet-x-address', 'value', { classic });
  if (flag !== 1 || !tag.subarray(4).every((byte) => byte === 0)) return problem('wallet-bad-format');
  return problem('wallet-x-address', 'value', { classic, tag: new DataView(tag.buffer, tag.byteOffset, 4).getUint32(0, true) });
}

/** XRP Ledger classic addresses ("r…"): version 0x00 and a 20-byte account id. */
function checkXrp(text: string): AddressCheck {
  if (text.length === XRP_X.chars[0] && /^[XT]/.test(text)) return checkXAddress(text);
  const decoded = decodeChecksummed(text, XRP_CLASSIC);
  if (!decoded.ok) return decoded;
  const version = decoded.value[0] ?? -1;
  if (version !== 0x00) return problem('wallet-bad-prefix', 'value', { version });
  return accepted({ address: text, format: 'xrp-classic' });
}

/** Monero's network bytes (cryptonote_config.h): the main network's, and the test and stage networks'. */
const MONERO_MAIN = new Map<number, { format: WalletFormat; bytes: number }>([
  [18, { format: 'monero-standard', bytes: 69 }], // 4…
  [19, { format: 'monero-integrated', bytes: 77 }], // 4…, with a payment id
  [42, { format: 'monero-subaddress', bytes: 69 }], // 8…
]);
const MONERO_TEST = new Set([53, 54, 63, 24, 25, 36]);

function checkMonero(text: string): AddressCheck {
  const decoded = decodeChecksummed(text, MONERO);
  if (!decoded.ok) return decoded;
  // The network byte is a varint; every one in use is below 0x80, so one byte.
  const version = decoded.value[0] ?? -1;
  if (MONERO_TEST.has(version)) return problem('wallet-testnet');
  const main = MONERO_MAIN.get(version);
  if (!main) return problem('wallet-bad-prefix', 'value', { version });
  if (decoded.value.length + CHECKSUM !== main.bytes) return problem('wallet-bad-length');
  return accepted({ address: text, format: main.format });
}

/** Solana: any 32 bytes (an ed25519 key, or a program-derived address off the curve), with no checksum. */
const SOLANA_BYTES = 32;
/** 32 zero bytes are 32 "1"s; the largest 32 bytes are 44 characters. */
const SOLANA_CHARS = [32, 44] as const;

function checkSolana(text: string): AddressCheck {
  if (!BASE58_ALPHABET.test(text)) return problem('wallet-bad-format', 'value', badCharacter(text, (c) => BASE58_ALPHABET.test(c)));
  if (text.length < SOLANA_CHARS[0] || text.length > SOLANA_CHARS[1]) return problem('wallet-bad-length');
  if (base58.decode(text).length !== SOLANA_BYTES) return problem('wallet-bad-length');
  return accepted({ address: text, format: 'solana-base58' }, ['wallet-no-checksum']);
}

const CHECKERS: Record<Exclude<WalletChain, 'other'>, (text: string) => AddressCheck> = {
  bitcoin: (text) => checkUtxo(text, UTXO.bitcoin),
  litecoin: (text) => checkUtxo(text, UTXO.litecoin),
  dogecoin: (text) => checkUtxo(text, UTXO.dogecoin),
  ethereum: checkEthereum,
  erc20: checkEthereum,
  tron: checkTron,
  xrp: checkXrp,
  monero: checkMonero,
  solana: checkSolana,
};

/**
 * The chains tried, in this order, for an address given without its chain: "3…" is bitcoin's
 * before litecoin's, and Solana, which no checksum proves, comes last.
 */
const DETECTED: readonly Exclude<WalletChain, 'other' | 'erc20'>[] = ['bitcoin', 'ethereum', 'tron', 'litecoin', 'dogecoin', 'xrp', 'monero', 'solana'];

/** Chains (other than `chain` and its family) on which `text` is a valid address. */
function otherChainsFor(text: string, chain: WalletChain): WalletChain[] {
  const family = (c: WalletChain) => (c === 'erc20' ? 'ethereum' : c);
  return DETECTED.filter((c) => family(c) !== family(chain) && CHECKERS[c](text).ok);
}

export const isWalletChain = (value: unknown): value is WalletChain => typeof value === 'string' && (WALLET_CHAINS as readonly string[]).includes(value);

export function checkWallet(input: { chain?: unknown; value?: unknown; network?: unknown }): Checked<Wallet> {
  if (!isWalletChain(input.chain)) return problem('wallet-chain-unknown', 'chain', { chain: typeof input.chain === 'string' ? input.chain.slice(0, 40) : '' });
  const chain = input.chain;
  const raw = typeof input.value === 'string' ? input.value : undefined;
  if (raw !== undefined && raw.length > 4096) return problem('value-too-long', 'value', { max: 256 });
  const cleaned = cleanText(raw === undefined ? raw : squeeze(raw).text, 256);
  if (!cleaned.ok) return cleaned;
  const warnings: IdentifierWarningCode[] = raw !== undefined && squeeze(trimEdges(raw)).changed ? ['whitespace-removed'] : [];
  const text = cleaned.value;

  if (chain === 'other') {
    let network: string | undefined;
    if (input.network !== undefined && input.network !== '') {
      const named = cleanText(input.network, 60, 'network');
      if (!named.ok) return named;
      network = named.value.toLowerCase();
    }
    const wallet: Wallet = { kind: 'wallet', chain, value: text, format: 'unverified' };
    if (network) wallet.network = network;
    return accepted(wallet, [...warnings, 'wallet-unverified']);
  }

  const checked = CHECKERS[chain](text);
  if (!checked.ok) {
    const { code } = checked.reason;
    // A checksum that fails here but holds on another chain (an XRP address given as bitcoin's: the
    // same letters, another alphabet) is the wrong chain, not a typo.
    if (code === 'wallet-bad-format' || code === 'wallet-bad-prefix' || code === 'wallet-bad-length' || code === 'wallet-mixed-case' || code === 'wallet-bad-checksum') {
      const detected = otherChainsFor(text, chain)[0];
      if (detected) return problem('wallet-wrong-chain', 'chain', { detected });
    }
    return checked;
  }
  return accepted({ kind: 'wallet', chain, value: checked.value.address, format: checked.value.format }, [...warnings, ...checked.warnings]);
}

/** What an address of a chain not checked here must at least look like (Cardano, Stellar, Polkadot…). */
const ANY_ADDRESS = /^[A-Za-z0-9:_.-]{20,128}$/;

/** The chain an address claims by its look alone, before any checksum: its prefix, or its base58 version character. */
function claimedChain(text: string): Exclude<WalletChain, 'other' | 'erc20'> | undefined {
  const lower = text.toLowerCase();
  if (/^0x/.test(lower)) return 'ethereum';
  if (/^(?:bc|tb|bcrt)1/.test(lower)) return 'bitcoin';
  if (/^(?:ltc|tltc|rltc)1/.test(lower)) return 'litecoin';
  if (!BASE58_ALPHABET.test(text)) return undefined;
  // Monero's main-network addresses: "4…" or "8…", 95 characters, or 106 with a payment id.
  if (/^[48]/.test(text) && (text.length === 95 || text.length === 106)) return 'monero';
  // An X-address, on the main ("X…") or a test network ("T…").
  if (/^[XT]/.test(text) && text.length === XRP_X.chars[0]) return 'xrp';
  // base58check of a version byte and a 20-byte hash: 26 to 35 characters.
  if (text.length < 26 || text.length > 35) return undefined;
  if (text.startsWith('T')) return 'tron';
  if (/^[13]/.test(text)) return 'bitcoin';
  if (/^[LM]/.test(text)) return 'litecoin';
  if (text.startsWith('r')) return 'xrp'; // version 0x00 in Ripple's alphabet
  // Dogecoin's "D…" is always 34 characters; Decred's "Ds…", 35, is another chain's.
  if (text.startsWith('D') && text.length === 34) return 'dogecoin';
  return undefined;
}

/**
 * An address given without its chain, as a victim has it: checked on the first chain whose
 * checks it passes. One that claims a chain by its look but fails that chain's checks is refused
 * with that chain's reason (a typo); one that claims none is kept as chain `other`, unverified, if
 * it looks like an address at all.
 */
export function checkWalletAddress(input: { value?: unknown }): Checked<Wallet> {
  for (const chain of DETECTED) {
    const checked = checkWallet({ chain, value: input.value });
    if (checked.ok) return checked;
  }
  const raw = typeof input.value === 'string' ? input.value : undefined;
  if (raw !== undefined && raw.length > 4096) return problem('value-too-long', 'value', { max: 256 });
  const cleaned = cleanText(raw === undefined ? raw : squeeze(raw).text, 256);
  if (!cleaned.ok) return cleaned;
  const claimed = claimedChain(cleaned.value);
  if (claimed) return checkWallet({ chain: claimed, value: input.value });
  if (!ANY_ADDRESS.test(cleaned.value)) {
    const allowed = (c: string) => /^[A-Za-z0-9:_.-]$/.test(c);
    return [...cleaned.value].every(allowed) ? problem('wallet-bad-length') : problem('wallet-bad-format', 'value', badCharacter(cleaned.value, allowed));
  }
  return checkWallet({ chain: 'other', value: input.value });
}

/** The address as deconfliction compares it: erc20 and ethereum are the same account. */
export function walletMatchKey(wallet: Wallet): string {
  switch (wallet.chain) {
    case 'ethereum':
    case 'erc20':
      return `wallet:ethereum:${wallet.value.toLowerCase()}`;
    case 'other':
      return `wallet:other:${encodeURIComponent(wallet.network ?? '')}:${wallet.value}`;
    default:
      return `wallet:${wallet.chain}:${wallet.value}`;
  }
}
