/**
 * Advisories to the public (14(ii)): analysts draft and translate them, a publisher publishes or
 * schedules them and withdraws them. A published version is never changed: a change makes a new
 * version, which the public sees once it is published in its turn. Every change is audited in its
 * transaction; what the public reads is decided when it reads it, so a scheduled advisory appears
 * at its time without a job.
 */
import { recordAudit } from '../audit/record.ts';
import type { Role } from '../identity/roles.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import type { Locale } from '../platform/i18n/locales.ts';
import { conflict, notFound } from '../platform/http/problem.ts';
import type { IncidentType } from './incidents.ts';
import type { PublicAudience } from './published-texts.ts';
import { type Act, InvalidInput } from './reports.ts';

export const ADVISORIES_PURPOSE = 'advice to the public on online threats';
/** Analysts watch the threats and write about them. */
export const ADVISORY_WRITERS: readonly Role[] = ['analyst'];
/**
 * What the public reads in the node's name is released by someone other than its writer. No role
 * is meant for it yet: the administrator holds it until a communications role exists.
 */
export const ADVISORY_PUBLISHERS: readonly Role[] = ['node_admin'];
export const ADVISORY_STAFF: readonly Role[] = [...ADVISORY_WRITERS, ...ADVISORY_PUBLISHERS];

export const ADVISORY_STATUSES = ['draft', 'scheduled', 'published', 'withdrawn'] as const;
export type AdvisoryStatus = (typeof ADVISORY_STATUSES)[number];

export interface AdvisoryText {
  locale: Locale;
  title: string;
  summary: string;
  body: string;
}

export interface NewAdvisory extends AdvisoryText {
  audience: PublicAudience;
  threat: IncidentType;
}

export interface AdvisoryVersion {
  version: number;
  createdAt: Date;
  /** Null while a draft; in the future while scheduled. */
  publishAt: Date | null;
  texts: AdvisoryText[];
}

interface AdvisoryFacts {
  id: string;
  audience: PublicAudience;
  threat: IncidentType;
  originalLocale: Locale;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
}

/** All of an advisory, for its staff. */
export interface StaffAdvisory extends AdvisoryFacts {
  status: AdvisoryStatus;
  createdAt: Date;
  /** The version the public sees now, if any. */
  publicVersion: number | null;
  /** Newest first. */
  versions: AdvisoryVersion[];
}

/** An advisory as the public sees it: its current version. */
export interface PublicAdvisory extends AdvisoryFacts {
  version: number;
  publishedAt: Date;
  /** When the current version was published. */
  updatedAt: Date;
  texts: AdvisoryText[];
}

interface AdvisoryRow {
  id: string;
  audience: PublicAudience;
  threat: IncidentType;
  original_locale: Locale;
  created_at: Date;
  withdrawn_at: Date | null;
  withdrawal_reason: string | null;
}

const facts = (row: AdvisoryRow): AdvisoryFacts => ({
  id: row.id, audience: row.audience, threat: row.threat, originalLocale: row.original_locale, withdrawnAt: row.withdrawn_at, withdrawalReason: row.withdrawal_reason,
});

const isPublic = (version: AdvisoryVersion, now: Date) => version.publishAt !== null && version.publishAt <= now;

function statusOf(row: AdvisoryRow, versions: readonly AdvisoryVersion[], now: Date): AdvisoryStatus {
  if (row.withdrawn_at) return 'withdrawn';
  if (versions.some((version) => isPublic(version, now))) return 'published';
  return versions[0]?.publishAt ? 'scheduled' : 'draft';
}

const audit = (tx: Queryable, act: Act, action: string, id: string, details: Record<string, unknown>) =>
  recordAudit(tx, { actor: act.actor, action: `prevention.advisory.${action}`, subject: { type: 'advisory', id }, purpose: ADVISORIES_PURPOSE, requestId: act.id, details });

