/**
 * The public portal's benchmark (issue 8): reports submitted per second through the real form
 * (`POST /report/phishing`: the form's checks, the identifiers read and given their match keys, the
 * INSERTs and the audit record, and the receipt page), beside a bare Fastify route doing one INSERT
 * of a report-sized row on the same engine, measured just before it; then the weight of every
 * public page with the stylesheets it loads, in the language where it is heaviest, against the
 * 50 KB budget. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { LOCALES, type Locale } from '../src/platform/i18n/locales.ts';
import { INCIDENT_TYPES } from '../src/prevention/incidents.ts';
import { HELP_TOPICS } from '../src/prevention/help-topics.ts';
import { SURVEY_PAGE, helpPath } from '../src/prevention/layout.ts';
import { checkFailures, keep, latencyRatio, ms, num, pct, progress, ratio, release, row, rps, section } from './report.ts';
import { type BenchNode, type BenchSettings, type Engine, type Measure, load, positive, startBareFastify, startBenchNode } from './support.ts';

/** Every public page, with everything it loads, fits in this (test/support/portal.ts). */
const PAGE_BUDGET = 50 * 1024;

export function preventionSettings() {
  return {
    /** Connections submitting reports at once, and to the bare route. */
    connections: Math.round(positive('BENCH_PREV_CONNECTIONS', 10)),
  };
}

export function describePrevention(settings: BenchSettings): string {
  const { connections } = preventionSettings();
  return (
    `Portal: anonymous phishing reports (a few sentences, a phone number, an e-mail address and a link) posted as the form posts them, ` +
    `for ${settings.seconds} s with ${connections} connections (BENCH_PREV_CONNECTIONS) on a node whose submission limit is lifted, ` +
    `beside a bare Fastify route inserting a row of the same size; then every public page fetched with its stylesheets (no browser) in each of the six languages, and the heaviest weighed against the budget.`
  );
}

/** What a reader typically sends: every form field of the checks the intake runs, and identifiers to give match keys. */
const REPORT_FORM = new URLSearchParams({
  what: 'A text message said my parcel was waiting and asked me to pay a customs fee on a website. I entered my card number, then my bank called about a payment I did not make.',
  when: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), amount: '129.90', currency: 'EUR', channel: 'sms',
  phone: '+44 20 7946 0958', email: 'delivery@parcel-fees.example', url: 'parcel-fees.example/pay',
}).toString();

/** One INSERT of a row like the report's, measured on the node's engine: the least that storing a report costs. */
async function measureBareInsert(node: BenchNode, how: { seconds: number; warmup: number; connections: number }): Promise<Measure> {
  const { db } = node.database;
  await db.exec(`CREATE TABLE bench_bare_reports (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), reference text NOT NULL UNIQUE, access_digest bytea NOT NULL,
    what_happened text NOT NULL, phone text, email text, url text, submitted_at timestamptz NOT NULL DEFAULT now())`);
  const bare = keep(await startBareFastify((app) =>
    app.post('/', async (request) => {
      const { what } = request.body as { what: string };
      await db.query(
        'INSERT INTO bench_bare_reports (reference, access_digest, what_happened, phone, email, url) VALUES ($1, $2, $3, $4, $5, $6)',
        [randomBytes(5).toString('hex'), randomBytes(32), what, '+442079460958', 'delivery@parcel-fees.example', 'parcel-fees.example/pay'],
      );
      return { stored: true };
    })));
  try {
    progress(`${node.database.engine}: portal: baseline: bare Fastify POST, one INSERT, for ${how.seconds} s with ${how.connections} connections…`);
    const bareLoad = { url: bare.url, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: new URLSearchParams(REPORT_FORM).get('what') }), connections: how.connections };
    if (how.warmup > 0) await load({ ...bareLoad, seconds: how.warmup });
    return await load({ ...bareLoad, seconds: how.seconds });
  } finally {
    await release(bare);
  }
}

export async function benchPrevention(engine: Engine, settings: BenchSettings, options: { weighPages: boolean }): Promise<void> {
  const { connections } = preventionSettings();
  const S = settings.seconds;
  progress(`${engine}: portal: starting a node (submission limit lifted)…`);
  const node = keep(await startBenchNode(engine, settings, { prevention: { reportsPerHour: Number.MAX_SAFE_INTEGER } }));
  try {
    section(`Portal (${node.database.label})`);
    const warmup = Math.min(1, settings.warmupSeconds);
    const inserts = await measureBareInsert(node, { seconds: S, warmup, connections });
    checkFailures(`${engine} bare INSERT`, inserts);
    const formLoad = { url: `${node.url}/report/phishing`, method: 'POST' as const, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: REPORT_FORM, connections };
    progress(`${engine}: portal: POST /report/phishing for ${S} s with ${connections} connections…`);
    if (warmup > 0) await load({ ...formLoad, seconds: warmup });
    const before = await storedReports(node);
    const reports = await load({ ...formLoad, seconds: S });
    const stored = (await storedReports(node)) - before;
    checkFailures(`${engine} POST /report/phishing`, reports);
    row('Baseline: bare Fastify POST, one INSERT of a report-sized row', rps(inserts, 'rows/s'), `${connections} connections`);
    row('Baseline: bare INSERT route, latency p50 / p99 / mean', ms(inserts));
    row('Reports submitted through the form (POST /report/phishing)', rps(reports, 'reports/s'), `bare INSERT ${rps(inserts, 'rows/s')}`, ratio(reports.rate, inserts.rate));
    row('Reports through the form, latency p50 / p99 / mean', ms(reports), `bare INSERT ${ms(inserts)}`, latencyRatio(reports, inserts));
    row('Reports stored during the load', num(stored), `201 answers ${num(reports.count)} (+ ≤ ${connections} in flight at the end)`, ratio(stored, reports.count));
    if (options.weighPages) await weighPages(node);
  } finally {
    await release(node);
  }
}

