/**
 * The database as a STIX 2.1 bundle of indicators (docs/decisions/0009-wallets-in-stix.md): one
 * indicator an address, its pattern on the `cryptocurrency-wallet` observable of the STIX
 * extensions community, marked with a TLP 2.0 marking. Who added it, and the reports and cases it
 * is tied to, stay on the node.
 */
import { randomUUID } from 'node:crypto';
import { patternString } from '../stix/pattern.ts';
import { TLP_ID, TLP_LEVELS, type TlpLevel } from '../stix/tlp.ts';
import type { ExportedWallet } from './store.ts';

/** STIX timestamps carry milliseconds and Z; a day seen starts at midnight UTC. */
const dayStart = (day: string) => `${day}T00:00:00.000Z`;

export function walletIndicator(wallet: ExportedWallet, marking: TlpLevel): Record<string, unknown> {
  const network = wallet.chain === 'other' ? wallet.network ?? 'other' : wallet.chain;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${wallet.id}`,
    created: wallet.addedAt,
    modified: wallet.addedAt,
    name: `${network} address used for ${wallet.abuseType}`,
    indicator_types: ['malicious-activity'],
    pattern: `[cryptocurrency-wallet:address = ${patternString(wallet.address)}]`,
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: wallet.firstSeen ? dayStart(wallet.firstSeen) : wallet.addedAt,
    labels: [wallet.abuseType, network],
    object_marking_refs: [TLP_ID[marking]],
    x_entraide_chain: network,
    x_entraide_source: wallet.source,
  };
}

/**
 * `self`: this node's id. An entry a peer reported was shared with this node as TLP:GREEN at most:
 * exported, it keeps at least that marking whatever the export asks for.
 */
export function walletBundle(wallets: readonly ExportedWallet[], marking: TlpLevel, self: string): { type: 'bundle'; id: string; objects: Record<string, unknown>[] } {
  const peers: TlpLevel = TLP_LEVELS.indexOf(marking) < TLP_LEVELS.indexOf('green') ? 'green' : marking;
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects: wallets.map((wallet) => walletIndicator(wallet, wallet.source === self ? marking : peers)) };
}
