import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { Machine, Transition } from '../machine.ts';
import { Comment, Files, NodeRef, Reasoned, Remark, Text, approvalNotes, approvalSteps, dataSought, facts } from './common.ts';

/**
 * An emergency request (Second Additional Protocol art. 9–10; seed 13(u)): an imminent risk to life or
 * of serious harm, answered within hours. Fake emergency requests are a known attack on providers, so
 * the provider confirms its origin over a second channel before it discloses: it calls the requesting
 * State's 24/7 point at the number that State publishes (never one given in the request) and is read
 * a code that only that desk can see, which the provider's node checks against the request.
 */
export const EMERGENCY_STATES = [
  'draft', 'awaiting-approval', 'discarded', 'submitted', 'confirmation-requested', 'confirmed', 'forwarded', 'disclosed', 'refused', 'withdrawn',
] as const;
export type EmergencyState = (typeof EMERGENCY_STATES)[number];

const DRAFTERS: readonly Role[] = ['investigator', 'contact_point'];
const ANSWERING: readonly Role[] = ['provider_responder', 'contact_point'];
const OPEN: EmergencyState[] = ['submitted', 'confirmation-requested', 'confirmed', 'forwarded'];
/** Hours an emergency request gives at most: beyond three days it is not an emergency. */
export const MAX_EMERGENCY_HOURS = 72;

export const emergency: Machine<EmergencyState> = {
  kind: 'emergency',
  states: EMERGENCY_STATES,
  initial: 'draft',
  drafting: ['draft', 'awaiting-approval'],
  final: ['discarded', 'disclosed', 'refused', 'withdrawn'],
  transitions: [
    ...approvalSteps<EmergencyState>(DRAFTERS, MAX_EMERGENCY_HOURS),
    // The provider tells the requesting desk it is about to call; the desk has an hour to answer the phone.
    { action: 'ask-confirmation', from: ['submitted'], to: 'confirmation-requested', by: 'executor', roles: ANSWERING, dueInHours: 1 },
    { action: 'confirm-origin', from: ['submitted', 'confirmation-requested'], to: 'confirmed', by: 'executor', roles: ANSWERING },
    { action: 'forward', from: ['submitted', 'confirmed'], to: 'forwarded', by: 'executor', roles: ['contact_point'] },
    { action: 'disclose', from: ['confirmed', 'forwarded'], to: 'disclosed', by: 'executor', roles: ANSWERING },
    { action: 'refuse', from: ['submitted', 'confirmation-requested', 'confirmed', 'forwarded'], to: 'refused', by: 'executor', roles: ANSWERING },
    { action: 'withdraw', from: OPEN, to: 'withdrawn', by: 'requester', roles: DRAFTERS },
  ],
};

export const EmergencyFields = Type.Object({
  ...facts,
  ...dataSought,
  risk: StringEnum(['life', 'serious-harm'] as const, { description: 'what is at stake' }),
  danger: Text(2000),
  deadlineHours: Type.Integer({ minimum: 1, maximum: MAX_EMERGENCY_HOURS, default: 12, description: 'hours in which the data is needed' }),
}, { additionalProperties: false });

export const emergencyNotes = {
  ...approvalNotes,
  'ask-confirmation': Remark,
  // The code is checked by this node and never recorded: the step's note keeps only who checked.
  'confirm-origin': Type.Object({ code: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), comment: Comment }, { additionalProperties: false }),
  forward: Type.Object({ to: NodeRef, comment: Comment }, { additionalProperties: false }),
  disclose: Type.Object({ files: Files, comment: Comment }, { additionalProperties: false }),
  refuse: Reasoned,
  withdraw: Remark,
} satisfies Record<(typeof emergency.transitions)[number]['action'], TSchema>;

/** The provider's deadline is the one the request gives, in hours from its approval. */
export function emergencyDue(transition: Transition, fields: Record<string, unknown>, _note: Record<string, unknown>, at: Date): Date | undefined {
  if (transition.action !== 'approve') return undefined;
  return new Date(at.getTime() + Number(fields.deadlineHours ?? 12) * 3_600_000);
}
