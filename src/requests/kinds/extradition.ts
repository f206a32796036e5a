import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { Machine } from '../machine.ts';
import { Comment, Empty, Files, Leaving, Text } from './common.ts';
import { OFFENCE_IDS } from '../offences.ts';
import { LOCALES } from '../../platform/i18n/locales.ts';

/**
 * Consultation before refusing extradition (UN Convention against Cybercrime art. 37; UNTOC art.
 * 16(16); seed 13(kk)): the State asked to extradite, minded to refuse, first tells the requesting
 * State why and hears its opinion and any assurances; its decision then gives its reasons.
 * Here the consulting State is the requester of the consultation.
 */
export const EXTRADITION_STATES = ['draft', 'discarded', 'consulting', 'answered', 'decided', 'withdrawn'] as const;
export type ExtraditionState = (typeof EXTRADITION_STATES)[number];

const AUTHORITY: readonly Role[] = ['central_authority', 'prosecutor'];

export const REFUSAL_REASONS = [
  'nationality', 'political-offence', 'death-penalty', 'torture-risk', 'fair-trial', 'discrimination', 'no-dual-criminality', 'statute-of-limitations',
  'double-jeopardy', 'humanitarian', 'other',
] as const;

export const extradition: Machine<ExtraditionState> = {
  kind: 'extradition',
  states: EXTRADITION_STATES,
  initial: 'draft',
  drafting: ['draft'],
  final: ['discarded', 'decided', 'withdrawn'],
  transitions: [
    { action: 'consult', from: ['draft'], to: 'consulting', by: 'requester', roles: AUTHORITY, dueInHours: 24 * 30 },
    { action: 'discard', from: ['draft'], to: 'discarded', by: 'requester', roles: AUTHORITY, local: true },
    { action: 'give-opinion', from: ['consulting'], to: 'answered', by: 'executor', roles: AUTHORITY, dueInHours: 24 * 30 },
    { action: 'decide', from: ['consulting', 'answered'], to: 'decided', by: 'requester', roles: AUTHORITY },
    { action: 'withdraw', from: ['consulting', 'answered'], to: 'withdrawn', by: 'requester', roles: AUTHORITY },
  ],
};

export const ExtraditionFields = Type.Object({
  /** The extradition request this consultation is about, as the requesting State numbered it. */
  extraditionReference: Text(100),
  /** The person, by reference only: the requesting State knows who it is. */
  personReference: Text(100),
  offence: StringEnum(OFFENCE_IDS),
  summary: Text(4000),
  grounds: Type.Array(StringEnum(REFUSAL_REASONS), { minItems: 1, uniqueItems: true }),
  reasons: Text(8000),
  /** Whether, refusing on the ground of nationality, the State will prosecute itself (aut dedere aut judicare). */
  willProsecute: Type.Boolean({ default: false }),
  language: StringEnum(LOCALES, { default: 'en' }),
}, { additionalProperties: false });

export const extraditionNotes = {
  consult: Leaving,
  discard: Empty,
  'give-opinion': Type.Object({ opinion: Text(8000), assurances: Type.Optional(Text(4000)), files: Type.Optional(Files) }, { additionalProperties: false }),
  decide: Type.Object({ decision: StringEnum(['refused', 'granted', 'prosecuted-domestically'] as const), reasons: Text(8000) }, { additionalProperties: false }),
  withdraw: Type.Object({ comment: Comment }, { additionalProperties: false }),
} satisfies Record<(typeof extradition.transitions)[number]['action'], TSchema>;
