import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import type { Federation } from '../federation/service.ts';
import { signStatement, verifyStatement } from '../federation/statements.ts';
import { trustedKey } from '../federation/trust.ts';
import type { Queryable } from '../platform/db/database.ts';
import { LOCALES } from '../platform/i18n/locales.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { StringEnum } from '../platform/schema.ts';
import type { NodeKind } from '../platform/config.ts';
import { OFFENCE_IDS } from './offences.ts';

export const PROFILE_PATH = '/.well-known/entraide/profile';
const PROFILE_TYP = 'entraide-profile+jws';
export const DATA_CATEGORIES = ['subscriber', 'traffic', 'content'] as const;
/** Facts a State may require beyond what every request says. */
export const OPTIONAL_FACTS = ['caseReference', 'provider', 'proportionality', 'link'] as const;

const Days = Type.Integer({ minimum: 1, maximum: 36_500 });

/** What a State asks of the requests it receives of one kind. */
const KindRequirements = Type.Object({
  /** Facts that must be given, beyond those every request of the kind has. */
  requiredFacts: Type.Array(StringEnum(OPTIONAL_FACTS), { uniqueItems: true, default: [] }),
  /** The longest period of data one request may cover. */
  maxPeriodDays: Type.Optional(Days),
  /** Hours in which the State commits to acknowledge. */
  acknowledgeWithinHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
}, { additionalProperties: false });

/**
 * A node's published requirements for incoming requests (the UNODC MLA Request Writer Tool's
 * questions, made checkable): languages, facts per kind, the offences its law covers for dual
 * criminality, what a provider may disclose directly, and, for a provider, how long it keeps data.
 */
export const ProfileRequirements = Type.Object({
  languages: Type.Array(StringEnum(LOCALES), { minItems: 1, uniqueItems: true }),
  kinds: Type.Record(Type.String({ pattern: '^[a-z][a-z-]{1,39}$' }), KindRequirements),
  /** Offences its law makes crimes, for dual criminality; absent, none is presumed missing. */
  offences: Type.Optional(Type.Array(StringEnum(OFFENCE_IDS), { uniqueItems: true })),
  /** Data categories a foreign authority may order from a provider in this State directly (seed 13(d)). */
  directDisclosure: Type.Array(StringEnum(DATA_CATEGORIES), { uniqueItems: true, default: [] }),
  /** Of those, the ones for which this State must be notified. */
  notifyOn: Type.Array(StringEnum(DATA_CATEGORIES), { uniqueItems: true, default: [] }),
  /** For a provider: days it keeps each category of data (13(lll)). */
  retentionDays: Type.Optional(Type.Partial(Type.Object({ subscriber: Days, traffic: Days, content: Days }, { additionalProperties: false }))),
  contact: Type.Optional(Type.String({ maxLength: 500, description: 'who to call about a request, day and night' })),
  /** For a provider: the node of its State's authority that must be notified of the orders named in `notifyOn`. */
  notifyNode: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' })),
}, { additionalProperties: false });
export type Requirements = Static<typeof ProfileRequirements>;

export interface Profile extends Requirements {
  nodeId: string;
  state: string;
  /** An authority or a service provider: orders go to a provider directly only where its State allows it. */
  kind?: NodeKind;
  version: number;
  issuedAt: string;
}

/** What a node that has published nothing yet asks: requests in English, with the facts every request has. */
export const DEFAULT_REQUIREMENTS: Requirements = { languages: ['en'], kinds: {}, directDisclosure: [], notifyOn: [] };

export function checkRequirements(value: unknown): Requirements {
  const requirements = Value.Default(ProfileRequirements, structuredClone(value)) as Requirements;
  if (!Value.Check(ProfileRequirements, requirements)) {
    const errors = [...Value.Errors(ProfileRequirements, requirements)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new HttpProblem(400, 'invalid-profile', errors.join('; '));
  }
  return requirements;
}

/** This node's profile as it publishes it: the newest version, or version 0 with the defaults. */
export async function ownProfile(db: Queryable, federation: Federation): Promise<Profile> {
  const { rows } = await db.query<{ version: number; requirements: Requirements; issued_at: Date }>(
    'SELECT version, requirements, issued_at FROM request_profile ORDER BY version DESC LIMIT 1',
  );
  const row = rows[0];
  return {
    nodeId: federation.config.nodeId,
    state: federation.config.state,
    kind: federation.config.kind,
    version: row?.version ?? 0,
    issuedAt: (row?.issued_at ?? new Date(0)).toISOString(),
    ...(row?.requirements ?? DEFAULT_REQUIREMENTS),
  };
}

/** Publishes a new version; the previous ones stay, so that a request can say which it was checked against. */
export async function publishProfile(tx: Queryable, requirements: Requirements): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `INSERT INTO request_profile (version, requirements)
     SELECT coalesce(max(version), 0) + 1, $1 FROM request_profile RETURNING version`,
    [JSON.stringify(requirements)],
  );
  return rows[0]!.version;
}

export const signProfile = (federation: Federation, profile: Profile) => signStatement(federation.keys, PROFILE_TYP, profile);

/** How long a profile fetched for reading (a draft's check on its page) is reused before it is fetched again. */
export const PROFILE_READ_FRESHNESS_MS = 5 * 60_000;

/**
 * A peer's profile: fetched from the peer and checked against its trusted key, kept for when the
 * peer cannot be reached; the copy kept is used only if the fetch fails. With `reuseWithinMs`, a copy
 * fetched that recently is used without asking the peer: pages that show a draft's check need not
 * wait on a peer each time, while a request that leaves is checked against the profile of the moment.
 */
export async function peerProfile(db: Queryable, nodeId: string, url: string, reuseWithinMs = 0): Promise<Profile> {
  if (reuseWithinMs > 0) {
    const { rows } = await db.query<{ profile: Profile }>('SELECT profile FROM peer_profiles WHERE node_id = $1 AND fetched_at > now() - make_interval(secs => $2)', [nodeId, reuseWithinMs / 1000]);
    if (rows[0]) return rows[0].profile;
  }
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}${PROFILE_PATH}`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${response.status}`);
    const jws = await response.text();
    const kid = String(JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')).kid);
    const key = await trustedKey(db, nodeId, kid, 'sig');
    if (!key) throw new Error(`no trusted key ${kid}`);
    const profile = await verifyStatement<Profile>(jws, PROFILE_TYP, key);
    if (profile.nodeId !== nodeId) throw new Error(`the profile is ${profile.nodeId}'s`);
    const requirements = checkRequirements(withoutHeader(profile));
    const checked = { ...profile, ...requirements };
    await db.query(
      `INSERT INTO peer_profiles (node_id, version, profile, jws, fetched_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (node_id) DO UPDATE SET version = excluded.version, profile = excluded.profile, jws = excluded.jws, fetched_at = excluded.fetched_at`,
      [nodeId, checked.version, JSON.stringify(checked), jws],
    );
    return checked;
  } catch (error) {
    const kept = await db.query<{ profile: Profile }>('SELECT profile FROM peer_profiles WHERE node_id = $1', [nodeId]);
    if (kept.rows[0]) return kept.rows[0].profile;
    throw new HttpProblem(503, 'profile-unavailable', `the requirements of ${nodeId} cannot be fetched (${(error as Error).message}); try again when it is reachable`);
  }
}

function withoutHeader(profile: Profile): Requirements {
  const { nodeId: _n, state: _s, kind: _k, version: _v, issuedAt: _i, ...requirements } = profile;
  return requirements;
}
