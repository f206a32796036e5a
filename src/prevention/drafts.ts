/**
 * Reports saved to finish later. A draft is found again only by its draft code: 16 random
 * characters (80 bits) and a check character, in groups of four (`7K3Q-9XM2-P4RT-V8CD-J`), a
 * checked code of src/platform/codes.ts, shown once and kept only as its SHA-256 digest. A draft
 * is not a report: no reference, no status, never in the triage queue, never matched.
 */
import { SYSTEM_ACTOR, recordAudit } from '../audit/record.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { type Parsed, codeDigest, newCode, parseCode } from '../platform/codes.ts';
import type { IncidentType } from './incidents.ts';

const DRAFT_LENGTH = 16;
/** Long enough to gather a bank statement or ask a relative for help; short enough not to keep what was never sent. */
export const DRAFT_DAYS = 30;
export const DRAFT_PURPOSE = 'drafts of reports from the public';
const WRITER = { id: null, name: 'reporter', role: null };

export type DraftAnswers = Record<string, string>;

export interface Draft {
  type: IncidentType;
  answers: DraftAnswers;
  expiresAt: Date;
}

export const parseDraftCode = (typed: string): Parsed => parseCode(typed, DRAFT_LENGTH);

const DAY_MS = 86_400_000;
export const draftExpiry = (savedAt = new Date()) => new Date(savedAt.getTime() + DRAFT_DAYS * DAY_MS);
export const newDraftCode = () => newCode(DRAFT_LENGTH);

/**
 * Saves the answers under the draft code given, if it is a draft code (the writer saving again),
 * or under a new one; either way the draft lives DRAFT_DAYS from now. Returns the code.
 */
export async function saveDraft(db: Database, draft: { code?: string | undefined; type: IncidentType; locale: string; answers: DraftAnswers }, requestId: string, now = new Date()): Promise<{ code: string; expiresAt: Date }> {
  const given = draft.code === undefined ? undefined : parseDraftCode(draft.code);
  const code = given?.ok ? draft.code! : newDraftCode();
  const expiresAt = draftExpiry(now);
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO report_drafts (draft_digest, incident_type, locale, answers, saved_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (draft_digest) DO UPDATE SET incident_type = excluded.incident_type, locale = excluded.locale, answers = excluded.answers, saved_at = excluded.saved_at, expires_at = excluded.expires_at`,
      [codeDigest(code), draft.type, draft.locale, JSON.stringify(draft.answers), now.toISOString(), expiresAt.toISOString()],
    );
    await recordAudit(tx, { actor: WRITER, action: 'prevention.draft.save', subject: { type: 'report-draft' }, purpose: DRAFT_PURPOSE, requestId });
  });
  return { code, expiresAt };
}

export type Found = { found: Draft } | { missing: 'unknown' | 'expired' };

/** The draft a code opens; one past its expiry, not yet deleted by the retention job, opens nothing. */
export async function openDraft(db: Database, code: string, requestId: string, now = new Date()): Promise<Found> {
  const { rows } = await db.query<{ incident_type: IncidentType; answers: DraftAnswers; expires_at: Date }>(
    'SELECT incident_type, answers, expires_at FROM report_drafts WHERE draft_digest = $1',
    [codeDigest(code)],
  );
  const row = rows[0];
  const outcome: Found = !row ? { missing: 'unknown' } : row.expires_at <= now ? { missing: 'expired' } : { found: { type: row.incident_type, answers: row.answers, expiresAt: row.expires_at } };
  await recordAudit(db, {
    actor: WRITER, action: 'prevention.draft.open', subject: { type: 'report-draft' }, purpose: DRAFT_PURPOSE, requestId,
    ...('missing' in outcome ? { outcome: 'refused' as const, details: { reason: outcome.missing } } : {}),
  });
  return outcome;
}

/** A draft sent as a report is not kept. */
export async function discardDraft(tx: Queryable, code: string | undefined): Promise<void> {
  if (code === undefined || !parseDraftCode(code).ok) return;
  await tx.query('DELETE FROM report_drafts WHERE draft_digest = $1', [codeDigest(code)]);
}

/** Deletes the drafts past their expiry and records how many, never which. */
export function deleteExpiredDrafts(db: Database, now: Date = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: number }>('WITH gone AS (DELETE FROM report_drafts WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [now.toISOString()]);
    const deleted = rows[0]!.n;
    if (deleted > 0) {
      await recordAudit(tx, {
        actor: SYSTEM_ACTOR, action: 'prevention.draft.expire', subject: { type: 'report-draft' }, purpose: DRAFT_PURPOSE,
        details: { deleted, draftDays: DRAFT_DAYS, at: now.toISOString() },
      });
    }
    return deleted;
  });
}
