import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { LOCALES } from '../../platform/i18n/locales.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { Machine } from '../machine.ts';
import { IdentifierSchema } from '../identifiers.ts';
import { OFFENCE_IDS } from '../offences.ts';

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

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** What a preservation request says: the data to keep, whose, for which period, and why. */
export const PreservationFields = Type.Object({
  caseReference: Type.Optional(Type.String({ maxLength: 100, description: "the requester's own case number" })),
  offence: StringEnum(OFFENCE_IDS),
  summary: Text(4000),
  identifiers: Type.Array(IdentifierSchema, { minItems: 1, maxItems: 100 }),
  dataCategories: Type.Array(StringEnum(['subscriber', 'traffic', 'content'] as const), { minItems: 1, uniqueItems: true }),
  period: Type.Object({ from: Day, to: Day }, { additionalProperties: false }),
  provider: Type.Optional(Type.String({ maxLength: 200, description: 'who is believed to hold the data' })),
  preserveDays: Type.Integer({ minimum: 1, maximum: DEFAULT_PRESERVATION_DAYS, default: DEFAULT_PRESERVATION_DAYS }),
  mlaToFollow: Type.Boolean({ default: true, description: 'a request for mutual assistance to obtain the data will follow' }),
  language: StringEnum(LOCALES, { default: 'en', description: 'the language the request is written in' }),
  link: Type.Optional(Type.String({ maxLength: 2000, description: 'how the data sought relates to the facts' })),
  proportionality: Type.Optional(Type.String({ maxLength: 2000, description: 'why this data is needed and why less would not do' })),
}, { additionalProperties: false });

/** What each step may say. */
export const preservationNotes = {
  submit: Type.Object({ profileVersion: Type.Optional(Type.Integer({ minimum: 0, description: "set by the node: the version of the recipient's requirements the request was checked against" })) }, { additionalProperties: false }),
  discard: Type.Object({}, { additionalProperties: false }),
  acknowledge: Type.Object({ comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  forward: Type.Object({ to: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: "the provider's node" }), comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  'confirm-preserved': Type.Object({ preservedUntil: Type.Optional(Day), providerReference: Type.Optional(Text(200)), comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  refuse: Type.Object({ reason: Text(2000) }, { additionalProperties: false }),
  'request-renewal': Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: DEFAULT_PRESERVATION_DAYS })), comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  release: Type.Object({ comment: Type.Optional(Text(2000)) }, { additionalProperties: false }),
  expire: Type.Object({}, { additionalProperties: false }),
} satisfies Record<(typeof preservation.transitions)[number]['action'], TSchema>;
