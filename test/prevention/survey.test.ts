import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { catalogs } from '../../src/prevention/messages.ts';
import { HONEYPOT_FIELD } from '../../src/prevention/public-forms.ts';
import { ENGINE } from '../support/database.ts';
import { type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

const REPORTS_PER_HOUR = 6;

/** The survey as a browser without script posts it: each ticked box a field of its own. */
const form = (fields: [string, string][], language = 'en') => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': language },
  body: new URLSearchParams(fields).toString(),
});

describe(`the business-impact survey on ${ENGINE}: anonymous answers, counted for analysts`, () => {
  let node: TestNode;
  let analyst: Api;
  let investigator: Api;
  const count = async () => (await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM survey_responses')).rows[0]!.n;
  const post = (fields: [string, string][], language?: string) => fetch(`${node.url}/help/business-survey`, form(fields, language));

  before(async () => {
    const started = await startTestNodeWithAdmin({ prevention: { reportsPerHour: REPORTS_PER_HOUR } });
    node = started.node;
    analyst = await userWith(started.admin, 'ana', ['analyst']);
    investigator = await userWith(started.admin, 'ivo', ['investigator']);
  });
  after(() => node?.close());

  test('answers from the form and the API are stored with the month only, no address, and no audit record to tie them to a request', async () => {
    const auditBefore = (await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
    const sent = await post([['sector', 'retail'], ['size', 'small'], ['incidents', 'phishing'], ['incidents', 'business-email'], ['downtime', 'days'], ['cost', '1k-10k'], ['reported', 'police'], ['reported', 'bank'], ['comment', '  Our supplier’s mailbox was taken over.  ']], 'fr');
    assert.equal(sent.status, 201);
    const thanks = await sent.text();
    assert.match(thanks, /<html lang="fr"/);
    assert.ok(thanks.includes(catalogs.fr['survey.thanks.title']));
    const api = await fetch(`${node.url}/api/v1/survey/responses`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sector: 'health', size: 'micro', incidents: ['none'], downtime: 'weeks', reported: ['nobody'], whyNot: ['no-time'], locale: 'ar' }),
    });
    assert.equal(api.status, 201, await api.text());

    const { rows } = await node.database.db.query<Record<string, unknown>>(
      `SELECT to_char(received_in, 'YYYY-MM-DD') AS received_in, locale, sector, size, incidents, downtime, cost, reported, why_not, comment FROM survey_responses ORDER BY sector DESC`,
    );
    const month = `${new Date().toISOString().slice(0, 7)}-01`;
    assert.deepEqual(rows, [
      { received_in: month, locale: 'fr', sector: 'retail', size: 'small', incidents: ['phishing', 'business-email'], downtime: 'days', cost: '1k-10k', reported: ['police', 'bank'], why_not: [], comment: 'Our supplier’s mailbox was taken over.' },
      // No incident: what was said of their impact is not kept.
      { received_in: month, locale: 'ar', sector: 'health', size: 'micro', incidents: ['none'], downtime: null, cost: null, reported: [], why_not: [], comment: null },
    ]);
    const columns = (await node.database.db.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'survey_responses' ORDER BY ordinal_position")).rows.map((row) => row.column_name);
    assert.deepEqual(columns, ['id', 'received_in', 'locale', 'sector', 'size', 'incidents', 'downtime', 'cost', 'reported', 'why_not', 'comment']);
    assert.equal((await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n, auditBefore);
    assert.ok(!node.logs.some((line) => line.includes('mailbox was taken over')), 'the comment is not logged');
  });

  test('bad answers: the form again with each problem by its question, in the reader’s language; problem details on the API; nothing stored', async () => {
    const before = await count();
    const refused = await post([['size', 'huge'], ['incidents', 'none'], ['incidents', 'ransomware'], ['reported', 'nobody'], ['reported', 'police'], ['comment', 'x'.repeat(501)]], 'es');
    assert.equal(refused.status, 400);
    const page = await refused.text();
    assert.match(page, /<html lang="es"/);
    for (const key of ['error.survey.sector', 'error.survey.choice', 'error.survey.none', 'error.survey.nobody'] as const) assert.ok(page.includes(catalogs.es[key]), key);
    assert.match(page, /<a href="#f-sector">/, 'the summary sends the reader to the first choice of the question');
    assert.match(page, /<input type="checkbox" id="f-incidents-ransomware" name="incidents" value="ransomware" checked/, 'what was ticked stays ticked');

    const api = await fetch(`${node.url}/api/v1/survey/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sector: 'retail', size: 'small', incidents: [] }) });
    assert.equal(api.status, 400);
    assert.match(api.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.deepEqual(((await api.json()) as { errors: { pointer: string }[] }).errors.map((error) => error.pointer), ['/incidents']);
    const unknown = await fetch(`${node.url}/api/v1/survey/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sector: 'retail', size: 'small', incidents: ['none'], ip: '1.2.3.4' }) });
    assert.equal(unknown.status, 400);
    await unknown.arrayBuffer();
    assert.equal(await count(), before);
  });

  test('the database refuses what the checks refuse, whoever writes to it', async () => {
    await assert.rejects(node.database.db.query("INSERT INTO survey_responses (locale, sector, size, incidents) VALUES ('en', 'retail', 'small', ARRAY['none', 'phishing'])"));
    await assert.rejects(node.database.db.query("INSERT INTO survey_responses (locale, sector, size, incidents) VALUES ('en', 'mining', 'small', ARRAY['phishing'])"));
    await assert.rejects(node.database.db.query("INSERT INTO survey_responses (locale, sector, size, incidents, received_in) VALUES ('en', 'retail', 'small', ARRAY['phishing'], '2026-03-17')"));
  });

  test('analysts read the counts of every choice and the comments, each read audited; other roles are refused', async () => {
    const summary = await analyst.get('/api/v1/survey/summary');
    assert.equal(summary.status, 200, summary.text);
    assert.equal(summary.body.responses, await count());
    assert.equal(summary.body.counts.sector.retail, 1);
    assert.equal(summary.body.counts.sector.mining, undefined);
    assert.equal(summary.body.counts.sector.education, 0, 'every choice is counted, zero included');
    assert.deepEqual([summary.body.counts.incidents.phishing, summary.body.counts.incidents['business-email'], summary.body.counts.incidents.none], [1, 1, 1]);
    assert.deepEqual([summary.body.counts.reported.police, summary.body.counts.reported.nobody, summary.body.counts.downtime.weeks], [1, 0, 0]);
    assert.deepEqual(summary.body.comments, [{ month: new Date().toISOString().slice(0, 7), text: 'Our supplier’s mailbox was taken over.' }]);
    assert.equal((await investigator.get('/api/v1/survey/summary')).status, 403);

    const page = await analyst.get('/prevention/survey');
    assert.equal(page.status, 200);
    assert.match(page.text, /<caption>What does your organisation do\?<\/caption>/);
    assert.match(page.text, /<th scope="row">Shops and online sales<\/th><td>1<\/td>/);
    const { rows } = await node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'prevention.survey.read' AND actor_name = 'ana'");
    assert.equal(rows[0]!.n, 2);
  });

  test('the hidden box: answered with thanks, not stored; and the limit of submissions per address, shared with reports, refuses with the form kept', async () => {
    const before = await count();
    const trapped = await post([['sector', 'retail'], ['size', 'small'], ['incidents', 'phishing'], [HONEYPOT_FIELD, 'https://spam.example']]);
    assert.equal(trapped.status, 201);
    await trapped.arrayBuffer();
    assert.equal(await count(), before);
    // Two answers and the decoy so far count against the allowance of six, and so does a report.
    const report = await fetch(`${node.url}/report/phishing`, form([['what', 'A false bank called me.']]));
    assert.equal(report.status, 201);
    await report.arrayBuffer();
    const answers: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post([['sector', 'finance'], ['size', 'large'], ['incidents', 'ransomware']], 'zh');
      answers.push(response.status);
      if (response.status === 429) {
        const page = await response.text();
        assert.ok(page.includes(catalogs.zh['error.survey.busy']));
        assert.match(page, /value="finance" checked/);
        assert.ok(Number(response.headers.get('retry-after')) > 0);
      } else await response.arrayBuffer();
    }
    assert.deepEqual(answers, [201, 201, 429]);
    assert.equal(await count(), before + 2);
  });
});
