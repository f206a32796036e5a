import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { Machine } from '../machine.ts';
import { IdentifierSchema } from '../identifiers.ts';
import { DATA_CATEGORIES } from '../profile.ts';
import { Comment, Day, Files, Remark, Text, approvalNotes, approvalSteps, facts } from './common.ts';

/**
 * A request for mutual legal assistance, from central authority to central authority (Budapest
 * Convention art. 27; UNTOC art. 18): acknowledged, possibly with a request for more information,
 * executed in parts, returned with the evidence, or refused with its grounds.
 */
export const MLA_STATES = [
  'draft', 'awaiting-approval', 'discarded', 'submitted', 'acknowledged', 'information-requested', 'partially-executed', 'executed', 'refused', 'withdrawn',
] as const;
export type MlaState = (typeof MLA_STATES)[number];

const DRAFTERS: readonly Role[] = ['investigator', 'central_authority'];
const REQUESTING: readonly Role[] = ['central_authority'];
const EXECUTING: readonly Role[] = ['central_authority'];

/** What a State may be asked to do for another (the measures of Budapest art. 29–34 and UNTOC art. 18(3)). */
export const MLA_MEASURES = [
  'obtain-stored-data', 'search-and-seizure', 'real-time-traffic-data', 'interception', 'witness-statement', 'expert-opinion', 'documents-and-records',
  'identify-persons', 'service-of-documents', 'freeze-assets', 'other',
] as const;

/** Grounds on which a requested State may refuse (Budapest art. 27(4), UNTOC art. 18(21)). */
export const REFUSAL_GROUNDS = [
  'political-offence', 'sovereignty-security-public-order', 'no-dual-criminality', 'below-threshold', 'insufficient-information', 'double-jeopardy',
  'human-rights', 'data-not-available', 'other',
] as const;

export const mla: Machine<MlaState> = {
  kind: 'mla',
  states: MLA_STATES,
  initial: 'draft',
  drafting: ['draft', 'awaiting-approval'],
  final: ['discarded', 'executed', 'refused', 'withdrawn'],
  transitions: [
    ...approvalSteps<MlaState>(DRAFTERS, 24 * 10),
    { action: 'acknowledge', from: ['submitted'], to: 'acknowledged', by: 'executor', roles: EXECUTING, dueInHours: 24 * 90 },
    { action: 'request-information', from: ['submitted', 'acknowledged', 'partially-executed'], to: 'information-requested', by: 'executor', roles: EXECUTING, dueInHours: 24 * 30 },
    { action: 'supply-information', from: ['information-requested'], to: 'acknowledged', by: 'requester', roles: REQUESTING, dueInHours: 24 * 90 },
    { action: 'execute-partially', from: ['acknowledged', 'partially-executed'], to: 'partially-executed', by: 'executor', roles: EXECUTING, dueInHours: 24 * 90 },
    { action: 'execute', from: ['acknowledged', 'partially-executed'], to: 'executed', by: 'executor', roles: EXECUTING },
    { action: 'refuse', from: ['submitted', 'acknowledged', 'information-requested', 'partially-executed'], to: 'refused', by: 'executor', roles: EXECUTING },
    { action: 'withdraw', from: ['submitted', 'acknowledged', 'information-requested', 'partially-executed'], to: 'withdrawn', by: 'requester', roles: REQUESTING },
  ],
};

export const MlaFields = Type.Object({
  ...facts,
  link: Text(2000),
  measures: Type.Array(StringEnum(MLA_MEASURES), { minItems: 1, uniqueItems: true }),
  /** What exactly is to be done or obtained, measure by measure. */
  assistance: Text(4000),
  identifiers: Type.Array(IdentifierSchema, { maxItems: 100, default: [] }),
  dataCategories: Type.Array(StringEnum(DATA_CATEGORIES), { uniqueItems: true, default: [] }),
  period: Type.Optional(Type.Object({ from: Day, to: Day }, { additionalProperties: false })),
  /** The law of the requesting State that makes the facts an offence, and its maximum penalty. */
  provisions: Text(2000),
  maxPenaltyYears: Type.Integer({ minimum: 0, maximum: 100, description: 'the maximum penalty for the offence, in years of imprisonment (0: a fine only)' }),
  confidential: Type.Boolean({ default: true, description: 'the request and its content must be kept confidential' }),
  urgency: Type.Optional(Type.String({ maxLength: 2000, description: 'why it is urgent, if it is' })),
  preservation: Type.Optional(Type.String({ format: 'uuid', description: 'the preservation request that kept the data, if there was one' })),
}, { additionalProperties: false });

const Answer = Type.Object({ files: Type.Optional(Files), summary: Text(4000) }, { additionalProperties: false });

export const mlaNotes = {
  ...approvalNotes,
  acknowledge: Type.Object({ reference: Type.Optional(Text(100)), comment: Comment }, { additionalProperties: false }),
  'request-information': Type.Object({ questions: Text(4000) }, { additionalProperties: false }),
  'supply-information': Type.Object({ answer: Text(8000), files: Type.Optional(Files) }, { additionalProperties: false }),
  'execute-partially': Type.Object({ ...Answer.properties, remaining: Text(2000) }, { additionalProperties: false }),
  execute: Answer,
  refuse: Type.Object({ grounds: Type.Array(StringEnum(REFUSAL_GROUNDS), { minItems: 1, uniqueItems: true }), reason: Text(4000) }, { additionalProperties: false }),
  withdraw: Remark,
} satisfies Record<(typeof mla.transitions)[number]['action'], TSchema>;
