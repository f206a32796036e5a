import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/audit/record.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/node/migrations.ts';
import { checkReport } from '../../src/prevention/intake.ts';
import { fillMatchKeys } from '../../src/prevention/match-keys.ts';
import { readReport, submitReport } from '../../src/prevention/reports.ts';
import { type TestDatabase, createTestDatabase } from '../support/database.ts';

const BEFORE_KEYS = 'prevention/002_match_keys';

/** Reports as the portal stored them before it had the platform's match keys: its own normal forms. */
const OLD_REPORTS: Record<string, [kind: string, value: string, normalised: string][]> = {
  'ENT-OLD1-0000-0': [['phone', '00 44 20 7946 0958', '+442079460958'], ['iban', 'GB33 BUKB 2020 1555 5555 55', 'GB33BUKB20201555555555'], ['email', 'Captain.John@Mail.example', 'captain.john@mail.example']],
  'ENT-OLD2-0000-0': [['phone', '+44 20 7946 0958', '+442079460958']],
  'ENT-OLD3-0000-0': [['iban', 'gb33-bukb-2020-1555-5555-55', 'GB33BUKB20201555555555'], ['account', '@Lovely_Anna', 'lovely_anna']],
  // National numbers, which the portal took without a country: no region reads them now, but they stay linked to each other.
  'ENT-OLD4-0000-0': [['phone', '020 7946 0000', '02079460000'], ['email', 'captain.john@mail.example', 'captain.john@mail.example']],
  'ENT-OLD5-0000-0': [['phone', '020-7946-0000', '02079460000'], ['account', 'lovely_anna', 'lovely_anna']],
  // Links, which the portal knew by host and path alone: the platform's keys tell these two apart, yet they stay linked.
  'ENT-OLD6-0000-0': [['url', 'www.sofa-bargains.example/checkout/', 'sofa-bargains.example/checkout']],
  'ENT-OLD7-0000-0': [['url', 'http://sofa-bargains.example/checkout?ref=victim7', 'sofa-bargains.example/checkout']],
};

describe('identifiers stored before the platform’s match keys get them at start, and the reports they linked stay linked', () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase();
    await migrate(database.db, MIGRATIONS.filter((migration) => migration.id !== BEFORE_KEYS));
  });
  after(() => database?.dispose());

  /** Pairs of references that share an identifier, by the given join condition. */
  async function linkedPairs(on: string): Promise<string[]> {
    const { rows } = await database.db.query<{ pair: string }>(
      `SELECT DISTINCT a.reference || ' ' || b.reference AS pair
         FROM report_identifiers mine JOIN report_identifiers theirs ON ${on} AND theirs.report_id <> mine.report_id
         JOIN reports a ON a.id = mine.report_id JOIN reports b ON b.id = theirs.report_id ORDER BY 1`,
    );
    return rows.map((row) => row.pair);
  }

  test('migration 002 adds the key, the start fills it (twice is once), old links hold and new reports join them', async () => {
    const db = database.db;
    for (const [reference, identifiers] of Object.entries(OLD_REPORTS)) {
      const { rows } = await db.query<{ id: string }>(
        "INSERT INTO reports (reference, access_digest, incident_type, severity, locale, what_happened) VALUES ($1, $2, 'online-fraud', 'low', 'en', 'Before the keys.') RETURNING id",
        [reference, randomBytes(32)],
      );
      for (const [kind, value, normalised] of identifiers) {
        await db.query('INSERT INTO report_identifiers (report_id, kind, value, normalised) VALUES ($1, $2, $3, $4)', [rows[0]!.id, kind, value, normalised]);
      }
    }
    const before_ = await linkedPairs('theirs.kind = mine.kind AND theirs.normalised = mine.normalised');
    assert.equal(before_.length, 12, before_.join(', '));

    assert.deepEqual(await migrate(db, MIGRATIONS), [BEFORE_KEYS]);
    assert.deepEqual(await linkedPairs('theirs.match_key = mine.match_key'), [], 'until the node starts, old rows link to nothing');
    const rows = Object.values(OLD_REPORTS).flat().length;
    assert.equal(await fillMatchKeys(db, {}), rows);
    assert.equal(await fillMatchKeys(db, {}), 0, 'a second start finds nothing to do');
    assert.deepEqual(await linkedPairs('theirs.match_key = mine.match_key'), before_, 'every link holds, and none is made up');
    const keys = (await db.query<{ match_key: string }>('SELECT match_key FROM report_identifiers ORDER BY 1')).rows.map((row) => row.match_key);
    assert.ok(keys.includes('legacy:phone:02079460000'), keys.join(', '));
    assert.ok(keys.includes('iban:GB33BUKB20201555555555'));
    assert.equal(keys.filter((key) => key === 'url:http://sofa-bargains.example/checkout?ref=victim7').length, 2, 'the two old links share one key');

    // A report made now, naming the IBAN and the phone written otherwise, joins the old ones.
    const checked = checkReport({
      type: 'online-fraud', whatHappened: 'After the keys.', locale: 'en',
      identifiers: [{ kind: 'iban', value: 'GB33BUKB20201555555555' }, { kind: 'phone', value: '+442079460958' }, { kind: 'account', value: 'LOVELY_ANNA' }],
    });
    assert.ok(checked.report);
    const { reference } = await submitReport(db, checked.report, 'test');
    const view = await readReport(db, reference, { actor: SYSTEM_ACTOR, id: 'test' });
    assert.deepEqual(view.linked.map((other) => other.reference).sort(), ['ENT-OLD1-0000-0', 'ENT-OLD2-0000-0', 'ENT-OLD3-0000-0', 'ENT-OLD5-0000-0']);
    assert.deepEqual(view.identifiers.find((identifier) => identifier.kind === 'iban')?.alsoIn.sort(), ['ENT-OLD1-0000-0', 'ENT-OLD3-0000-0']);
  });
});
