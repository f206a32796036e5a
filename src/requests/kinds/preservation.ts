import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import type { Machine, Transition } from '../machine.ts';
import { Comment, Day, Empty, Leaving, NodeRef, Reasoned, Remark, Text, dataSought, facts } from './common.ts';

/**
 * Expedited preservation (Budapest Convention art. 29, 35; seed 34): the requesting State's 24/7
 * point asks the requested State's, which acknowledges within its deadline and has the provider
 * preserve the data (a forwarded request of the same kind) for a period that can be renewed, until
 * the follow-up MLA request obtains it (13(t)).
 */
export const PRESERVATION_STATES = [
  'draft', 'discarded', 'submitted', 'acknowledged', 'forwarded', 'preserved', 'renewal-requested', 'released', 'expired', 'refused',
] as const;
export type PreservationState = (typeof PRESERVATION_STATES)[number];

const ASKING: readonly Role[] = ['investigator', 'contact_point'];
const ANSWERING: readonly Role[] = ['contact_point', 'provider_responder'];

/** Preservation periods start at 90 days unless the requester asks for less. */
export const DEFAULT_PRESERVATION_DAYS = 90;

export const preservation: Machine<PreservationState> = {
  kind: 'preservation',
  states: PRESERVATION_STATES,
  initial: 'draft',
  drafting: ['draft'],
  final: ['discarded', 'released', 'expired', 'refused'],
  transitions: [
    { action: 'submit', from: ['draft'], to: 'submitted', by: 'requester', roles: ASKING, dueInHours: 24 },
    { action: 'discard', from: ['draft'], to: 'discarded', by: 'requester', roles: ASKING, local: true },
    { action: 'acknowledge', from: ['submitted'], to: 'acknowledged', by: 'executor', roles: ANSWERING, dueInHours: 24 },
    // The 24/7 point has the provider preserve: a request of the same kind, from this node to the provider's.
    { action: 'forward', from: ['submitted', 'acknowledged'], to: 'forwarded', by: 'executor', roles: ANSWERING, dueInHours: 48 },
    { action: 'confirm-preserved', from: ['submitted', 'acknowledged', 'forwarded', 'renewal-requested'], to: 'preserved', by: 'executor', roles: ANSWERING },
    { action: 'refuse', from: ['submitted', 'acknowledged', 'forwarded', 'renewal-requested'], to: 'refused', by: 'executor', roles: ANSWERING },
    { action: 'request-renewal', from: ['preserved'], to: 'renewal-requested', by: 'requester', roles: ASKING, dueInHours: 48 },
    { action: 'release', from: ['preserved'], to: 'released', by: 'requester', roles: ASKING },
    { action: 'expire', from: ['preserved'], to: 'expired', by: 'executor', roles: 'system' },
  ],
};

/** What a preservation request says: the data to keep, whose, for which period, and why. */
export const PreservationFields = Type.Object({
  ...facts,
  ...dataSought,
  provider: Type.Optional(Type.String({ maxLength: 200, description: 'who is believed to hold the data' })),
  preserveDays: Type.Integer({ minimum: 1, maximum: DEFAULT_PRESERVATION_DAYS, default: DEFAULT_PRESERVATION_DAYS }),
  mlaToFollow: Type.Boolean({ default: true, description: 'a request for mutual assistance to obtain the data will follow' }),
}, { additionalProperties: false });

/** What each step may say. */
export const preservationNotes = {
  submit: Leaving,
  discard: Empty,
  acknowledge: Remark,
  forward: Type.Object({ to: NodeRef, comment: Comment }, { additionalProperties: false }),
  'confirm-preserved': Type.Object({ preservedUntil: Type.Optional(Day), providerReference: Type.Optional(Text(200)), comment: Comment }, { additionalProperties: false }),
  refuse: Reasoned,
  'request-renewal': Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: DEFAULT_PRESERVATION_DAYS })), comment: Comment }, { additionalProperties: false }),
  release: Remark,
  expire: Empty,
} satisfies Record<(typeof preservation.transitions)[number]['action'], TSchema>;

/** A preserved request is due when its period ends: the date the provider gave, or the days asked for. */
export function preservationDue(transition: Transition, fields: Record<string, unknown>, note: Record<string, unknown>, at: Date): Date | undefined {
  if (transition.to !== 'preserved') return undefined;
  if (typeof note.preservedUntil === 'string') return new Date(`${note.preservedUntil}T23:59:59Z`);
  return new Date(at.getTime() + Number(fields.preserveDays ?? DEFAULT_PRESERVATION_DAYS) * 86_400_000);
}
