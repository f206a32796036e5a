import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import type { Machine } from '../machine.ts';
import { APPROVERS, Comment, Files, NodeRef, Reasoned, Remark, Text, approvalNotes, approvalSteps, dataSought, facts } from './common.ts';

/**
 * An order to a service provider to disclose subscriber information, traffic data or content (Second
 * Additional Protocol art. 6–7; seed 13(d)): sent to the provider directly where its State allows it
 * for every category asked, with a copy to that State where it asks to be notified; otherwise to that
 * State's authority, whose prosecutor or judge has the provider carry it out (a forwarded order).
 */
export const DISCLOSURE_STATES = [
  'draft', 'awaiting-approval', 'discarded', 'submitted', 'acknowledged', 'clarification-requested', 'forwarded', 'disclosed', 'refused', 'withdrawn',
] as const;
export type DisclosureState = (typeof DISCLOSURE_STATES)[number];

const DRAFTERS: readonly Role[] = ['investigator', 'prosecutor'];
const ANSWERING: readonly Role[] = ['provider_responder', 'central_authority'];
/** Days a provider has to answer an order (Second Additional Protocol art. 7(6): 20 days). */
const DAYS_TO_ANSWER = 20;

export const disclosure: Machine<DisclosureState> = {
  kind: 'disclosure',
  states: DISCLOSURE_STATES,
  initial: 'draft',
  drafting: ['draft', 'awaiting-approval'],
  final: ['discarded', 'disclosed', 'refused', 'withdrawn'],
  transitions: [
    ...approvalSteps<DisclosureState>(DRAFTERS, 24 * DAYS_TO_ANSWER),
    { action: 'acknowledge', from: ['submitted'], to: 'acknowledged', by: 'executor', roles: ANSWERING },
    { action: 'ask-clarification', from: ['submitted', 'acknowledged'], to: 'clarification-requested', by: 'executor', roles: ANSWERING, dueInHours: 24 * 10 },
    { action: 'clarify', from: ['clarification-requested'], to: 'acknowledged', by: 'requester', roles: DRAFTERS, dueInHours: 24 * DAYS_TO_ANSWER },
    // Through the provider's State: its prosecutor or judge makes the order its own and sends it on.
    { action: 'forward', from: ['submitted', 'acknowledged'], to: 'forwarded', by: 'executor', roles: APPROVERS, dueInHours: 24 * DAYS_TO_ANSWER },
    { action: 'disclose', from: ['submitted', 'acknowledged', 'forwarded'], to: 'disclosed', by: 'executor', roles: ANSWERING },
    { action: 'refuse', from: ['submitted', 'acknowledged', 'clarification-requested', 'forwarded'], to: 'refused', by: 'executor', roles: ANSWERING },
    { action: 'withdraw', from: ['submitted', 'acknowledged', 'clarification-requested', 'forwarded'], to: 'withdrawn', by: 'requester', roles: DRAFTERS },
  ],
};

/** What an order says: the data sought, whose, for which period, why, and whether the user may be told. */
export const DisclosureFields = Type.Object({
  ...facts,
  ...dataSought,
  link: Text(2000),
  confidential: Type.Boolean({ default: true, description: 'the provider must not tell its user about the order' }),
  preservation: Type.Optional(Type.String({ format: 'uuid', description: 'the preservation request that kept the data, if there was one' })),
}, { additionalProperties: false });

export const disclosureNotes = {
  ...approvalNotes,
  acknowledge: Remark,
  'ask-clarification': Type.Object({ question: Text(2000) }, { additionalProperties: false }),
  clarify: Type.Object({ answer: Text(4000) }, { additionalProperties: false }),
  forward: Type.Object({ to: NodeRef, comment: Comment }, { additionalProperties: false }),
  disclose: Type.Object({ files: Files, comment: Comment }, { additionalProperties: false }),
  refuse: Reasoned,
  withdraw: Remark,
} satisfies Record<(typeof disclosure.transitions)[number]['action'], TSchema>;

