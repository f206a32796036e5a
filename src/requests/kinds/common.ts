import { Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { LOCALES } from '../../platform/i18n/locales.ts';
import { StringEnum } from '../../platform/schema.ts';
import { IdentifierSchema } from '../identifiers.ts';
import type { Transition } from '../machine.ts';
import { OFFENCE_IDS } from '../offences.ts';
import { DATA_CATEGORIES } from '../profile.ts';

/** What the kinds of request share: the facts, the data sought, and the words of their steps. */
export const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
export const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
export const Comment = Type.Optional(Text(2000));
export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
/** Files a step sends, by the SHA-256 of their content: added to the request first, then named here. */
export const Files = Type.Array(Sha256, { minItems: 1, maxItems: 100, uniqueItems: true });
export const NodeRef = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'a node of the federation' });

export const facts = {
  caseReference: Type.Optional(Type.String({ maxLength: 100, description: "the requester's own case number" })),
  offence: StringEnum(OFFENCE_IDS),
  summary: Text(4000),
  language: StringEnum(LOCALES, { default: 'en', description: 'the language the request is written in' }),
  link: Type.Optional(Type.String({ maxLength: 2000, description: 'how the data sought relates to the facts' })),
  proportionality: Type.Optional(Type.String({ maxLength: 2000, description: 'why this data is needed and why less would not do' })),
};

export const dataSought = {
  identifiers: Type.Array(IdentifierSchema, { minItems: 1, maxItems: 100 }),
  dataCategories: Type.Array(StringEnum(DATA_CATEGORIES), { minItems: 1, uniqueItems: true }),
  period: Type.Object({ from: Day, to: Day }, { additionalProperties: false }),
};

/** The note of a step that readies a request to leave: the node records which requirements it met. */
export const Leaving = Type.Object({
  profileVersion: Type.Optional(Type.Integer({ minimum: 0, description: "set by the node: the version of the recipient's requirements the request was checked against" })),
  comment: Comment,
}, { additionalProperties: false });
export const Remark = Type.Object({ comment: Comment }, { additionalProperties: false });
export const Empty = Type.Object({}, { additionalProperties: false });
export const Reasoned = Type.Object({ reason: Text(2000) }, { additionalProperties: false });

export const APPROVERS: readonly Role[] = ['prosecutor'];

/**
 * The steps of a request that must be approved before it leaves (four-eyes): its drafter asks, a
 * prosecutor or judge other than the drafter approves, which sends it, or sends it back to be redrafted.
 */
export function approvalSteps<S extends string>(drafters: readonly Role[], dueInHours: number): Transition<S>[] {
  return [
    { action: 'ask-approval', from: ['draft' as S], to: 'awaiting-approval' as S, by: 'requester', roles: drafters, local: true },
    { action: 'send-back', from: ['awaiting-approval' as S], to: 'draft' as S, by: 'requester', roles: APPROVERS, local: true },
    { action: 'approve', from: ['awaiting-approval' as S], to: 'submitted' as S, by: 'requester', roles: APPROVERS, approves: true, dueInHours },
    { action: 'discard', from: ['draft' as S], to: 'discarded' as S, by: 'requester', roles: drafters, local: true },
  ];
}

/** The notes of the approval steps. */
export const approvalNotes = { 'ask-approval': Leaving, 'send-back': Reasoned, approve: Leaving, discard: Empty };
