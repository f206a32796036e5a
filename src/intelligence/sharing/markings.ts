/** What TLP 2.0 lets leave this node, checked by the sender and again by the receiver. */
import { TLP_LEVELS, TLP_MARKINGS, markingRefs, tlpOf } from '../stix/tlp.ts';

const AMBER = TLP_LEVELS.indexOf('amber');

/**
 * Whether an object may go to a peer. RED never leaves the node; AMBER and AMBER+STRICT go only to
 * the peers the administrator named for amber, and only when this node produced the object: a
 * peer's AMBER was given to this node, not to the peers it trusts. An object without a TLP marking,
 * or naming a marking this node does not know (a locally made TLP definition, a statement), is
 * handled as AMBER at least: nobody said it may go further.
 */
export function mayShare(object: Record<string, unknown>, namedForAmber: boolean, producedHere: boolean): boolean {
  const known = tlpOf(object);
  const unknownMarking = markingRefs(object).some((ref) => !(ref in TLP_MARKINGS));
  const level = Math.max(known === null ? AMBER : TLP_LEVELS.indexOf(known), unknownMarking ? AMBER : -1);
  if (TLP_LEVELS[level] === 'red') return false;
  return level < AMBER || (namedForAmber && producedHere);
}

/** What a receiver refuses whatever the sender thought: RED must never have left its producer. */
export const mustRefuse = (object: Record<string, unknown>): boolean => tlpOf(object) === 'red';

/** Splits a list into messages of a bounded size: a collection's backlog can be large. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
