import type { TSchema } from 'typebox';
import type { Machine, Transition } from './machine.ts';
import { DisclosureFields, disclosure, disclosureNotes } from './kinds/disclosure.ts';
import { MlaFields, mla, mlaNotes } from './kinds/mla.ts';
import { PreservationFields, preservation, preservationDue, preservationNotes } from './kinds/preservation.ts';

/** A kind of request: its state machine, what a request of it says, and what each step may say. */
export interface Kind {
  machine: Machine;
  fields: TSchema;
  notes: Record<string, TSchema>;
  /** Leaves only with the signed approval of a prosecutor or judge other than its drafter (MISSION: four-eyes). */
  fourEyes?: true;
  /** Answers from the node a request was forwarded to that become the forwarding node's own answer. */
  passUp?: readonly string[];
  /** When the party whose turn it is must act by, where the step itself says (a preservation period); else `dueInHours`. */
  dueAt?: (transition: Transition, fields: Record<string, unknown>, note: Record<string, unknown>, at: Date) => Date | undefined;
}

export const KINDS = {
  preservation: { machine: preservation, fields: PreservationFields, notes: preservationNotes, passUp: ['confirm-preserved', 'refuse'], dueAt: preservationDue },
  disclosure: { machine: disclosure, fields: DisclosureFields, notes: disclosureNotes, fourEyes: true, passUp: ['disclose', 'refuse'] },
  mla: { machine: mla, fields: MlaFields, notes: mlaNotes, fourEyes: true },
} satisfies Record<string, Kind>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];
export const kindOf = (name: string): Kind | undefined => (KINDS as Record<string, Kind>)[name];
