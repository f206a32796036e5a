/** What TLP 2.0 lets leave this node, checked by the sender and again by the receiver. */
import { type TlpLevel, tlpOf } from '../stix/tlp.ts';

/**
 * Whether an object may go to a peer. RED never leaves the node; AMBER and AMBER+STRICT go only to
 * the peers the administrator named for amber. An object without a TLP marking is treated as AMBER:
 * its producer said nothing about who may see it, so it goes no further than the peers named for amber.
 */
export function mayShare(object: Record<string, unknown>, namedForAmber: boolean): boolean {
  const level: TlpLevel = tlpOf(object) ?? 'amber';
  if (level === 'red') return false;
  return namedForAmber || (level !== 'amber' && level !== 'amber+strict');
}

/** What a receiver refuses whatever the sender thought: RED must never have left its producer. */
export const mustRefuse = (object: Record<string, unknown>): boolean => tlpOf(object) === 'red';

/** Splits a list into messages of a bounded size: a collection's backlog can be large. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
