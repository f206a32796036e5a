import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrate } from '../../src/platform/db/migrate.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { MIGRATIONS } from '../../src/node/migrations.ts';
import { SERVER_URL, createTestDatabase, snapshot } from '../support/database.ts';

async function schemaOf(db: Awaited<ReturnType<typeof createTestDatabase>>['db']) {
  return (
    await db.query<{ d: string }>(
      "SELECT table_name || '.' || column_name || ':' || data_type AS d FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
    )
  ).rows.map((row) => row.d);
}

describe('migrations', () => {
  test('apply once, in order; running them again changes nothing', async () => {
    const { db, dispose } = await createTestDatabase();
    try {
      const first = await migrate(db, MIGRATIONS);
      assert.deepEqual(first, MIGRATIONS.map((m) => m.id));
      const schema = await schemaOf(db);
      const data = await snapshot(db);
      assert.deepEqual(await migrate(db, MIGRATIONS), []);
      assert.deepEqual(await schemaOf(db), schema);
      assert.deepEqual(await snapshot(db), data);
    } finally {
      await dispose();
    }
  });

  test('a failing migration applies nothing at all', async () => {
    const { db, dispose } = await createTestDatabase();
    try {
      const broken = [...MIGRATIONS, { id: 'test/999_broken', sql: 'CREATE TABLE half (a int); SELECT * FROM no_such_table;' }];
      await assert.rejects(migrate(db, broken), /no_such_table/);
      const tables = await db.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('half', 'users')");
      assert.equal(tables.rows.length, 0);
    } finally {
      await dispose();
    }
  });

  test('a duplicated migration id is refused before anything runs', async () => {
    const { db, dispose } = await createTestDatabase();
    try {
      await assert.rejects(migrate(db, [...MIGRATIONS, MIGRATIONS[0]!]), /duplicate migration id/);
    } finally {
      await dispose();
    }
  });

  test('processes starting together on one server migrate once', { skip: !SERVER_URL && 'needs DATABASE_URL' }, async () => {
    const { db, url, dispose } = await createTestDatabase();
    const others = await Promise.all([1, 2, 3].map(() => openPostgres(url!)));
    try {
      const results = await Promise.all([db, ...others].map((handle) => migrate(handle, MIGRATIONS)));
      assert.equal(results.filter((applied) => applied.length > 0).length, 1);
      assert.equal(results.flat().length, MIGRATIONS.length);
    } finally {
      await Promise.all(others.map((o) => o.close()));
      await dispose();
    }
  });
});
