/**
 * The cryptocurrency-abuse database (issue 9): wallet lookups per second over 1,000,000 addresses,
 * through the HTTP API (checksum check, the indexed query, the entry's mentions and links, the audit
 * record) beside a bare Fastify route answering a constant to the same client, and as the bare SQL
 * query on its index beside a SELECT of a constant, in the same run on the same engine. The
 * addresses are added in bulk with generate_series. See bench/README.md.
 */
import { toEip55 } from '../src/platform/identifiers/index.ts';
import { keep, latencyRatio, ms, num, progress, ratio, release, row, rps, section } from './report.ts';
import { type BenchSettings, type Engine, type Measure, positive, startBareFastify, startBenchNode, timedLoop } from './support.ts';

export function walletSettings() {
  return {
    addresses: Math.round(positive('BENCH_WALLETS', 1_000_000)),
    /** Rows a statement when adding them in bulk: PGlite holds each statement's rows in memory. */
    batch: Math.round(positive('BENCH_WALLET_BATCH', 100_000)),
    connections: Math.round(positive('BENCH_WALLET_CONNECTIONS', 8)),
  };
}

export function describeWallets(settings: BenchSettings): string {
  const { addresses, batch, connections } = walletSettings();
  return (
    `Wallets: ${num(addresses)} Ethereum addresses (BENCH_WALLETS) added with INSERT … SELECT generate_series in statements of ${num(batch)} rows, ` +
    `then random ones of them looked up for ${settings.seconds} s with ${connections} in flight (BENCH_WALLET_CONNECTIONS): ` +
    `GET /api/v1/wallets/lookup with a bearer token (each lookup audited) beside a bare Fastify route answering a constant, both called with fetch; ` +
    `and the index query alone through the node's database pool beside SELECT of a constant.`
  );
}

/** The n-th address of the bulk: 40 hexadecimal digits, as the lookups type it (lower case). */
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

async function bulkAdd(db: import('../src/platform/db/database.ts').Database, count: number, batch: number): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < count; from += batch) {
    const to = Math.min(count, from + batch) - 1;
    // The canonical writing is EIP-55's mixed case; the match key is what lookups meet, lower case.
    await db.query(
      `INSERT INTO wallets (id, chain, address, match_key, abuse_type, source, added_by)
       SELECT gen_random_uuid(), 'ethereum', '0x' || lpad(to_hex(n), 40, '0'), 'wallet:ethereum:0x' || lpad(to_hex(n), 40, '0'),
              (ARRAY['scam', 'ransomware', 'phishing', 'theft'])[1 + n % 4], 'bench', 'bench'
         FROM generate_series($1::bigint, $2::bigint) AS n`,
      [from, to],
    );
    progress(`  ${num(to + 1)} of ${num(count)} addresses added…`);
  }
  return count / ((performance.now() - started) / 1000);
}

export async function benchWallets(engine: Engine, settings: BenchSettings): Promise<void> {
  const { addresses, batch, connections } = walletSettings();
  const S = settings.seconds;
  progress(`${engine}: wallets: starting a node…`);
  const node = keep(await startBenchNode(engine, settings));
  try {
    section(`${node.database.label}: the cryptocurrency-abuse database, ${num(addresses)} addresses`);
    const { db } = node.database;
    progress(`${engine}: wallets: adding ${num(addresses)} addresses…`);
    const added = await bulkAdd(db, addresses, batch);
    await db.query('ANALYZE wallets');
    row('Addresses added in bulk (generate_series)', `${num(added)} rows/s`, `${num(addresses)} rows`, '');

    const pick = () => address(Math.floor(Math.random() * addresses));
    const headers = { authorization: `Bearer ${node.memberToken}` };
    const fetched = async (url: string, init?: RequestInit) => {
      const response = await fetch(url, init);
      if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
      return response.json() as Promise<{ matches?: unknown[] }>;
    };
    // A lookup that finds nothing would measure a cheaper path: every one must find its entry.
    // The sign-in's kept-alive connection may have been closed by the server during a long bulk load: one retry.
    const first = () => fetched(`${node.url}/api/v1/wallets/lookup?address=${toEip55(address(42))}`, { headers });
    const probe = await first().catch(first);
    if (probe.matches?.length !== 1) throw new Error('the bulk addresses are not found by the API');

    const bare = keep(await startBareFastify());
    let bareRun: Measure;
    try {
      progress(`${engine}: wallets: baseline: bare Fastify GET / for ${S} s with ${connections} in flight…`);
      bareRun = await timedLoop(connections, S, () => fetched(bare.url));
    } finally {
      await release(bare);
    }
    progress(`${engine}: wallets: GET /api/v1/wallets/lookup for ${S} s with ${connections} in flight…`);
    const api = await timedLoop(connections, S, () => fetched(`${node.url}/api/v1/wallets/lookup?address=${pick()}`, { headers }));
    row('Baseline: bare Fastify GET / (constant JSON), same client', rps(bareRun), `${connections} in flight`, '');
    row('Wallet lookup through the API: throughput', rps(api, 'lookups/s'), `bare GET / ${rps(bareRun)}`, ratio(api.rate, bareRun.rate));
    row('Wallet lookup through the API: latency p50 / p99 / mean', ms(api), `bare GET / ${ms(bareRun)}`, latencyRatio(api, bareRun));

    progress(`${engine}: wallets: baseline: SELECT of a constant for ${S} s with ${connections} in flight…`);
    const constant = await timedLoop(connections, S, () => db.query('SELECT $1::int AS n', [1]));
    progress(`${engine}: wallets: the bare lookup query for ${S} s with ${connections} in flight…`);
    const sql = await timedLoop(connections, S, async () => {
      const { rows } = await db.query('SELECT id, chain, address, abuse_type FROM wallets WHERE match_key = ANY($1::text[])', [[`wallet:ethereum:${pick()}`]]);
      if (rows.length !== 1) throw new Error('a bulk address was not found by the bare query');
    });
    row('Baseline: SELECT of a constant (one round trip)', rps(constant, 'queries/s'), `${connections} in flight`, '');
    row('Wallet lookup, bare SQL on the index: throughput', rps(sql, 'lookups/s'), `SELECT constant ${rps(constant, 'queries/s')}`, ratio(sql.rate, constant.rate));
    row('Wallet lookup, bare SQL: latency p50 / p99 / mean', ms(sql), `SELECT constant ${ms(constant)}`, latencyRatio(sql, constant));
    row('API lookup vs bare SQL lookup: throughput', rps(api, 'lookups/s'), `bare SQL ${rps(sql, 'lookups/s')}`, ratio(api.rate, sql.rate));
  } finally {
    await release(node);
  }
}
