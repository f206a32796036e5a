import { KINDS } from '../requests/kinds.ts';
import { opens } from '../requests/machine.ts';

/**
 * How a request that left ended, as the statistics count it:
 * - executed: the executor did what was asked (the data disclosed, the assistance given, the information provided);
 * - expired: the measure was taken and ran its course (data preserved until the period ended, assets frozen until the freeze lapsed);
 * - partially: withdrawn after the executor had given part of its answer;
 * - refused: refused or declined by the executor, or a consultation that ended in a refusal;
 * - withdrawn: the requester gave up before any answer.
 */
export const OUTCOMES = ['executed', 'expired', 'partially', 'refused', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** The outcomes in which the executor did what was asked: the numerator of the success rate. */
export const SUCCESSES: readonly Outcome[] = ['executed', 'expired'];

/** Each final state's outcome; a final state reached only before the request leaves (a discarded draft) has none. */
const OUTCOME_OF_STATE: Readonly<Record<string, Outcome>> = {
  disclosed: 'executed', executed: 'executed', released: 'executed', provided: 'executed', decided: 'executed',
  expired: 'expired', lapsed: 'expired',
  refused: 'refused', declined: 'refused',
  withdrawn: 'withdrawn',
};
/** States in which the executor has answered in part: a request withdrawn from one of them was partially executed. */
export const PARTIAL_STATES: readonly string[] = ['partially-executed', 'traced'];

const machines = Object.values(KINDS).map((kind) => kind.machine);

/** (kind, action) pairs of the steps that send a request: the time taken counts from the first of them. */
export const OPENING_STEPS = machines.flatMap((machine) => machine.transitions.filter((t) => opens(machine, t)).map((t) => [machine.kind, t.action] as const));

/** (kind, final state, outcome) triples; a new kind whose final state has no outcome fails here, when the node starts. */
export const FINAL_OUTCOMES = machines.flatMap((machine) =>
  machine.final
    .filter((state) => machine.transitions.some((t) => t.to === state && !t.local))
    .map((state) => {
      const outcome = OUTCOME_OF_STATE[state];
      if (!outcome) throw new Error(`the final state ${state} of ${machine.kind} requests has no outcome for the statistics`);
      return [machine.kind, state, outcome] as const;
    }),
);
