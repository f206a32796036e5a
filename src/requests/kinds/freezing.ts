import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { Machine, Transition } from '../machine.ts';
import { IdentifierSchema } from '../identifiers.ts';
import { Comment, Day, Empty, Files, Remark, Text, approvalNotes, approvalSteps, facts } from './common.ts';
import { REFUSAL_GROUNDS } from './mla.ts';

/**
 * Tracing and freezing of assets, cryptocurrency included (UNTOC art. 12–13, UN Convention against
 * Cybercrime art. 31; seeds 13(aa), 13(mmm)): the requested State traces the proceeds, freezes what it
 * finds until a date, and the freeze lapses by itself at that date unless it is renewed or the
 * confiscation that follows replaces it.
 */
export const FREEZING_STATES = [
  'draft', 'awaiting-approval', 'discarded', 'submitted', 'acknowledged', 'traced', 'frozen', 'released', 'lapsed', 'refused', 'withdrawn',
] as const;
export type FreezingState = (typeof FREEZING_STATES)[number];

const DRAFTERS: readonly Role[] = ['investigator', 'central_authority'];
const REQUESTING: readonly Role[] = ['central_authority', 'prosecutor'];
const EXECUTING: readonly Role[] = ['central_authority', 'prosecutor'];
const CURRENCY = Type.String({ pattern: '^[A-Z0-9]{2,10}$', description: 'ISO 4217 code, or the ticker of a crypto-asset (BTC, ETH, USDT)' });

export const freezing: Machine<FreezingState> = {
  kind: 'freezing',
  states: FREEZING_STATES,
  initial: 'draft',
  drafting: ['draft', 'awaiting-approval'],
  final: ['discarded', 'released', 'lapsed', 'refused', 'withdrawn'],
  transitions: [
    ...approvalSteps<FreezingState>(DRAFTERS, 24 * 2),
    { action: 'acknowledge', from: ['submitted'], to: 'acknowledged', by: 'executor', roles: EXECUTING, dueInHours: 24 * 7 },
    { action: 'report-tracing', from: ['submitted', 'acknowledged', 'traced'], to: 'traced', by: 'executor', roles: EXECUTING, dueInHours: 24 * 7 },
    { action: 'freeze', from: ['submitted', 'acknowledged', 'traced'], to: 'frozen', by: 'executor', roles: EXECUTING },
    { action: 'refuse', from: ['submitted', 'acknowledged', 'traced'], to: 'refused', by: 'executor', roles: EXECUTING },
    { action: 'release', from: ['frozen'], to: 'released', by: 'requester', roles: REQUESTING },
    { action: 'lapse', from: ['frozen'], to: 'lapsed', by: 'executor', roles: 'system' },
    { action: 'withdraw', from: ['submitted', 'acknowledged', 'traced'], to: 'withdrawn', by: 'requester', roles: REQUESTING },
  ],
};

export const FreezingFields = Type.Object({
  ...facts,
  link: Text(2000),
  /** Wallets, accounts and other identifiers of the assets sought. */
  identifiers: Type.Array(IdentifierSchema, { minItems: 1, maxItems: 200 }),
  measures: Type.Array(StringEnum(['trace', 'freeze', 'seize'] as const), { minItems: 1, uniqueItems: true }),
  estimatedValue: Type.Optional(Type.Object({ amount: Type.Number({ exclusiveMinimum: 0 }), currency: CURRENCY }, { additionalProperties: false })),
  confiscationToFollow: Type.Boolean({ default: true, description: 'a request for confiscation will follow' }),
  /** The freezing or seizure order of the requesting State, if one was made. */
  domesticOrder: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

const Held = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 500 }), amount: Type.Number({ minimum: 0 }), currency: CURRENCY }, { additionalProperties: false });

export const freezingNotes = {
  ...approvalNotes,
  acknowledge: Remark,
  'report-tracing': Type.Object({ findings: Text(8000), files: Type.Optional(Files) }, { additionalProperties: false }),
  freeze: Type.Object({ frozen: Type.Array(Held, { minItems: 1, maxItems: 200 }), until: Day, comment: Comment }, { additionalProperties: false }),
  refuse: Type.Object({ grounds: Type.Array(StringEnum(REFUSAL_GROUNDS), { minItems: 1, uniqueItems: true }), reason: Text(4000) }, { additionalProperties: false }),
  release: Remark,
  lapse: Empty,
  withdraw: Remark,
} satisfies Record<(typeof freezing.transitions)[number]['action'], TSchema>;

/** A freeze holds until the date the executing State gave; the node then lets it lapse. */
export function freezingDue(transition: Transition, _fields: Record<string, unknown>, note: Record<string, unknown>): Date | undefined {
  return transition.to === 'frozen' && typeof note.until === 'string' ? new Date(`${note.until}T23:59:59Z`) : undefined;
}
