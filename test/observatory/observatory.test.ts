import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Queryable } from '../../src/platform/db/database.ts';
import { RECORDS_OF_ATTEMPTS, snapshot } from '../support/database.ts';
import { type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

/** Reports as the intake stores them, at a chosen time: only what the observatory reads is meaningful. */
async function reportsAt(db: Queryable, at: string, type: string, count: number, identifier?: { kind: string; value: string }): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO reports (reference, access_digest, incident_type, severity, locale, what_happened, submitted_at)
       VALUES ('T-' || gen_random_uuid(), '\\x00', $1, 'low', 'en', 'A report of the test.', $2) RETURNING id`,
      [type, at],
    );
    if (identifier) {
      await db.query('INSERT INTO report_identifiers (report_id, kind, value, normalised) VALUES ($1, $2, $3, $4)', [rows[0]!.id, identifier.kind, identifier.value, identifier.value.replaceAll(' ', '')]);
    }
  }
}

const monthStart = (monthsAgo: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 1, 0, 0, 1));
};
const monthOf = (date: Date) => date.toISOString().slice(0, 7);

/** A CSV of this node (no quoted field holds a comma or a line break here) as rows of named cells. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\r\n').map((line) => line.split(','));
  return lines.map((cells) => Object.fromEntries(header!.map((name, index) => [name, cells[index]!])));
}

describe('the observatory: trends that outlive the reports, with small counts of people never published', () => {
  let node: TestNode;
  const current = monthStart(0);
  const previous = monthStart(1);
  const yearAgo = monthStart(13);

  before(async () => {
    ({ node } = await startTestNodeWithAdmin({ prevention: { reportsPerHour: 1000 } }));
    const db = node.database.db;
    await reportsAt(db, current.toISOString(), 'phishing', 6);
    await reportsAt(db, current.toISOString(), 'romance-scam', 2);
    await reportsAt(db, previous.toISOString(), 'phishing', 1);
    await reportsAt(db, previous.toISOString(), 'ransomware', 5);
    await reportsAt(db, yearAgo.toISOString(), 'online-fraud', 9);
  });
  after(() => node.close());

  const openData = async (query = '') => {
    const response = await fetch(`${node.url}/observatory/data.json${query}`);
    assert.equal(response.status, 200);
    return (await response.json()) as { state: string; period: { from: string; to: string }; smallestPublished: number; figures: { measure: string; month: string; category: string; state: string; count: number | null }[] };
  };
  const reportFigures = (data: Awaited<ReturnType<typeof openData>>) =>
    data.figures.filter((figure) => figure.measure === 'reports').map((figure) => [figure.month, figure.category, figure.count]);

  test('open data: counts by month and type over the period, counts from 1 to 4 published as null, as JSON and the same as CSV', async () => {
    const data = await openData();
    assert.equal(data.smallestPublished, 5);
    assert.deepEqual([data.period.from, data.period.to], [monthOf(monthStart(11)), monthOf(current)], 'twelve calendar months up to this one');
    assert.deepEqual(reportFigures(data), [
      [monthOf(previous), 'phishing', null],
      [monthOf(previous), 'ransomware', 5],
      [monthOf(current), 'phishing', 6],
      [monthOf(current), 'romance-scam', null],
    ]);
    assert.ok(data.figures.every((figure) => figure.state === data.state), 'the reports are of this node’s State');
    assert.deepEqual(reportFigures(await openData('?months=24')).find((figure) => figure[1] === 'online-fraud'), [monthOf(yearAgo), 'online-fraud', 9], 'a longer period reaches further back');

    const csv = await fetch(`${node.url}/observatory/data.csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="observatory-/);
    const rows = parseCsv(await csv.text());
    assert.deepEqual(rows.map((row) => [row.measure, row.month, row.category, row.state, row.count === '' ? null : Number(row.count), row.suppressed === 'true']),
      data.figures.map((figure) => [figure.measure, figure.month, figure.category, figure.state, figure.count, figure.count === null]));
  });

  test('a report sent through the form is counted at once, and the counts stay when reports are deleted at the end of their retention', async () => {
    const before_ = reportFigures(await openData()).find((figure) => figure[0] === monthOf(new Date()) && figure[1] === 'phishing');
    const sent = await fetch(`${node.url}/report/phishing`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
      body: new URLSearchParams({ what: 'A message from my bank asked for my password.' }),
    });
    assert.equal(sent.status, 201, (await sent.text()).slice(0, 300));
    const counted = reportFigures(await openData()).find((figure) => figure[0] === monthOf(new Date()) && figure[1] === 'phishing');
    assert.equal(counted?.[2], ((before_?.[2] as number | null) ?? 0) + 1);

    await node.database.db.query('DELETE FROM reports');
    assert.deepEqual(reportFigures(await openData()), reportFigures(await openData()), 'stable');
    assert.equal(reportFigures(await openData()).find((figure) => figure[0] === monthOf(new Date()) && figure[1] === 'phishing')?.[2], counted?.[2], 'nothing forgotten');
  });

  test('the public page in French: the chart leaves out what is too small, the table says it in words', async () => {
    const response = await fetch(`${node.url}/observatory`, { headers: { 'accept-language': 'fr' } });
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.match(page, /<h1>Observatoire de la cybercriminalité<\/h1>/);
    assert.match(page, /<th scope="row">Rançongiciel<\/th><td>5<\/td>/);
    assert.match(page, /<th scope="row">Arnaque sentimentale<\/th><td>trop peu pour être indiqué<\/td>/);
    // Phishing: 7 this month (published; one came through the form) and 1 last month (withheld): the total must not give the 1 away.
    assert.match(page, /<th scope="row">Hameçonnage \(phishing\)<\/th><td>au moins \u20687\u2069<\/td>/);
    const chart = /<svg[^]*?<\/svg>/.exec(page)![0];
    assert.ok(chart.includes('Rançongiciel') && !chart.includes('Arnaque sentimentale') && !chart.includes('Hameçonnage'), 'a total that leaves cells out is not drawn');
    assert.match(page, /href="\/observatory\/data\.csv\?months=12"/);
    assert.ok(!page.includes('<script'), 'no script');
  });

  test('a period that is not offered: a readable page (400) or a problem, never a server error, nothing stored', async () => {
    const refused = await fetch(`${node.url}/observatory?months=7`, { headers: { 'accept-language': 'es' } });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /role="alert">Elija un periodo de la lista\.</);
    const before_ = await snapshot(node.database.db, RECORDS_OF_ATTEMPTS);
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('/observatory', '/observatory/data.json', '/observatory/data.csv', '/observatory/analysis'),
      fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('0', '-12', '12.5', '1e1', '99999999999999999999', '12&months=24')),
      fc.string({ maxLength: 6 }),
      async (path, months, other) => {
        const query = new URLSearchParams({ months });
        if (other) query.set(other, 'x');
        const response = await fetch(`${node.url}${path}?${query}`, { redirect: 'manual' });
        await response.arrayBuffer();
        assert.ok(response.status < 500, `${path}?${query}: ${response.status}`);
      },
    ), { numRuns: 150 });
    const bad = await fetch(`${node.url}/observatory/data.json?months=7`);
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.deepEqual(await snapshot(node.database.db, RECORDS_OF_ATTEMPTS), before_);
  });
});

