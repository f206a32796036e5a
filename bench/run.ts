/**
 * `npm run bench`: the node's login and authenticated reads, each beside a baseline measured
 * in the same run (a bare Fastify route; raw scrypt at the login's cost and concurrency),
 * on PGlite and, when DATABASE_URL is set, on the PostgreSQL server. See bench/README.md.
 */
import { availableParallelism, cpus, totalmem, release, platform } from 'node:os';
import {
  type BenchNode, type Engine, type Listening, type Measure, ADMIN,
  auditCount, benchSettings, load, scryptLoad, startBareFastify, startBenchNode,
} from './support.ts';

const settings = benchSettings();
const S = settings.seconds;

/* ---------------------------------------------------------------- formatting */

function num(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return '—';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${unit}`;
}

/** value ÷ baseline, and its inverse when the value is much smaller ("1/1,234"). */
function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0 || value <= 0) return '—';
  const r = value / baseline;
  const shown = r >= 0.01 ? `×${num(r)}` : `×${r.toExponential(2)}`;
  return r < 0.5 ? `${shown} (1/${num(baseline / value)})` : shown;
}

const ms = (m: Measure) => `${num(m.p50, ' ms')} / ${num(m.p99, ' ms')}`;
const rps = (m: Measure, unit = 'req/s') => `${num(m.rate)} ${unit}`;

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
}

const rows: (Row | string)[] = [];
const notes: string[] = [];

function section(title: string) {
  rows.push(title);
}

function row(figure: string, value: string, baseline: string, r: string) {
  rows.push({ figure, value, baseline, ratio: r });
}

function checkFailures(what: string, m: Measure) {
  if (m.failures) notes.push(`${what}: ${m.failures} answers were not 2xx (${m.failureNote}); the rate counts only 2xx.`);
}

function printTable() {
  const header: Row = { figure: 'Figure', value: 'Value', baseline: 'Baseline', ratio: 'Ratio' };
  const data = rows.filter((r): r is Row => typeof r !== 'string');
  const width = (key: keyof Row) => Math.max(...[header, ...data].map((r) => r[key].length));
  const w = { figure: width('figure'), value: width('value'), baseline: width('baseline'), ratio: width('ratio') };
  const line = (r: Row) => `| ${r.figure.padEnd(w.figure)} | ${r.value.padStart(w.value)} | ${r.baseline.padEnd(w.baseline)} | ${r.ratio.padEnd(w.ratio)} |`;
  const rule = `|${'-'.repeat(w.figure + 2)}|${'-'.repeat(w.value + 1)}:|${'-'.repeat(w.baseline + 2)}|${'-'.repeat(w.ratio + 2)}|`;
  const out: string[] = [line(header), rule];
  for (const r of rows) {
    if (typeof r === 'string') out.push(line({ figure: `**${r}**`, value: '', baseline: '', ratio: '' }));
    else out.push(line(r));
  }
  console.log(out.join('\n'));
}

function progress(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

/* ---------------------------------------------------------------- cleanup */

const open: { close(): Promise<void> }[] = [];

async function closeAll() {
  while (open.length) {
    const next = open.pop()!;
    try {
      await next.close();
    } catch (error) {
      console.error('bench: closing failed:', error);
    }
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress(`${signal}: closing servers and dropping the benchmark database…`);
    void closeAll().finally(() => process.exit(130));
  });
}

/* ---------------------------------------------------------------- the run */

async function warm(url: string, headers: Record<string, string> = {}) {
  if (settings.warmupSeconds > 0) await load({ url, seconds: settings.warmupSeconds, connections: settings.connections, headers });
}

async function benchEngine(engine: Engine, bare: Measure, scrypt: Measure) {
  progress(`${engine}: creating and migrating a fresh database, creating accounts (scrypt cost ${settings.passwordCost})…`);
  const node: BenchNode = await startBenchNode(engine, settings);
  open.push(node);
  const label = node.database.label;
  section(label);

  progress(`${engine}: POST /api/v1/auth/login for ${S} s with ${settings.loginConnections} connections…`);
  const login = await load({
    url: `${node.url}/api/v1/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
    seconds: S,
    connections: settings.loginConnections,
  });
  checkFailures(`${engine} login`, login);
  row('Login: throughput', rps(login, 'logins/s'), `bare GET / ${rps(bare)}`, ratio(login.rate, bare.rate));
  row('Login: latency p50 / p99', ms(login), `bare GET / ${ms(bare)}`, ratio(login.p50, bare.p50));
  row('Login vs raw scrypt: throughput', rps(login, 'logins/s'), `scrypt ${rps(scrypt, 'hashes/s')}`, ratio(login.rate, scrypt.rate));
  row('Login vs raw scrypt: latency p50 / p99', ms(login), `scrypt ${ms(scrypt)}`, ratio(login.p50, scrypt.p50));
  // At the same concurrency, 1/rate is the cost of one operation: scrypt's share of a login is login rate / scrypt rate.
  row(
    'Share of a login spent in scrypt',
    `${num((100 * login.rate) / scrypt.rate)} %`,
    'by throughput (login/s ÷ hash/s)',
    `by p50: ${num((100 * scrypt.p50) / login.p50)} %`,
  );

  const meHeaders = { authorization: `Bearer ${node.memberToken}` };
  progress(`${engine}: GET /api/v1/me for ${S} s with ${settings.connections} connections…`);
  await warm(`${node.url}/api/v1/me`, meHeaders);
  const afterWarm = await auditCount(node.database.db);
  const me = await load({ url: `${node.url}/api/v1/me`, headers: meHeaders, seconds: S, connections: settings.connections });
  checkFailures(`${engine} GET /api/v1/me`, me);
  const written = (await auditCount(node.database.db)) - afterWarm;
  row('GET /api/v1/me (member): throughput', rps(me), `bare GET / ${rps(bare)}`, ratio(me.rate, bare.rate));
  row('GET /api/v1/me (member): latency p50 / p99', ms(me), `bare GET / ${ms(bare)}`, ratio(me.p50, bare.p50));
  row('GET /api/v1/me: audit records written', num(written), `2xx answers: ${num(me.count)}`, ratio(written, me.count));

  const usersHeaders = { authorization: `Bearer ${node.adminToken}` };
  const usersUrl = `${node.url}/api/v1/users?limit=20`;
  progress(`${engine}: GET /api/v1/users?limit=20 for ${S} s with ${settings.connections} connections…`);
  await warm(usersUrl, usersHeaders);
  const users = await load({ url: usersUrl, headers: usersHeaders, seconds: S, connections: settings.connections });
  checkFailures(`${engine} GET /api/v1/users`, users);
  row('GET /api/v1/users?limit=20 (admin): throughput', rps(users), `bare GET / ${rps(bare)}`, ratio(users.rate, bare.rate));
  row('GET /api/v1/users?limit=20 (admin): latency p50 / p99', ms(users), `bare GET / ${ms(bare)}`, ratio(users.p50, bare.p50));

  open.splice(open.indexOf(node), 1);
  await node.close();
}