async function storedReports(node: BenchNode): Promise<number> {
  return (await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports')).rows[0]!.n;
}

/** The public pages a reader meets, each as they reach it: a link, or the form that leads there. */
function publicPages(reference: { reference: string; accessCode: string }): { name: string; path: string; form?: string }[] {
  return [
    { name: 'GET /report', path: '/report' },
    ...INCIDENT_TYPES.map((type) => ({ name: `GET /report/${type}`, path: `/report/${type}` })),
    { name: 'GET /report/child-abuse', path: '/report/child-abuse' },
    { name: 'POST /report/phishing (receipt and advice)', path: '/report/phishing', form: REPORT_FORM },
    { name: 'POST /report/phishing (refused, errors shown)', path: '/report/phishing', form: 'what=&phone=12&email=nobody' },
    { name: 'GET /report/status', path: '/report/status' },
    { name: 'POST /report/status (the report followed)', path: '/report/status', form: new URLSearchParams(reference).toString() },
    { name: 'GET /privacy', path: '/privacy' },
    { name: 'GET /help', path: '/help' },
    ...HELP_TOPICS.map((topic) => ({ name: `GET ${helpPath(topic)}`, path: helpPath(topic) })),
    { name: `GET ${SURVEY_PAGE}`, path: SURVEY_PAGE },
    { name: `POST ${SURVEY_PAGE} (refused, errors shown)`, path: SURVEY_PAGE, form: 'incidents=none&incidents=phishing' },
    { name: `POST ${SURVEY_PAGE} (thanks)`, path: SURVEY_PAGE, form: 'sector=retail&size=small&incidents=phishing' },
    { name: 'GET /advisories (none published)', path: '/advisories' },
    { name: 'GET /practices (none added)', path: '/practices' },
    { name: 'GET /verify', path: '/verify' },
  ];
}

/** A page's HTML and each stylesheet it links, in bytes, as test/support/portal.ts's `load` weighs them (bodies, no headers), in a language. */
async function weigh(url: string, page: { path: string; form?: string | undefined }, locale: Locale): Promise<{ html: number; css: number }> {
  const headers = { 'accept-language': locale, ...(page.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) };
  const response = await fetch(`${url}${page.path}`, page.form === undefined ? { headers } : { method: 'POST', headers, body: page.form });
  const html = Buffer.from(await response.arrayBuffer());
  if (response.status >= 500 || !(response.headers.get('content-type') ?? '').startsWith('text/html')) throw new Error(`${page.path}: ${response.status} ${response.headers.get('content-type')}`);
  const sheets = [...html.toString('utf8').matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((match) => match[1]!);
  const css = await Promise.all(sheets.map(async (href) => (await (await fetch(new URL(href, url))).arrayBuffer()).byteLength));
  return { html: html.length, css: css.reduce((a, b) => a + b, 0) };
}

async function weighPages(node: BenchNode): Promise<void> {
  progress('portal: weighing every public page…');
  const sent = await fetch(`${node.url}/api/v1/prevention/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'phishing', whatHappened: 'A false bank page.', identifiers: [] }) });
  if (sent.status !== 201) throw new Error(`a report for the status page: ${sent.status} ${await sent.text()}`);
  const reference = (await sent.json()) as { reference: string; accessCode: string };
  section(`Public pages with their stylesheets, heaviest language (budget ${num(PAGE_BUDGET / 1024, ' KB')})`);
  const kb = (bytes: number) => num(bytes / 1024, ' KB');
  let heaviest = 0;
  for (const page of publicPages({ reference: reference.reference, accessCode: reference.accessCode })) {
    // Each language weighs differently (Arabic, Russian and Chinese letters take two or three bytes): the heaviest is the one to budget for.
    const weights = await Promise.all(LOCALES.map(async (locale) => ({ locale, ...(await weigh(node.url, page, locale)) })));
    const { locale, html, css } = weights.reduce((a, b) => (b.html + b.css > a.html + a.css ? b : a));
    const english = weights.find((weight) => weight.locale === 'en')!;
    heaviest = Math.max(heaviest, html + css);
    row(`Weight: ${page.name}`, `${kb(html + css)} (${locale})`, `HTML ${kb(html)} + CSS ${kb(css)}; in English ${kb(english.html + english.css)}`, `${pct((html + css) / PAGE_BUDGET)} of budget`);
  }
  if (heaviest > PAGE_BUDGET) throw new Error(`a public page weighs ${kb(heaviest)}, over the budget of ${kb(PAGE_BUDGET)}`);
}
