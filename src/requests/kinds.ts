import type { TSchema } from 'typebox';
import type { Machine } from './machine.ts';
import { PreservationFields, preservation, preservationNotes } from './kinds/preservation.ts';

/** A kind of request: its state machine, what a request of it says, and what each step may say. */
export interface Kind {
  machine: Machine;
  fields: TSchema;
  notes: Record<string, TSchema>;
}

export const KINDS = {
  preservation: { machine: preservation, fields: PreservationFields, notes: preservationNotes },
} satisfies Record<string, Kind>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];
export const kindOf = (name: string): Kind | undefined => (KINDS as Record<string, Kind>)[name];