describe('the observatory’s analysis for the staff: rising types, identifiers that link reports, intelligence and requests', () => {
  let node: TestNode;
  let admin: Api;
  let analyst: Api;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin());
    analyst = await userWith(admin, 'ana', ['analyst']);
    const db = node.database.db;
    // Rising: 4 in the last four weeks, none before. Steady: 3 and 3. Rising too little: 2 after 0.
    await reportsAt(db, daysAgo(1), 'hate-speech', 4);
    await reportsAt(db, daysAgo(2), 'account-takeover', 3);
    await reportsAt(db, daysAgo(40), 'account-takeover', 3);
    await reportsAt(db, daysAgo(3), 'sextortion', 2);
    // The same wallet in three reports, written differently; a phone number in one only.
    await reportsAt(db, daysAgo(5), 'crypto-scam', 2, { kind: 'wallet', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' });
    await reportsAt(db, daysAgo(6), 'crypto-scam', 1, { kind: 'wallet', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ' });
    await reportsAt(db, daysAgo(6), 'phishing', 1, { kind: 'phone', value: '+33612345678' });
  });
  after(() => node.close());

  test('rising types and the wallet named in three reports are shown to an analyst, and the reading is audited', async () => {
    const response = await analyst.get('/observatory/analysis');
    assert.equal(response.status, 200, response.text.slice(0, 300));
    const page = response.text;
    const rising = /<h2 id="rising-heading">[^]*?<\/section>/.exec(page)![0];
    assert.match(rising, /<th scope="row">Hate speech<\/th><td>4<\/td><td>0<\/td>/);
    assert.ok(!rising.includes('Account takeover') && !rising.includes('Sextortion'), 'steady or barely more is no rise');
    const shared = /<h2 id="shared-heading">[^]*?<\/section>/.exec(page)![0];
    assert.match(shared, /bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq/);
    assert.equal((shared.match(/href="\/prevention\/reports\/T-/g) ?? []).length, 3, 'each report linked');
    assert.ok(!shared.includes('+33612345678'), 'an identifier of one report links nothing');
    const { rows } = await node.database.db.query<{ details: { shown: number } }>("SELECT details FROM audit_log WHERE action = 'observatory.identifiers.read'");
    assert.deepEqual(rows.map((row) => row.details), [{ shown: 1 }]);
  });

  test('intelligence: every object counted for the staff, only TLP:CLEAR in the open data (GREEN is for a community)', async () => {
    const db = node.database.db;
    const { rows: [collection] } = await db.query<{ id: string }>('SELECT id FROM taxii_collections LIMIT 1');
    for (const [index, tlp] of ['clear', 'green', 'red', null].entries()) {
      const id = `indicator--${crypto.randomUUID()}`;
      await db.query(
        `INSERT INTO stix_objects (collection_id, id, type, spec_version, version, date_added, tlp, producer_node, latest, object)
         VALUES ($1, $2, 'indicator', '2.1', now(), now() + make_interval(secs => $3), $4, 'self', true, '{}')`,
        [collection!.id, id, index, tlp],
      );
    }
    const open = (await (await fetch(`${node.url}/observatory/data.json`)).json()) as { figures: { measure: string; category: string; count: number }[] };
    assert.deepEqual(open.figures.filter((figure) => figure.measure === 'indicators').map((figure) => [figure.category, figure.count]), [['indicator', 1]]);
    const page = (await analyst.get('/observatory/analysis')).text;
    assert.match(page, /<tr><th scope="row">indicator<\/th><td>[^<]*<\/td><td>4<\/td><\/tr>/, 'the staff count them all');
  });

  test('only those who handle reports see it', async () => {
    assert.equal((await admin.get('/observatory/analysis')).status, 403);
    const anonymous = await fetch(`${node.url}/observatory/analysis`, { redirect: 'manual' });
    assert.ok([302, 303, 401].includes(anonymous.status), `anonymous: ${anonymous.status}`);
  });
});
