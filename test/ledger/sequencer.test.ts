import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SYSTEM_ACTOR, recordAudit } from '../../src/audit/record.ts';
import { integrate } from '../../src/ledger/sequencer.ts';
import { SOURCES } from '../../src/ledger/sources.ts';
import type { Database, Queryable } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/node/migrations.ts';
import { ENGINE, type TestDatabase, createTestDatabase } from '../support/database.ts';
import { checkLogAgainstRecords } from './support.ts';

/** The log needs only the capabilities below it: its sources (audit and custody records), and the trust list that peer heads refer to. */
const LEDGER_MIGRATIONS = MIGRATIONS.filter((m) => /^(audit|identity|federation|ledger|evidence)\//.test(m.id));

const note = (db: Queryable, label: string) =>
  recordAudit(db, { actor: SYSTEM_ACTOR, action: 'test.note', subject: { type: 'note', id: label }, purpose: 'testing the log', details: { label, nested: { b: 1, a: [true, null, 'é'] } } });

describe(`the sequencer adds every audit record once, in order (${ENGINE})`, () => {
  let database: TestDatabase;
  let db: Database;

  before(async () => {
    database = await createTestDatabase();
    db = database.db;
    await migrate(db, LEDGER_MIGRATIONS);
  });
  after(() => database.dispose());
  beforeEach(async () => {
    // A fresh log for each test: the only way to empty the audit log is to lift its guard, as only a test may.
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER USER; DELETE FROM audit_log; ALTER TABLE audit_log ENABLE TRIGGER USER; DELETE FROM ledger_nodes;');
  });

  test('records become leaves in the order of their ids, over several batches, and a second run adds nothing', async () => {
    for (let i = 0; i < 23; i++) await note(db, `n${i}`);
    assert.equal(await integrate(db, SOURCES, 5), 23);
    assert.equal(await integrate(db, SOURCES, 5), 0);
    const { rows } = await db.query<{ id: number; log_index: number }>('SELECT id, log_index FROM audit_log ORDER BY id');
    assert.deepEqual(rows.map((r) => Number(r.log_index)), rows.map((_, i) => i));
    assert.equal(await checkLogAgainstRecords(db), 23);
  });

  test('writers and sequencers running at once: no record skipped, none added twice', async () => {
    const writers = Array.from({ length: 6 }, (_, w) => (async () => {
      for (let t = 0; t < 5; t++) {
        await db.transaction(async (tx) => {
          for (let i = 0; i < 3; i++) await note(tx, `w${w}-t${t}-${i}`);
        });
      }
    })());
    const sequencers = Array.from({ length: 3 }, async () => {
      let added = 0;
      for (let round = 0; round < 10; round++) added += await integrate(db, SOURCES, 4);
      return added;
    });
    await Promise.all(writers);
    const added = (await Promise.all(sequencers)).reduce((a, b) => a + b, 0) + (await integrate(db));
    assert.equal(added, 6 * 5 * 3);
    assert.equal(await checkLogAgainstRecords(db), 90);
  });

  test('a record whose transaction commits late joins at the next run, after those committed before it', {
    skip: ENGINE === 'pglite' ? 'PGlite has one connection: no other transaction commits while one is open' : false,
  }, async () => {
    await note(db, 'first');
    let release!: () => void;
    const released = new Promise<void>((resolve) => { release = resolve; });
    let inserted!: () => void;
    const insertedLate = new Promise<void>((resolve) => { inserted = resolve; });
    const late = db.transaction(async (tx) => {
      await note(tx, 'late');
      inserted();
      await released;
    });
    await insertedLate;
    await note(db, 'after');
    // The late record has the smaller id, but it is not committed: the run takes the others and skips nothing for it.
    assert.equal(await integrate(db), 2);
    release();
    await late;
    assert.equal(await integrate(db), 1);
    const { rows } = await db.query<{ label: string; log_index: number }>("SELECT subject_id AS label, log_index FROM audit_log ORDER BY log_index");
    assert.deepEqual(rows.map((r) => [r.label, Number(r.log_index)]), [['first', 0], ['after', 1], ['late', 2]]);
    assert.equal(await checkLogAgainstRecords(db), 3);
  });

  test('audit records stay unchangeable: only a first leaf index may be set, and nothing else with it', async () => {
    await note(db, 'kept');
    const { rows: [row] } = await db.query<{ id: number }>('SELECT id FROM audit_log');
    await assert.rejects(db.query("UPDATE audit_log SET log_index = 0, purpose = 'another' WHERE id = $1", [row!.id]), /cannot be changed or deleted/);
    await integrate(db);
    await assert.rejects(db.query('UPDATE audit_log SET log_index = 7 WHERE id = $1', [row!.id]), /cannot be changed or deleted/);
    await assert.rejects(db.query('UPDATE audit_log SET log_index = NULL WHERE id = $1', [row!.id]), /cannot be changed or deleted/);
    await assert.rejects(db.query('DELETE FROM audit_log'), /cannot be changed or deleted/);
    assert.equal(await checkLogAgainstRecords(db), 1);
  });
});
