import type { TSchema } from 'typebox';
import type { Machine, Transition } from './machine.ts';
import type { AlertReason } from './alerts.ts';
import { DisclosureFields, disclosure, disclosureNotes } from './kinds/disclosure.ts';
import { EmergencyFields, emergency, emergencyDue, emergencyNotes } from './kinds/emergency.ts';
import { ExtraditionFields, extradition, extraditionNotes } from './kinds/extradition.ts';
import { FreezingFields, freezing, freezingDue, freezingNotes } from './kinds/freezing.ts';
import { SpontaneousFields, spontaneous, spontaneousNotes } from './kinds/spontaneous.ts';
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
  /** The provider confirms the request's origin over a second channel, with a code only the requesting desk sees. */
  confirmation?: true;
  /** Steps of the other side that page this node's 24/7 desk when they arrive. */
  alerts?: Readonly<Record<string, AlertReason>>;
  /** States in which the executor has given its answer (the data, the evidence, a refusal): response times end there. */
  answered: readonly string[];
}

export const KINDS = {
  preservation: {
    machine: preservation, fields: PreservationFields, notes: preservationNotes, answered: ['preserved', 'refused'], passUp: ['confirm-preserved', 'refuse'], dueAt: preservationDue,
  },
  disclosure: { machine: disclosure, fields: DisclosureFields, notes: disclosureNotes, answered: ['disclosed', 'refused'], fourEyes: true, passUp: ['disclose', 'refuse'] },
  mla: { machine: mla, fields: MlaFields, notes: mlaNotes, answered: ['partially-executed', 'executed', 'refused'], fourEyes: true },
  emergency: {
    machine: emergency, fields: EmergencyFields, notes: emergencyNotes, answered: ['disclosed', 'refused'], fourEyes: true, confirmation: true,
    passUp: ['disclose', 'refuse'], dueAt: emergencyDue, alerts: { approve: 'emergency', 'ask-confirmation': 'confirmation' },
  },
  spontaneous: { machine: spontaneous, fields: SpontaneousFields, notes: spontaneousNotes, answered: ['accepted', 'declined'] },
  freezing: { machine: freezing, fields: FreezingFields, notes: freezingNotes, answered: ['traced', 'frozen', 'refused'], fourEyes: true, dueAt: freezingDue },
  extradition: { machine: extradition, fields: ExtraditionFields, notes: extraditionNotes, answered: ['answered'] },
} satisfies Record<string, Kind>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];
export const kindOf = (name: string): Kind | undefined => (KINDS as Record<string, Kind>)[name];

/** Whether nothing more happens to a request in this state. */
export const isFinal = (row: { kind: string; state: string }): boolean => kindOf(row.kind)?.machine.final.includes(row.state) ?? false;
