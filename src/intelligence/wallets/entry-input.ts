/**
 * What an investigator or analyst gives for an abusive address, checked: the address by its chain's
 * checksum (src/platform/identifiers/wallets.ts, the same checks as a request's identifiers), the
 * amount as an exact decimal of an asset, the days it was seen. Problems are codes with params, told
 * in the reader's language by the page or the API.
 */
import { Type } from 'typebox';
import { WALLET_CHAINS, type Wallet } from '../../platform/identifiers/index.ts';
import { checkWallet, checkWalletAddress, walletMatchKey } from '../../platform/identifiers/wallets.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { FieldProblem } from '../../requests/field-problems.ts';

export const ABUSE_TYPES = ['scam', 'ransomware', 'sextortion', 'darknet-market', 'mixer', 'theft', 'phishing', 'other'] as const;
export type AbuseType = (typeof ABUSE_TYPES)[number];

const Day = Type.String({ format: 'date' });

/** The chain is free text here so that an unknown one is told as such, not as a schema mismatch. */
export const ChainField = Type.String({ maxLength: 60, description: `one of ${WALLET_CHAINS.join(', ')}; left out, it is told from the address` });

export const NewWalletSchema = Type.Object({
  chain: Type.Optional(ChainField),
  address: Type.String({ maxLength: 500 }),
  network: Type.Optional(Type.String({ maxLength: 60, description: 'for chain `other`: which network' })),
  abuseType: StringEnum(ABUSE_TYPES),
  amount: Type.Optional(Type.Object({
    value: Type.String({ maxLength: 80, description: 'a decimal number with a point, exact: never a binary float' }),
    asset: Type.String({ maxLength: 40 }),
    decimals: Type.Integer({ minimum: 0, maximum: 36 }),
  }, { additionalProperties: false })),
  firstSeen: Type.Optional(Day),
  lastSeen: Type.Optional(Day),
}, { additionalProperties: false });

export interface NewWallet {
  chain?: string | undefined;
  address: string;
  network?: string | undefined;
  abuseType: AbuseType;
  amount?: { value: string; asset: string; decimals: number } | undefined;
  firstSeen?: string | undefined;
  lastSeen?: string | undefined;
}

export interface CheckedWallet {
  wallet: Wallet;
  key: string;
  abuseType: AbuseType;
  amount: { value: string; asset: string; decimals: number } | null;
  firstSeen: string | null;
  lastSeen: string | null;
}

const AMOUNT = /^(\d{1,40})(?:\.(\d{1,36}))?$/;
const ASSET = /^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$/;

const refused = (field: string, problem: string, params: Record<string, unknown> = {}): FieldProblem => ({ field, problem, params });

/** The address on the chain given, or on the chain its writing tells when none is. */
export function checkAddress(address: unknown, chain: unknown, network?: unknown): { wallet: Wallet } | { problem: FieldProblem } {
  const given = chain === undefined || chain === '' ? undefined : chain;
  const checked = given === undefined ? checkWalletAddress({ value: address }) : checkWallet({ chain: given, value: address, network });
  if (checked.ok) return { wallet: checked.value };
  const field = checked.reason.field === 'chain' ? '/chain' : '/address';
  return { problem: refused(field, checked.reason.code, checked.reason.params) };
}

/**
 * The keys under which an address may be listed: one when its chain is given or its writing
 * allows one only; several when the same writing is valid on several chains (a "3…" address is
 * bitcoin's and, in its old form, litecoin's), so that a lookup finds every reading of it.
 */
export function lookupKeys(address: unknown, chain: unknown): { wallet: Wallet; keys: string[] } | { problem: FieldProblem } {
  const checked = checkAddress(address, chain);
  if ('problem' in checked) return checked;
  if (chain !== undefined && chain !== '') return { wallet: checked.wallet, keys: [walletMatchKey(checked.wallet)] };
  const readings = WALLET_CHAINS.filter((candidate) => candidate !== 'other' && candidate !== 'erc20')
    .map((candidate) => checkWallet({ chain: candidate, value: address }))
    .flatMap((reading) => (reading.ok ? [walletMatchKey(reading.value)] : []));
  return { wallet: checked.wallet, keys: [...new Set([walletMatchKey(checked.wallet), ...readings])] };
}

function checkAmount(amount: NonNullable<NewWallet['amount']>, problems: FieldProblem[]): CheckedWallet['amount'] {
  const match = AMOUNT.exec(amount.value.trim());
  if (!match) problems.push(refused('/amount/value', 'amount-invalid'));
  else if ((match[2]?.length ?? 0) > amount.decimals) problems.push(refused('/amount/value', 'amount-too-precise', { decimals: amount.decimals }));
  const asset = amount.asset.trim();
  if (!ASSET.test(asset)) problems.push(refused('/amount/asset', 'asset-invalid'));
  return { value: amount.value.trim(), asset: asset.toUpperCase(), decimals: amount.decimals };
}

/** Every problem of a new entry at once, or the entry in its stored form. */
export function checkNewWallet(input: NewWallet): { entry: CheckedWallet } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const address = checkAddress(input.address, input.chain, input.network);
  if ('problem' in address) problems.push(address.problem);
  const amount = input.amount ? checkAmount(input.amount, problems) : null;
  const firstSeen = input.firstSeen ?? null;
  const lastSeen = input.lastSeen ?? null;
  if (firstSeen && lastSeen && lastSeen < firstSeen) problems.push(refused('/lastSeen', 'dates-reversed'));
  if (problems.length > 0 || 'problem' in address) return { problems };
  return { entry: { wallet: address.wallet, key: walletMatchKey(address.wallet), abuseType: input.abuseType, amount, firstSeen, lastSeen } };
}
