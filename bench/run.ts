/**
 * `npm run bench`: the node's login and authenticated reads, each beside a baseline measured
 * in the same run (a bare Fastify route; raw scrypt at the login's cost and concurrency), then
 * messages between two federated nodes (bench/federation.ts: beside the cryptography alone and a
 * bare INSERT), on PGlite and, when DATABASE_URL is set, on the PostgreSQL server.
 * Then requests (bench/requests.ts): drafts checked against a requirement profile, beside TypeBox's
 * Value.Check, and expedited preservation across three nodes, beside the bare federation round trip
 * of the same hops. Then the tamper-evident log (bench/ledger.ts): audit records added by the sequencer per
 * second beside raw SHA-256 of the same leaves, and proofs read and verified. Then the public portal
 * (bench/prevention.ts): reports submitted through the form beside a bare INSERT route, and the
 * weight of every public page. Then threat intelligence (bench/intelligence.ts): STIX objects served
 * per second over TAXII beside the same pages from memory. Then wallets (bench/wallets.ts): lookups
 * over 1,000,000 addresses through the API beside a bare route, and as bare SQL beside a constant
 * SELECT. Then the statistics of 1,000,000 requests on the server (bench/statistics.ts) beside a bare
 * GROUP BY. Then evidence files (bench/evidence.ts): upload and download MB/s through the API beside
 * a plain file copy. BENCH_ONLY=foundation, federation, requests, ledger, prevention, intelligence, wallets, statistics or evidence
 * runs one part alone. See bench/README.md.
 */
import { availableParallelism, cpus, loadavg, platform, release as osRelease, totalmem } from 'node:os';
import { benchFederation, describeDelivery, describeQueueing, federationSettings } from './federation.ts';
import { benchDraftChecks, benchPreservation, describeRequests, requestsSettings } from './requests.ts';
import { benchLedger, describeLedger, ledgerSettings } from './ledger.ts';
import { benchPrevention, describePrevention } from './prevention.ts';
import { benchIntelligence, describeIntelligence } from './intelligence.ts';
import { benchWallets, describeWallets } from './wallets.ts';
import { benchStatistics, describeStatistics, statisticsSettings } from './statistics.ts';
import { benchEvidence, describeEvidence, evidenceSettings } from './evidence.ts';
import {
  checkFailures, closeAll, keep, latencyRatio, ms, notes, num, pct, printTable, progress, ratio, release, row, rps, section,
} from './report.ts';
import {
  type BenchNode, type Engine, type Listening, type Measure, ADMIN,
  ScryptProbe, benchSettings, load, pool, scryptLoad, settle, startBareFastify, startBenchNode,
} from './support.ts';

const settings = benchSettings();
const only = process.env.BENCH_ONLY ?? '';
if (!['', 'foundation', 'federation', 'requests', 'ledger', 'prevention', 'intelligence', 'wallets', 'statistics', 'evidence'].includes(only)) {
  throw new Error('BENCH_ONLY must be "foundation", "federation", "requests", "ledger", "prevention", "intelligence", "wallets", "statistics" or "evidence" (unset: all nine)');
}
const parts = {
  foundation: only === '' || only === 'foundation',
  federation: only === '' || only === 'federation',
  requests: only === '' || only === 'requests',
  ledger: only === '' || only === 'ledger',
  prevention: only === '' || only === 'prevention',
  intelligence: only === '' || only === 'intelligence',
  wallets: only === '' || only === 'wallets',
  statistics: only === '' || only === 'statistics',
  evidence: only === '' || only === 'evidence',
};
const probe = new ScryptProbe();
const S = settings.seconds;

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
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

async function measureBare(): Promise<Measure> {
  const server: Listening = keep(await startBareFastify());
  try {
    await warm(server.url);
    const bare = await load({ url: server.url, seconds: S, connections: settings.connections });
    checkFailures('bare Fastify GET /', bare);
    return bare;
  } finally {
    await release(server);
  }
}

