/**
 * Cryptocurrency addresses: bitcoin and litecoin (base58check and segwit bech32 / bech32m),
 * ethereum and erc20 (EIP-55), TRON (base58check, version 0x41), and `other` kept as written.
 *
 * The encodings come from @scure/base and the hashes from @noble/hashes (both audited); this
 * file only says which version bytes, prefixes and lengths each chain uses (BIP-13, BIP-141,
 * BIP-173, BIP-350, EIP-55).
 */
import { base58, bech32, bech32m, createBase58check } from '@scure/base';
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

const base58check = createBase58check(sha256);
const BASE58_ALPHABET = /^[1-9A-HJ-NP-Za-km-z]*$/;
const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** BIP-173: a bech32 string is at most 90 characters. */
const BECH32_MAX = 90;

interface UtxoChain {
  /** base58check version byte → format, on the main network. */
  versions: ReadonlyMap<number, WalletFormat>;
  /** Versions that another chain also uses for the same bytes: accepted with a warning. */
  shared: ReadonlySet<number>;
  testVersions: ReadonlySet<number>;
  hrp: string;
  testHrps: readonly string[];
}

const UTXO: Record<'bitcoin' | 'litecoin', UtxoChain> = {
  bitcoin: {
    versions: new Map([
      [0x00, 'p2pkh'],
      [0x05, 'p2sh'],
    ]),
    shared: new Set(),
    testVersions: new Set([0x6f, 0xc4]),
    hrp: 'bc',
    testHrps: ['tb', 'bcrt'],
  },
  litecoin: {
    versions: new Map([
      [0x30, 'p2pkh'], // L…
      [0x32, 'p2sh'], // M…
      [0x05, 'p2sh'], // 3…: the old litecoin P2SH version, the same bytes as bitcoin's
    ]),
    shared: new Set([0x05]),
    testVersions: new Set([0x6f, 0xc4, 0x3a]),
    hrp: 'ltc',
    testHrps: ['tltc', 'rltc'],
  },
};

type AddressCheck = Checked<{ address: string; format: WalletFormat }>;

/** The first character outside an alphabet, as problem params. */
function badCharacter(text: string, allowed: (char: string) => boolean): Record<string, string | number> {
  const chars = [...text];
  const position = chars.findIndex((char) => !allowed(char));
  return position < 0 ? {} : { char: chars[position] ?? '', position: position + 1 };
}

/** base58check with a 1-byte version and 20-byte hash (25 bytes with the checksum). */
function decodeBase58(text: string): Checked<{ version: number }> {
  if (!BASE58_ALPHABET.test(text)) return problem('wallet-bad-format', 'value', badCharacter(text, (c) => BASE58_ALPHABET.test(c)));
  if (text.length < 20 || text.length > 40) return problem('wallet-bad-length');
  let raw: Uint8Array;
  try {
    raw = base58.decode(text);
  } catch {
    return problem('wallet-bad-format');
  }
  if (raw.length !== 25) return problem('wallet-bad-length');
  let payload: Uint8Array;
  try {
    payload = base58check.decode(text);
  } catch {
    return problem('wallet-bad-checksum');
  }
  return accepted({ version: payload[0] ?? -1 });
}

/** Segwit addresses, BIP-173 as amended by BIP-350. `text` has a known prefix for the chain. */
function checkSegwit(text: string, chain: UtxoChain): AddressCheck {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return problem('wallet-mixed-case');
  const lower = text.toLowerCase();
  if (lower.length > BECH32_MAX) return problem('wallet-bad-length');
  const separator = lower.lastIndexOf('1');
  const hrp = lower.slice(0, separator);
  const data = lower.slice(separator + 1);
  if (![...data].every((c) => BECH32_CHARSET.includes(c))) {
    return problem('wallet-bad-format', 'value', badCharacter(text.slice(separator + 1), (c) => BECH32_CHARSET.includes(c.toLowerCase())));
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
  const prefixes = [chain.hrp, ...chain.testHrps].map((hrp) => `${hrp}1`);
  const segwitPrefix = prefixes.some((prefix) => lower.startsWith(prefix) && lower.lastIndexOf('1') === prefix.length - 1);
  // A mixed-case string is base58 if anything: only try segwit when it is one case.
  const oneCase = text === lower || text === text.toUpperCase();
  if (segwitPrefix && oneCase) return checkSegwit(text, chain);
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
  if (!/^[0-9a-fA-F]*$/.test(body)) return problem('wallet-bad-format', 'value', badCharacter(body, (c) => /^[0-9a-fA-F]$/.test(c)));
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

const CHECKERS: Record<Exclude<WalletChain, 'other'>, (text: string) => AddressCheck> = {
  bitcoin: (text) => checkUtxo(text, UTXO.bitcoin),
  litecoin: (text) => checkUtxo(text, UTXO.litecoin),
  ethereum: checkEthereum,
  erc20: checkEthereum,
  tron: checkTron,
};

/** Chains (other than `chain` and its family) on which `text` is a valid address. */
function otherChainsFor(text: string, chain: WalletChain): WalletChain[] {
  const family = (c: WalletChain) => (c === 'erc20' ? 'ethereum' : c);
  return (['bitcoin', 'litecoin', 'ethereum', 'tron'] as const).filter((c) => family(c) !== family(chain) && CHECKERS[c](text).ok);
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
    if (code === 'wallet-bad-format' || code === 'wallet-bad-prefix' || code === 'wallet-bad-length' || code === 'wallet-mixed-case') {
      const detected = otherChainsFor(text, chain)[0];
      if (detected) return problem('wallet-wrong-chain', 'chain', { detected });
    }
    return checked;
  }
  return accepted({ kind: 'wallet', chain, value: checked.value.address, format: checked.value.format }, [...warnings, ...checked.warnings]);
}

/** The chains tried, in this order, for an address given without its chain ("3…" is bitcoin's before litecoin's). */
const DETECTED: readonly Exclude<WalletChain, 'other' | 'erc20'>[] = ['bitcoin', 'ethereum', 'tron', 'litecoin'];
/** What an address of a chain not checked here must at least look like (Solana, XRP, Monero…). */
const ANY_ADDRESS = /^[A-Za-z0-9:_.-]{20,128}$/;

/** The chain an address claims by its look alone, before any checksum: its prefix, or its base58 version character. */
function claimedChain(text: string): Exclude<WalletChain, 'other' | 'erc20'> | undefined {
  const lower = text.toLowerCase();
  if (/^0x/.test(lower)) return 'ethereum';
  if (/^(?:bc|tb|bcrt)1/.test(lower)) return 'bitcoin';
  if (/^(?:ltc|tltc|rltc)1/.test(lower)) return 'litecoin';
  // base58check of a version byte and a 20-byte hash: 26 to 35 characters.
  if (!BASE58_ALPHABET.test(text) || text.length < 26 || text.length > 35) return undefined;
  if (text.startsWith('T')) return 'tron';
  if (/^[13]/.test(text)) return 'bitcoin';
  if (/^[LM]/.test(text)) return 'litecoin';
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
