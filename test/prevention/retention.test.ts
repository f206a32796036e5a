import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/node/migrations.ts';
import { checkReport } from '../../src/prevention/intake.ts';
import { addToReport, submitReport } from '../../src/prevention/reports.ts';
import { DEFAULT_RETENTION_DAYS, deleteExpiredReports, retentionPolicy } from '../../src/prevention/retention.ts';
import type { IncidentType } from '../../src/prevention/incidents.ts';
import { type TestDatabase, createTestDatabase } from '../support/database.ts';

const DAY = 24 * 3600 * 1000;

describe('reports are kept for their type’s period after their last change, then deleted with all they hold', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    await migrate(database.db, MIGRATIONS);
  });
  after(() => database?.dispose());

  const db = () => database.db;
  const count = async (sql: string, values: unknown[] = []) => (await db().query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) rows`, values)).rows[0]!.n;

  /** A report with an IBAN, a phone, contact details and an addition, last changed `age` days before `now`. */
  async function reportAged(type: IncidentType, age: number, now: Date, iban = 'GB33 BUKB 2020 1555 5555 55') {
    const checked = checkReport({
      type, whatHappened: `A ${type} of ${age} days.`, locale: 'en', contact: { name: 'Ada Lovelace', email: 'ada@example.org', phone: '+44 20 7946 0958' },
      identifiers: [{ kind: 'iban', value: iban }, { kind: 'phone', value: '+33 6 12 34 56 78' }],
    });
    assert.ok(checked.report, JSON.stringify(checked.issues));
    const receipt = await submitReport(db(), checked.report, 'test');
    await addToReport(db(), receipt, 'One more detail.', 'test');
    await db().query('UPDATE reports SET submitted_at = $2, updated_at = $2 WHERE reference = $1', [receipt.reference, new Date(now.getTime() - age * DAY)]);
    return receipt.reference;
  }

  test('the defaults cover every type; the node’s periods override them; an unknown type or a zero period is refused at start', () => {
    assert.deepEqual(retentionPolicy(), DEFAULT_RETENTION_DAYS);
    assert.equal(retentionPolicy({ harassment: 30 }).harassment, 30);
    assert.equal(retentionPolicy({ harassment: 30 }).phishing, DEFAULT_RETENTION_DAYS.phishing);
    assert.throws(() => retentionPolicy({ harrassment: 30 }), ConfigError);
    const config = loadConfig({ env: {}, overrides: { prevention: { retentionDays: { 'crypto-scam': 1095 } } } });
    assert.equal(retentionPolicy(config.prevention.retentionDays)['crypto-scam'], 1095);
    assert.throws(() => loadConfig({ env: {}, overrides: { prevention: { retentionDays: { phishing: 0 } } } }), ConfigError);
  });

  test('only reports past their period go, with their identifiers, links, contacts and exchange; the audit log counts them and names nothing', async () => {
    const now = new Date();
    const policy = retentionPolicy({ harassment: 30 });
    const expired = [
      await reportAged('phishing', 366, now),
      await reportAged('online-fraud', 731, now),
      await reportAged('harassment', 31, now),
    ];
    const kept = [
      await reportAged('phishing', 364, now),
      await reportAged('online-fraud', 400, now),
      await reportAged('harassment', 29, now),
      await reportAged('crypto-scam', 0, now),
    ];
    const ids = async (references: string[]) => (await db().query<{ id: string }>('SELECT id FROM reports WHERE reference = ANY($1)', [references])).rows.map((row) => row.id);
    const expiredIds = await ids(expired);
    assert.equal(expiredIds.length, 3);
    const auditBefore = await count("SELECT 1 FROM audit_log WHERE action = 'prevention.report.expire'");

    const result = await deleteExpiredReports(db(), policy, now);
    assert.deepEqual(result, { deleted: 3, byType: { phishing: 1, 'online-fraud': 1, harassment: 1 } });
    assert.equal(await count('SELECT 1 FROM reports WHERE reference = ANY($1)', [expired]), 0);
    assert.equal(await count('SELECT 1 FROM reports WHERE reference = ANY($1)', [kept]), kept.length);
    assert.equal(await count('SELECT 1 FROM report_identifiers WHERE report_id = ANY($1::uuid[])', [expiredIds]), 0);
    assert.equal(await count('SELECT 1 FROM report_entries WHERE report_id = ANY($1::uuid[])', [expiredIds]), 0);
    // The kept reports, which shared the IBAN with the deleted ones, now link only to each other.
    assert.equal(await count(
      `SELECT DISTINCT theirs.report_id FROM report_identifiers mine JOIN report_identifiers theirs ON theirs.match_key = mine.match_key AND theirs.report_id <> mine.report_id
        WHERE mine.report_id = ANY($1::uuid[])`, [await ids(kept)],
    ), kept.length);

    const { rows } = await db().query<{ actor_name: string; subject_type: string; subject_id: string | null; purpose: string; details: Record<string, unknown> }>(
      "SELECT actor_name, subject_type, subject_id, purpose, details FROM audit_log WHERE action = 'prevention.report.expire' ORDER BY id",
    );
    assert.equal(rows.length, auditBefore + 1);
    const entry = rows.at(-1)!;
    assert.deepEqual([entry.actor_name, entry.subject_type, entry.subject_id, entry.purpose], ['system', 'report', null, 'retention limits of reports from the public']);
    assert.deepEqual({ deleted: entry.details.deleted, byType: entry.details.byType }, { deleted: 3, byType: { phishing: 1, 'online-fraud': 1, harassment: 1 } });
    const recorded = JSON.stringify(entry.details);
    for (const personal of [...expired, 'Ada', 'ada@example.org', '7946', 'GB33', '612345678', 'days.']) assert.ok(!recorded.includes(personal), `the audit record holds ${personal}`);

    // At once again: nothing more is deleted, and nothing more is recorded.
    assert.deepEqual(await deleteExpiredReports(db(), policy, now), { deleted: 0, byType: {} });
    assert.equal(await count('SELECT 1 FROM reports WHERE reference = ANY($1)', [kept]), kept.length);
    assert.equal(await count("SELECT 1 FROM audit_log WHERE action = 'prevention.report.expire'"), auditBefore + 1);

    // A day later the reports of 29 and 364 days are exactly at their periods: still kept. A day more, and they go.
    assert.equal((await deleteExpiredReports(db(), policy, new Date(now.getTime() + DAY))).deleted, 0);
    assert.deepEqual((await deleteExpiredReports(db(), policy, new Date(now.getTime() + 2 * DAY))).byType, { phishing: 1, harassment: 1 });
  });

  test('a report changed lately is kept, however old its submission', async () => {
    const now = new Date();
    const reference = await reportAged('phishing', 1000, now);
    await db().query("UPDATE reports SET updated_at = $2 WHERE reference = $1", [reference, new Date(now.getTime() - 10 * DAY)]);
    await deleteExpiredReports(db(), retentionPolicy(), now);
    assert.equal(await count('SELECT 1 FROM reports WHERE reference = $1', [reference]), 1);
  });
});
