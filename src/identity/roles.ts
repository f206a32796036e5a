/** The roles of shared/MISSION.md. A user may hold several; each route names those it allows. */
export const ROLES = [
  'investigator',
  'prosecutor',
  'central_authority',
  'contact_point',
  'provider_responder',
  'analyst',
  'node_admin',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** Any signed-in member of staff, whatever their role. */
export const ANY_ROLE: readonly Role[] = ROLES;
export const ADMIN: readonly Role[] = ['node_admin'];
