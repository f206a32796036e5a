/**
 * The statistics of requests (issue 7): the query behind GET /api/v1/statistics/requests over
 * 1,000,000 requests and their steps on the PostgreSQL server, first run and warm runs, beside a
 * bare GROUP BY over the same table measured in the same run. The data set is made with
 * generate_series in a fresh database. PGlite is not measured: a node of that size runs on a server.
 */
import { MIGRATIONS } from '../src/node/migrations.ts';
import type { Database, Queryable } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { readFilter } from '../src/statistics/filter.ts';
import { fillRequestFacts, recordOpeningSteps } from '../src/statistics/request-facts.ts';
import { requestStatistics } from '../src/statistics/requests-statistics.ts';
import { keep, notes, num, progress, ratio, release, row, section } from './report.ts';
import { type BenchSettings, openBenchDatabase, positive } from './support.ts';

export function statisticsSettings() {
  return {
    requests: Math.round(positive('BENCH_STATISTICS_REQUESTS', 1_000_000)),
    /** Warm runs of each query, after the first. */
    runs: Math.round(positive('BENCH_STATISTICS_RUNS', 5)),
  };
}
type StatisticsSettings = ReturnType<typeof statisticsSettings>;

export function describeStatistics(s: StatisticsSettings): string {
  return (
    `Statistics: ${num(s.requests)} requests (BENCH_STATISTICS_REQUESTS) of three kinds, sent and received over two years to and from 20 States, ` +
    `with two or three steps each, made with generate_series in a fresh database on the PostgreSQL server, then the facts the statistics read of the steps filled in one UPDATE; the statistics of the last twelve months ` +
    `(the one query of the API) timed on their first run and as the median of ${s.runs} warm runs (BENCH_STATISTICS_RUNS), ` +
    `beside a bare SELECT kind, count(*) … GROUP BY kind over the same table.`
  );
}

/**
 * The steps are written in bulk with the statistics' trigger off, then what the statistics read of
 * them is filled in one UPDATE, as when the statistics are installed on a node that holds requests.
 * Two thirds sent, one third received; six in ten executed, one refused (an MLA request on a named
 * ground), one withdrawn (a preservation expired), two still open, due 30 days after sending.
 */
async function makeDataSet(db: Queryable, count: number): Promise<void> {
  await db.query(`INSERT INTO peers (node_id, url, state, kind, display_name, inbox_url, fingerprint)
    SELECT 'peer-' || i, 'http://peer-' || i || '.invalid', 'X' || chr(65 + i), 'central_authority', 'Peer ' || i, 'http://peer-' || i || '.invalid/inbox', 'f'
      FROM generate_series(0, 19) AS i`);
  await db.query(`CREATE UNLOGGED TABLE bench_plan AS
    SELECT md5(g::text)::uuid AS id, g % 3 = 0 AS received, 'peer-' || (g % 20) AS peer, (g / 3) % 3 + 1 AS k, g % 10 AS fate,
           timestamptz '2024-07-01' + g * interval '63 seconds' AS sent_at, (1 + (g::bigint * 7919) % 2000) * interval '1 hour' AS took
      FROM generate_series(1, $1::int) AS g`, [count]);
  await db.query(`INSERT INTO requests (id, kind, side, requester, executor, state, seq, fields, legal_basis, due_at, created_by, created_at)
    SELECT id, (ARRAY['mla', 'disclosure', 'preservation'])[k], CASE WHEN received THEN 'executor' ELSE 'requester' END,
           CASE WHEN received THEN peer ELSE 'bench-self' END, CASE WHEN received THEN 'bench-self' ELSE peer END,
           CASE WHEN fate < 6 THEN (ARRAY['executed', 'disclosed', 'released'])[k] WHEN fate = 6 THEN 'refused'
                WHEN fate = 7 THEN (ARRAY['withdrawn', 'withdrawn', 'expired'])[k] ELSE 'acknowledged' END,
           CASE WHEN fate < 8 THEN 3 ELSE 2 END, '{}', '{}', CASE WHEN fate >= 8 THEN sent_at + interval '30 days' END, 'bench', sent_at
      FROM bench_plan`);
  await db.query('ALTER TABLE request_events DISABLE TRIGGER statistics_note_step');
  await db.query(`INSERT INTO request_events (request_id, seq, action, from_state, to_state, actor_node, actor_name, note, at)
    SELECT id, 1, (ARRAY['approve', 'approve', 'submit'])[k], 'draft', 'submitted', 'bench-self', 'bench', '{}'::jsonb, sent_at FROM bench_plan
    UNION ALL
    SELECT id, 2, 'acknowledge', 'submitted', 'acknowledged', peer, 'bench', '{}', sent_at + interval '1 hour' FROM bench_plan
    UNION ALL
    SELECT id, 3, CASE WHEN fate < 6 THEN 'execute' WHEN fate = 6 THEN 'refuse' ELSE 'withdraw' END, 'acknowledged',
           CASE WHEN fate < 6 THEN (ARRAY['executed', 'disclosed', 'released'])[k] WHEN fate = 6 THEN 'refused' ELSE (ARRAY['withdrawn', 'withdrawn', 'expired'])[k] END,
           peer, 'bench', CASE WHEN fate = 6 AND k = 1 THEN '{"grounds": ["no-dual-criminality"], "reason": "r"}'::jsonb ELSE '{}' END, sent_at + took
      FROM bench_plan WHERE fate < 8`);
  await db.query('ALTER TABLE request_events ENABLE TRIGGER statistics_note_step');
  await db.query('DROP TABLE bench_plan');
}