async function main() {
  const started = performance.now();
  const engines: Engine[] = settings.databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log('# Entraide benchmarks');
  console.log('');
  console.log(
    `Node ${process.version} on ${platform()} ${release()}, ${availableParallelism()} cores (${cpu}), ` +
      `${num(totalmem() / 2 ** 30)} GiB RAM, libuv thread pool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}.`,
  );
  console.log(
    `Each load lasts ${S} s (BENCH_SECONDS) after a ${settings.warmupSeconds} s warm-up for cheap routes; ` +
      `${settings.connections} connections for reads, ${settings.loginConnections} for logins and scrypt; ` +
      `scrypt cost log2 N = ${settings.passwordCost} (r = 8, p = 1). Load generator (autocannon) and servers share this process; ` +
      `latencies are whole milliseconds.`,
  );
  console.log(`Engines: ${engines.join(', ')}${settings.databaseUrl ? '' : ' (set DATABASE_URL to add a PostgreSQL server)'}.`);
  console.log('');

  progress(`bare Fastify GET / for ${S} s with ${settings.connections} connections…`);
  const bareServer: Listening = await startBareFastify();
  open.push(bareServer);
  await warm(bareServer.url);
  const bare = await load({ url: bareServer.url, seconds: S, connections: settings.connections });
  checkFailures('bare Fastify', bare);
  open.splice(open.indexOf(bareServer), 1);
  await bareServer.close();

  progress(`raw scrypt (log2 N = ${settings.passwordCost}) for ${S} s with ${settings.loginConnections} in flight…`);
  const scrypt = await scryptLoad(settings.passwordCost, settings.loginConnections, S);

  section('Baselines');
  row('Bare Fastify GET / (small JSON)', rps(bare), `${settings.connections} connections`, '');
  row('Bare Fastify GET /: latency p50 / p99', ms(bare), '', '');
  row(`Raw scrypt, log2 N = ${settings.passwordCost}, node:crypto`, rps(scrypt, 'hashes/s'), `${settings.loginConnections} in flight`, '');
  row('Raw scrypt: latency p50 / p99', ms(scrypt), '', '');

  for (const engine of engines) await benchEngine(engine, bare, scrypt);

  printTable();
  if (notes.length) {
    console.log('');
    for (const note of notes) console.log(`Note: ${note}`);
  }
  console.log('');
  console.log(`Run took ${num((performance.now() - started) / 1000)} s.`);
}

try {
  await main();
} catch (error) {
  console.error('bench: failed:', error);
  process.exitCode = 1;
} finally {
  await closeAll();
}
// Anything still open after this is a leak: report it rather than hang.
setTimeout(() => {
  console.error('bench: handles still open after closing everything; exiting');
  process.exit(process.exitCode ?? 0);
}, 5000).unref();