async function benchEngine(engine: Engine) {
  progress(`${engine}: creating and migrating a fresh database, creating accounts (scrypt cost ${settings.passwordCost})…`);
  const node: BenchNode = keep(await startBenchNode(engine, settings));
  section(node.database.label);
  progress(`${engine}: ${node.database.name ? `database ${node.database.name}, ` : ''}node at ${node.url}`);

  // The bare route just before the figures beside it, so that both see the same machine.
  progress(`${engine}: baseline: bare Fastify GET / for ${S} s with ${settings.connections} connections…`);
  const bare = await measureBare();
  row('Baseline: bare Fastify GET / (small JSON)', rps(bare), `${settings.connections} connections`, '');
  row('Baseline: bare Fastify GET /, latency p50 / p99 / mean', ms(bare), '', '');
  // Raw scrypt and login take turns, in rounds, so that a change in the machine's load (other
  // processes) between the two does not pass for a difference between them.
  const slice = S / settings.rounds;
  const rawSlices: Measure[] = [];
  const loginSlices: Measure[] = [];
  const inLoginSlices: Measure[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    progress(`${engine}: round ${round}/${settings.rounds}: raw scrypt (log2 N = ${settings.passwordCost}) for ${num(slice)} s with ${settings.loginConnections} in flight…`);
    rawSlices.push(await scryptLoad(settings.passwordCost, settings.loginConnections, slice));
    progress(`${engine}: round ${round}/${settings.rounds}: POST /api/v1/auth/login for ${num(slice)} s with ${settings.loginConnections} connections…`);
    probe.start();
    loginSlices.push(
      await load({
        url: `${node.url}/api/v1/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
        seconds: slice,
        connections: settings.loginConnections,
        rateBy: 'little',
      }),
    );
    inLoginSlices.push(probe.stop());
    await settle(node.database.db, probe);
  }
  const scrypt = pool(rawSlices, { rateBy: 'little', concurrency: settings.loginConnections });
  const login = pool(loginSlices, { rateBy: 'little', concurrency: settings.loginConnections });
  const inLogin = pool(inLoginSlices, { rateBy: 'window', concurrency: 1 });
  row(`Baseline: raw scrypt, log2 N = ${settings.passwordCost} (node:crypto)`, rps(scrypt, 'hashes/s'), `${settings.loginConnections} in flight, ${scrypt.count} hashes`, '');
  row('Baseline: raw scrypt, latency p50 / p99 / mean', ms(scrypt), '', '');

  checkFailures(`${engine} login`, login);
  row('Login: throughput', rps(login, 'logins/s'), `bare GET / ${rps(bare)}`, ratio(login.rate, bare.rate));
  row('Login: latency p50 / p99 / mean', ms(login), `bare GET / ${ms(bare)}`, latencyRatio(login, bare));
  row('Login vs raw scrypt: throughput', rps(login, 'logins/s'), `raw scrypt ${rps(scrypt, 'hashes/s')}`, ratio(login.rate, scrypt.rate));
  row('Login vs raw scrypt: latency p50 / p99 / mean', ms(login), `raw scrypt ${ms(scrypt)}`, latencyRatio(login, scrypt));
  // At the same concurrency, 1/rate is what one operation costs: scrypt's share of a login is (login/s) ÷ (hash/s).
  row('Share of a login spent in scrypt (vs raw baseline)', pct(login.rate / scrypt.rate), 'login/s ÷ raw hash/s', '');
  row(
    'Share of a login spent in scrypt (measured inside login)',
    pct(inLogin.mean / login.mean),
    `scrypt ${num(inLogin.mean, ' ms')} of ${num(login.mean, ' ms')} (mean)`,
    `${inLogin.count} calls, ${login.count} logins`,
  );

  const meUrl = `${node.url}/api/v1/me`;
  const meHeaders = { authorization: `Bearer ${node.memberToken}` };
  progress(`${engine}: GET /api/v1/me for ${S} s with ${settings.connections} connections…`);
  await warm(meUrl, meHeaders);
  const auditBefore = await settle(node.database.db, probe);
  const me = await load({ url: meUrl, headers: meHeaders, seconds: S, connections: settings.connections });
  // Requests in flight when the window closes are answered (and audited) after it: a few more records than answers.
  const written = (await settle(node.database.db, probe)) - auditBefore;
  checkFailures(`${engine} GET /api/v1/me`, me);
  row('GET /api/v1/me (member): throughput', rps(me), `bare GET / ${rps(bare)}`, ratio(me.rate, bare.rate));
  row('GET /api/v1/me (member): latency p50 / p99 / mean', ms(me), `bare GET / ${ms(bare)}`, latencyRatio(me, bare));
  row('GET /api/v1/me: audit records written', num(written), `2xx answers ${num(me.count)} (+ ≤ ${settings.connections} in flight at the end)`, ratio(written, me.count));

  const usersUrl = `${node.url}/api/v1/users?limit=20`;
  const usersHeaders = { authorization: `Bearer ${node.adminToken}` };
  progress(`${engine}: GET /api/v1/users?limit=20 for ${S} s with ${settings.connections} connections…`);
  await warm(usersUrl, usersHeaders);
  await settle(node.database.db, probe);
  const users = await load({ url: usersUrl, headers: usersHeaders, seconds: S, connections: settings.connections });
  checkFailures(`${engine} GET /api/v1/users`, users);
  await settle(node.database.db, probe);
  row('GET /api/v1/users?limit=20 (admin): throughput', rps(users), `bare GET / ${rps(bare)}`, ratio(users.rate, bare.rate));
  row('GET /api/v1/users?limit=20 (admin): latency p50 / p99 / mean', ms(users), `bare GET / ${ms(bare)}`, latencyRatio(users, bare));

  await release(node);
}

function loadAverage(): string {
  return loadavg().map((l) => num(l)).join(' / ');
}

async function main() {
  const started = performance.now();
  const engines: Engine[] = settings.databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const cores = availableParallelism();
  const loadAtStart = loadavg()[0] ?? 0;
  console.log('# Entraide benchmarks');
  console.log('');
  console.log(
    `Node ${process.version} on ${platform()} ${osRelease()}, ${cores} cores (${cpu}), ` +
      `${num(totalmem() / 2 ** 30)} GiB RAM, libuv thread pool ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}; ` +
      `load average at start ${loadAverage()} (1 / 5 / 15 min).`,
  );
  if (parts.foundation) {
    console.log(
      `Foundation: each load lasts ${S} s (BENCH_SECONDS), after a ${settings.warmupSeconds} s warm-up for the cheap routes; ` +
        `${settings.connections} connections for reads, ${settings.loginConnections} for logins and raw scrypt; ` +
        `scrypt cost log2 N = ${settings.passwordCost} (r = 8, p = 1), raw scrypt and login taking turns in ${settings.rounds} rounds. ` +
        `The load generator (autocannon) and the servers share this process. ` +
        `Rates of reads are answers ÷ time; rates of logins and hashes are concurrency ÷ mean latency.`,
    );
  }
  if (parts.federation) {
    const fed = federationSettings(settings.databaseUrl ? 'postgres' : 'pglite');
    console.log(
      `Federation: nodes A and B in this process, each over its own fresh database and on its own HTTP server (127.0.0.1), trusting each other; ` +
        `A sends federation.ping messages (JWS EdDSA in JWE ECDH-ES+A256KW/A256GCM, ${fed.payloadBytes} bytes of payload filler) to B, ` +
        `its worker delivering them in batches, one request per round (${describeDelivery(fed)}), ` +
        `and storing B's signed receipts once verified. ${process.env.BENCH_FED_MESSAGES ? num(fed.messages) : '1,000 (PGlite) or 2,000 (server)'} messages per bulk phase (BENCH_FED_MESSAGES), ` +
        `queued by ${describeQueueing(fed)} (BENCH_FED_PRODUCERS, BENCH_FED_TX_BATCH). ` +
        `A message's latency runs from the commit of its transaction to the storing of its receipt, both seen in this process.`,
    );
  }
  if (parts.requests) console.log(describeRequests(requestsSettings()));
  if (parts.ledger) console.log(describeLedger(ledgerSettings()));
  if (parts.prevention) console.log(describePrevention(settings));
  if (parts.intelligence) console.log(describeIntelligence());
  if (parts.wallets) console.log(describeWallets(settings));
  if (parts.statistics) console.log(describeStatistics(statisticsSettings()));
  if (parts.evidence) console.log(describeEvidence(evidenceSettings()));
  console.log(`Parts: ${Object.entries(parts).filter(([, on]) => on).map(([part]) => part).join(', ')} (BENCH_ONLY). Engines: ${engines.join(', ')}${settings.databaseUrl ? '' : ' (set DATABASE_URL to add a PostgreSQL server)'}.`);
  if (loadAtStart > cores / 2) {
    console.log(`Warning: the machine was already busy (load ${num(loadAtStart)} on ${cores} cores): figures will be low and noisy.`);
  }
  console.log('');

  const runs: { engine: string; part: string; run: () => Promise<void> }[] = engines.flatMap((engine, index) => [
    ...(parts.foundation ? [{ engine, part: 'foundation', run: () => benchEngine(engine) }] : []),
    ...(parts.federation ? [{ engine, part: 'federation', run: () => benchFederation(engine, settings) }] : []),
    // The draft checks use no database: measured once, before the first engine's round trips.
    ...(parts.requests && index === 0 ? [{ engine: 'in process', part: 'requests (drafts)', run: () => benchDraftChecks() }] : []),
    ...(parts.requests ? [{ engine, part: 'requests', run: () => benchPreservation(engine, settings) }] : []),
    ...(parts.ledger ? [{ engine, part: 'ledger', run: () => benchLedger(engine, settings) }] : []),
    // The pages weigh the same on every engine: weighed once.
    ...(parts.prevention ? [{ engine, part: 'prevention', run: () => benchPrevention(engine, settings, { weighPages: index === 0 }) }] : []),
    ...(parts.intelligence ? [{ engine, part: 'intelligence', run: () => benchIntelligence(engine, settings) }] : []),
    ...(parts.wallets ? [{ engine, part: 'wallets', run: () => benchWallets(engine, settings) }] : []),
    ...(parts.evidence ? [{ engine, part: 'evidence', run: () => benchEvidence(engine, settings) }] : []),
    // On the server only, once, after the last engine; without DATABASE_URL it notes that it was skipped.
    ...(parts.statistics && index === engines.length - 1 ? [{ engine: 'postgres', part: 'statistics', run: () => benchStatistics(settings) }] : []),
  ]);
  for (const { engine, part, run } of runs) {
    if (interrupted) break;
    try {
      await run();
    } catch (error) {
      // Report what was measured so far, and the failure, rather than nothing.
      notes.push(`${engine} ${part}: ${interrupted ? 'interrupted' : `the run failed: ${(error as Error).message}`}`);
      if (!interrupted) console.error(`bench: ${engine} ${part} failed:`, error);
      process.exitCode = 1;
      await closeAll();
    }
  }

  printTable();
  if (notes.length) {
    console.log('');
    for (const note of notes) console.log(`Note: ${note}`);
  }
  console.log('');
  console.log(`Run took ${num((performance.now() - started) / 1000)} s; load average at the end ${loadAverage()}.`);
}

try {
  await main();
} catch (error) {
  console.error('bench: failed:', error);
  process.exitCode = 1;
} finally {
  await closeAll();
  probe.uninstall();
}
// Anything still open after this is a leak: report it rather than hang.
setTimeout(() => {
  console.error('bench: handles still open after closing everything; exiting');
  process.exit(process.exitCode ?? 0);
}, 5000).unref();