/** What the statistics read of the steps, filled in one UPDATE; then the table cleaned as autovacuum would. */
async function fillFacts(db: Queryable): Promise<void> {
  await fillRequestFacts(db);
  await db.query('VACUUM ANALYZE requests');
  await db.query('ANALYZE request_events');
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The first run, then the median of the warm runs, in milliseconds. */
async function firstAndWarm(runs: number, work: () => Promise<unknown>): Promise<{ first: number; warm: number }> {
  const first = await time(work);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(await time(work));
  return { first, warm: median(warm) };
}

export async function benchStatistics(settings: BenchSettings): Promise<void> {
  if (!settings.databaseUrl) {
    notes.push('statistics: skipped, as it runs on the PostgreSQL server only (set DATABASE_URL)');
    return;
  }
  const s = statisticsSettings();
  const opened = await openBenchDatabase('postgres', settings);
  const database = keep({ ...opened, close: () => opened.dispose() });
  try {
    await measure(opened.db, opened.label, s);
  } finally {
    await release(database);
  }
}

async function measure(db: Database, label: string, s: StatisticsSettings): Promise<void> {
  section(`${label}: statistics of requests`);
  await migrate(db, MIGRATIONS);
  await recordOpeningSteps(db);
  progress(`statistics: making ${num(s.requests)} requests and their steps with generate_series…`);
  const made = await time(() => makeDataSet(db, s.requests));
  const events = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM request_events')).rows[0]!.n);
  row('Data set: requests and steps made with generate_series', `${num(made / 1000)} s`, `${num(s.requests)} requests, ${num(events)} steps`, '');
  const filled = await time(() => fillFacts(db));
  row('Data set: sending and last step of each request filled from the steps (one UPDATE, then VACUUM)', `${num(filled / 1000)} s`, `as on installing the statistics`, '');

  const read = readFilter({ from: '2025-07-01', to: '2026-06-30' });
  if (!('filter' in read)) throw new Error('the benchmark period is not valid');
  progress('statistics: the bare GROUP BY, then the statistics of twelve months…');
  const bare = await firstAndWarm(s.runs, () => db.query('SELECT kind, count(*) FROM requests GROUP BY kind'));
  let groups = 0;
  const statistics = await firstAndWarm(s.runs, async () => {
    groups = (await requestStatistics(db, read.filter)).groups.length;
  });
  row('Baseline: SELECT kind, count(*) FROM requests GROUP BY kind: first / warm median', `${num(bare.first)} / ${num(bare.warm)} ms`, '', '');
  row(
    'Statistics of 12 months (groups and refusals, one query): first / warm median',
    `${num(statistics.first)} / ${num(statistics.warm)} ms`,
    `bare GROUP BY ${num(bare.warm)} ms (warm)`,
    ratio(statistics.warm, bare.warm),
  );
  row('Statistics: rows of figures returned', num(groups), `from ${num(s.requests)} requests`, '');
}
