/**
 * How long reports from the public are kept, by incident type, and the job that deletes those past
 * it: the report, its identifiers (and so its links to other reports), the reporter's contact
 * details and the exchange with them. The audit log keeps that the job ran and how many reports it
 * deleted of each type, never which.
 */
import { SYSTEM_ACTOR, recordAudit } from '../audit/record.ts';
import { ConfigError } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { INCIDENT_TYPES, type IncidentType, isIncidentType } from './incidents.ts';

export type RetentionPolicy = Readonly<Record<IncidentType, number>>;

/**
 * Days after a report's last change (its submission, an addition, an answer, its withdrawal).
 * Two years where money was taken or a person threatened: such criminals act for years, under
 * many names, and their victims report late. One year for the rest.
 */
export const DEFAULT_RETENTION_DAYS: RetentionPolicy = {
  phishing: 365,
  'online-fraud': 730,
  'romance-scam': 730,
  ransomware: 730,
  sextortion: 730,
  harassment: 365,
  'hate-speech': 365,
  'account-takeover': 365,
  'crypto-scam': 730,
  other: 365,
};

export const RETENTION_PURPOSE = 'retention limits of reports from the public';

/** The defaults with the node's own periods over them; a type the portal does not know is a mistake in the configuration. */
export function retentionPolicy(configured: Readonly<Record<string, number>> = {}): RetentionPolicy {
  const unknown = Object.keys(configured).filter((type) => !isIncidentType(type));
  if (unknown.length > 0) throw new ConfigError(`prevention.retentionDays: no incident type ${unknown.join(', ')} (the types are ${INCIDENT_TYPES.join(', ')})`);
  return { ...DEFAULT_RETENTION_DAYS, ...configured };
}

export interface Expired {
  deleted: number;
  byType: Partial<Record<IncidentType, number>>;
}

/**
 * Deletes every report whose last change is older than its type's period, at `now`, with what
 * hangs on it (identifiers and the exchange go with it, by the foreign keys), and records in the
 * same transaction how many of each type. Deleting nothing records nothing: running it again at
 * once changes nothing.
 */
export function deleteExpiredReports(db: Database, policy: RetentionPolicy, now: Date = new Date()): Promise<Expired> {
  const types = [...INCIDENT_TYPES];
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ incident_type: IncidentType }>(
      `DELETE FROM reports r
        USING unnest($1::text[], $2::int[]) AS policy (incident_type, days)
        WHERE r.incident_type = policy.incident_type AND r.updated_at < $3::timestamptz - make_interval(days => policy.days)
        RETURNING r.incident_type`,
      [types, types.map((type) => policy[type]), now.toISOString()],
    );
    const byType: Partial<Record<IncidentType, number>> = {};
    for (const row of rows) byType[row.incident_type] = (byType[row.incident_type] ?? 0) + 1;
    if (rows.length > 0) {
      await recordAudit(tx, {
        actor: SYSTEM_ACTOR, action: 'prevention.report.expire', subject: { type: 'report' }, purpose: RETENTION_PURPOSE,
        details: { deleted: rows.length, byType, retentionDays: policy, at: now.toISOString() },
      });
    }
    return { deleted: rows.length, byType };
  });
}
