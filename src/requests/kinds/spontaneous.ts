import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { Machine } from '../machine.ts';
import { IdentifierSchema } from '../identifiers.ts';
import { Comment, Empty, Files, Leaving, Reasoned, Remark, Text, facts } from './common.ts';

/**
 * Spontaneous information (Budapest Convention art. 26, UNTOC art. 18(4)): a State offers what it
 * found that may help another, on conditions. The offer says what it is about and the conditions;
 * the information itself follows only once the receiving State has accepted them and is bound by
 * them (art. 26(2)). A State that cannot comply declines, and the information stays home.
 */
export const SPONTANEOUS_STATES = ['draft', 'discarded', 'offered', 'accepted', 'declined', 'provided', 'withdrawn'] as const;
export type SpontaneousState = (typeof SPONTANEOUS_STATES)[number];

const SENDING: readonly Role[] = ['investigator', 'contact_point', 'central_authority', 'analyst'];
const RECEIVING: readonly Role[] = ['contact_point', 'central_authority', 'investigator'];

/** Conditions a providing State may set on the use of what it gives. */
export const USE_CONDITIONS = ['confidential', 'stated-purpose-only', 'no-onward-transmission', 'consult-before-evidence', 'police-use-only'] as const;

export const spontaneous: Machine<SpontaneousState> = {
  kind: 'spontaneous',
  states: SPONTANEOUS_STATES,
  initial: 'draft',
  drafting: ['draft'],
  final: ['discarded', 'declined', 'provided', 'withdrawn'],
  transitions: [
    { action: 'offer', from: ['draft'], to: 'offered', by: 'requester', roles: SENDING, dueInHours: 24 * 7 },
    { action: 'discard', from: ['draft'], to: 'discarded', by: 'requester', roles: SENDING, local: true },
    { action: 'accept-conditions', from: ['offered'], to: 'accepted', by: 'executor', roles: RECEIVING, dueInHours: 24 * 7 },
    { action: 'decline', from: ['offered'], to: 'declined', by: 'executor', roles: RECEIVING },
    { action: 'provide', from: ['accepted'], to: 'provided', by: 'requester', roles: SENDING },
    { action: 'withdraw', from: ['offered', 'accepted'], to: 'withdrawn', by: 'requester', roles: SENDING },
  ],
};

export const SpontaneousFields = Type.Object({
  ...facts,
  conditions: Type.Array(StringEnum(USE_CONDITIONS), { uniqueItems: true, default: [] }),
  conditionsText: Type.Optional(Type.String({ maxLength: 2000, description: 'further conditions, in words' })),
  identifiers: Type.Array(IdentifierSchema, { maxItems: 100, default: [] }),
}, { additionalProperties: false });

export const spontaneousNotes = {
  offer: Leaving,
  discard: Empty,
  'accept-conditions': Remark,
  decline: Reasoned,
  provide: Type.Object({ information: Text(16_000), files: Type.Optional(Files) }, { additionalProperties: false }),
  withdraw: Type.Object({ comment: Comment }, { additionalProperties: false }),
} satisfies Record<(typeof spontaneous.transitions)[number]['action'], TSchema>;