async function advisoryRow(tx: Queryable, id: string, lock: boolean): Promise<AdvisoryRow> {
  // A malformed id names no advisory: compared as text, it cannot fail the query.
  const { rows } = await tx.query<AdvisoryRow>(`SELECT * FROM advisories WHERE id::text = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(`advisory ${id}`);
  return rows[0];
}

async function versionsOf(tx: Queryable, id: string): Promise<AdvisoryVersion[]> {
  const { rows } = await tx.query<{ version: number; created_at: Date; publish_at: Date | null; texts: AdvisoryText[] }>(
    `SELECT v.version, v.created_at, v.publish_at,
            (SELECT json_agg(json_build_object('locale', t.locale, 'title', t.title, 'summary', t.summary, 'body', t.body) ORDER BY t.locale)
               FROM advisory_texts t WHERE t.advisory_id = v.advisory_id AND t.version = v.version) AS texts
       FROM advisory_versions v WHERE v.advisory_id = $1 ORDER BY v.version DESC`,
    [id],
  );
  return rows.map((row) => ({ version: row.version, createdAt: row.created_at, publishAt: row.publish_at, texts: row.texts ?? [] }));
}

async function staffView(tx: Queryable, row: AdvisoryRow): Promise<StaffAdvisory> {
  const { rows } = await tx.query<{ now: Date }>('SELECT now() AS now');
  const now = rows[0]!.now;
  const versions = await versionsOf(tx, row.id);
  return {
    ...facts(row), createdAt: row.created_at, status: statusOf(row, versions, now),
    publicVersion: versions.find((version) => isPublic(version, now))?.version ?? null, versions,
  };
}

export function readAdvisory(db: Database, id: string): Promise<StaffAdvisory> {
  return db.transaction(async (tx) => staffView(tx, await advisoryRow(tx, id, false)));
}

const upsertText = (tx: Queryable, id: string, version: number, text: AdvisoryText) =>
  tx.query(
    `INSERT INTO advisory_texts (advisory_id, version, locale, title, summary, body) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (advisory_id, version, locale) DO UPDATE SET title = excluded.title, summary = excluded.summary, body = excluded.body`,
    [id, version, text.locale, text.title, text.summary, text.body],
  );

/** A draft, version 1, in the language it is first written in. */
export function createAdvisory(db: Database, draft: NewAdvisory, act: Act): Promise<StaffAdvisory> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<AdvisoryRow>(
      'INSERT INTO advisories (audience, threat, original_locale) VALUES ($1, $2, $3) RETURNING *',
      [draft.audience, draft.threat, draft.locale],
    );
    const row = rows[0]!;
    await tx.query('INSERT INTO advisory_versions (advisory_id, version) VALUES ($1, 1)', [row.id]);
    await upsertText(tx, row.id, 1, draft);
    await audit(tx, act, 'create', row.id, { audience: draft.audience, threat: draft.threat, locale: draft.locale });
    return staffView(tx, row);
  });
}

/**
 * A text in one language, new (a translation) or rewritten (an update). The newest version takes it
 * while it is a draft; once it is published or scheduled it is fixed, and a new draft version,
 * starting from its texts, takes the change.
 */
export function writeAdvisoryText(db: Database, id: string, text: AdvisoryText, act: Act): Promise<StaffAdvisory> {
  return db.transaction(async (tx) => {
    const row = await advisoryRow(tx, id, true);
    if (row.withdrawn_at) throw conflict('the advisory is withdrawn: it can no longer change');
    const { rows } = await tx.query<{ version: number; publish_at: Date | null }>(
      'SELECT version, publish_at FROM advisory_versions WHERE advisory_id = $1 ORDER BY version DESC LIMIT 1',
      [id],
    );
    const latest = rows[0]!;
    let version = latest.version;
    if (latest.publish_at !== null) {
      version += 1;
      await tx.query('INSERT INTO advisory_versions (advisory_id, version) VALUES ($1, $2)', [id, version]);
      await tx.query(
        `INSERT INTO advisory_texts (advisory_id, version, locale, title, summary, body)
         SELECT advisory_id, $2, locale, title, summary, body FROM advisory_texts WHERE advisory_id = $1 AND version = $3`,
        [id, version, latest.version],
      );
    }
    await upsertText(tx, id, version, text);
    await audit(tx, act, 'write', id, { version, locale: text.locale });
    return staffView(tx, row);
  });
}

/** Publishes the newest version now, or at `at`; a version scheduled and not yet public may be given another time. */
export function publishAdvisory(db: Database, id: string, at: Date | undefined, act: Act): Promise<StaffAdvisory> {
  return db.transaction(async (tx) => {
    const row = await advisoryRow(tx, id, true);
    if (row.withdrawn_at) throw conflict('the advisory is withdrawn: it cannot be published again');
    const { rows } = await tx.query<{ version: number; public: boolean; past: boolean }>(
      `SELECT version, coalesce(publish_at <= now(), false) AS public, coalesce($2::timestamptz < now(), false) AS past
         FROM advisory_versions WHERE advisory_id = $1 ORDER BY version DESC LIMIT 1`,
      [id, at?.toISOString() ?? null],
    );
    const latest = rows[0]!;
    if (latest.public) throw conflict(`version ${latest.version} is already published: write a change first`);
    // A date in the past would tell the public that it was published when it was not.
    if (latest.past) throw new InvalidInput([{ field: 'at', pointer: '/at', message: 'advisory.error.past' }]);
    await tx.query('UPDATE advisory_versions SET publish_at = coalesce($3::timestamptz, now()) WHERE advisory_id = $1 AND version = $2', [id, latest.version, at?.toISOString() ?? null]);
    await audit(tx, act, at ? 'schedule' : 'publish', id, { version: latest.version, ...(at ? { at: at.toISOString() } : {}) });
    return staffView(tx, row);
  });
}

/**
 * Files the advisory under another audience or threat: a classification, not its text, so no new
 * version; the public list and feed filter by it at once. A withdrawn advisory stays as it was.
 */
export function classifyAdvisory(db: Database, id: string, classification: Pick<NewAdvisory, 'audience' | 'threat'>, act: Act): Promise<StaffAdvisory> {
  return db.transaction(async (tx) => {
    const row = await advisoryRow(tx, id, true);
    if (row.withdrawn_at) throw conflict('the advisory is withdrawn: it can no longer change');
    const { rows } = await tx.query<AdvisoryRow>(
      'UPDATE advisories SET audience = $2, threat = $3 WHERE id = $1 RETURNING *',
      [id, classification.audience, classification.threat],
    );
    await audit(tx, act, 'classify', id, { from: { audience: row.audience, threat: row.threat }, to: classification });
    return staffView(tx, rows[0]!);
  });
}

/** Takes the advisory back: its page then says so, with the reason; its versions are kept. */
export function withdrawAdvisory(db: Database, id: string, reason: string, act: Act): Promise<StaffAdvisory> {
  return db.transaction(async (tx) => {
    const row = await advisoryRow(tx, id, true);
    if (row.withdrawn_at) throw conflict('the advisory is already withdrawn');
    const { rows } = await tx.query<AdvisoryRow>(
      'UPDATE advisories SET withdrawn_at = now(), withdrawal_reason = $2 WHERE id = $1 RETURNING *',
      [id, reason],
    );
    await audit(tx, act, 'withdraw', id, {});
    return staffView(tx, rows[0]!);
  });
}

export interface AdvisorySummary {
  id: string;
  audience: PublicAudience;
  threat: IncidentType;
  status: AdvisoryStatus;
  title: string;
  titleLocale: Locale;
  latestVersion: number;
  createdAt: Date;
}

/** Every advisory for the staff, newest first, titled in its original language. */
export async function listAdvisories(db: Database): Promise<AdvisorySummary[]> {
  const { rows } = await db.query<AdvisoryRow & { latest: number; status: AdvisoryStatus; title: string }>(
    `SELECT a.*, latest.version AS latest, t.title,
            CASE WHEN a.withdrawn_at IS NOT NULL THEN 'withdrawn'
                 WHEN EXISTS (SELECT 1 FROM advisory_versions v WHERE v.advisory_id = a.id AND v.publish_at <= now()) THEN 'published'
                 WHEN latest.publish_at IS NOT NULL THEN 'scheduled' ELSE 'draft' END AS status
       FROM advisories a
       CROSS JOIN LATERAL (SELECT version, publish_at FROM advisory_versions v WHERE v.advisory_id = a.id ORDER BY version DESC LIMIT 1) latest
       JOIN advisory_texts t ON t.advisory_id = a.id AND t.version = latest.version AND t.locale = a.original_locale
      ORDER BY a.created_at DESC, a.id LIMIT 500`,
  );
  return rows.map((row) => ({
    id: row.id, audience: row.audience, threat: row.threat, status: row.status, title: row.title, titleLocale: row.original_locale, latestVersion: row.latest, createdAt: row.created_at,
  }));
}

export interface PublicFilter {
  audience?: PublicAudience | undefined;
  threat?: IncidentType | undefined;
  id?: string | undefined;
  /** The feed and an advisory's own page tell of withdrawals; the list leaves them out. */
  withdrawn: boolean;
  limit: number;
}

/** What the public may read now: the advisories with a version whose time has come, each at its newest such version. */
export async function publicAdvisories(db: Queryable, filter: PublicFilter): Promise<PublicAdvisory[]> {
  const { rows } = await db.query<AdvisoryRow & { version: number; published_at: Date; updated_at: Date; texts: AdvisoryText[] }>(
    `SELECT a.*, c.version, c.first_at AS published_at, c.publish_at AS updated_at,
            (SELECT json_agg(json_build_object('locale', t.locale, 'title', t.title, 'summary', t.summary, 'body', t.body) ORDER BY t.locale)
               FROM advisory_texts t WHERE t.advisory_id = a.id AND t.version = c.version) AS texts
       FROM advisories a
       JOIN LATERAL (SELECT version, publish_at, min(publish_at) OVER () AS first_at
                       FROM advisory_versions v WHERE v.advisory_id = a.id AND v.publish_at <= now()
                      ORDER BY version DESC LIMIT 1) c ON true
      WHERE ($1::text IS NULL OR a.audience = $1) AND ($2::text IS NULL OR a.threat = $2) AND ($3::text IS NULL OR a.id::text = $3)
        AND ($4 OR a.withdrawn_at IS NULL)
      ORDER BY greatest(c.publish_at, a.withdrawn_at) DESC, a.id
      LIMIT $5`,
    [filter.audience ?? null, filter.threat ?? null, filter.id ?? null, filter.withdrawn, filter.limit],
  );
  return rows.map((row) => ({ ...facts(row), version: row.version, publishedAt: row.published_at, updatedAt: row.updated_at, texts: row.texts }));
}
