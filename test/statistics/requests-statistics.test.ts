import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { PERIOD, SELF, seedKnownData } from './known-data.ts';
import { csvLine } from '../../src/platform/http/csv.ts';
import { CSV_COLUMNS } from '../../src/statistics/csv.ts';
import { Api, type ApiResponse, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

const API = '/api/v1/statistics/requests';

const group = (body: any, direction: string, level: string, state: string | null = null, kind: string | null = null) =>
  body.groups.find((g: any) => g.direction === direction && g.level === level && g.state === state && g.kind === kind);

/** RFC 4180 as a spreadsheet reads it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 1; } else field += c;
  }
  return rows;
}

function refused(answer: ApiResponse, what: string): void {
  assert.equal(answer.status, 400, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
  assert.equal(typeof answer.body.title, 'string', what);
}

describe('statistics of requests, against a known data set', () => {
  let node: TestNode;
  let officer: Api;
  let admin: Api;

  before(async () => {
    const started = await startTestNodeWithAdmin({ nodeId: SELF, state: 'XA' });
    node = started.node;
    admin = started.admin;
    await seedKnownData(node.database.db);
    officer = await userWith(started.admin, 'carla', ['central_authority']);
  });
  after(() => node?.close());

  test('counts, outcomes, rates and times of the requests sent and received in the period', async () => {
    const { status, body } = await officer.get(`${API}?${PERIOD}`);
    assert.equal(status, 200);
    assert.deepEqual({ from: body.from, to: body.to, kind: body.kind, state: body.state }, { from: '2025-01-01', to: '2025-12-31', kind: null, state: null });
    // Hours to the final step of the five closed requests sent: 4, 100, 240, 480, 720.
    assert.deepEqual(group(body, 'sent', 'total'), {
      direction: 'sent', level: 'total', state: null, kind: null, requests: 7, open: 2, overdue: 1, closed: 5,
      executed: 1, expired: 1, partially: 1, refused: 2, withdrawn: 0, successRate: 0.4, refusalRate: 0.4, medianHours: 240, p90Hours: 624,
    });
    // 6, 24 and 1200 hours.
    assert.deepEqual(group(body, 'received', 'total'), {
      direction: 'received', level: 'total', state: null, kind: null, requests: 3, open: 0, overdue: 0, closed: 3,
      executed: 2, expired: 0, partially: 0, refused: 1, withdrawn: 0, successRate: 0.6667, refusalRate: 0.3333, medianHours: 24, p90Hours: 964.8,
    });
    assert.deepEqual(['XB', 'XC', 'ZZ'].map((state) => group(body, 'sent', 'state', state)?.requests), [3, 3, 1]);
    assert.deepEqual(['XB', 'XC'].map((state) => group(body, 'received', 'state', state)?.requests), [2, 1]);
    const mla = group(body, 'sent', 'kind', null, 'mla');
    assert.deepEqual([mla.requests, mla.medianHours, mla.p90Hours], [3, 480, 672]);
    const preservation = group(body, 'sent', 'kind', null, 'preservation');
    assert.deepEqual([preservation.requests, preservation.medianHours, preservation.p90Hours, preservation.successRate], [2, 52, 90.4, 0.5]);
    const disclosure = group(body, 'sent', 'state-kind', 'XC', 'disclosure');
    assert.deepEqual([disclosure.requests, disclosure.open, disclosure.overdue, disclosure.medianHours, disclosure.successRate], [1, 1, 1, null, null]);
    assert.deepEqual(body.refusals, [
      { direction: 'sent', reason: 'human-rights', count: 1 },
      { direction: 'sent', reason: 'no-dual-criminality', count: 1 },
      { direction: 'sent', reason: 'unstated', count: 1 },
      { direction: 'received', reason: 'nationality', count: 1 },
    ]);
  });

  test('filters by kind and by State, and the default period of twelve months', async () => {
    const mla = (await officer.get(`${API}?${PERIOD}&kind=mla`)).body;
    assert.equal(group(mla, 'sent', 'total').requests, 3);
    assert.equal(group(mla, 'received', 'total'), undefined);
    const xc = (await officer.get(`${API}?${PERIOD}&state=XC`)).body;
    assert.deepEqual([group(xc, 'sent', 'total').requests, group(xc, 'received', 'total').requests], [3, 1]);
    const byDefault = (await officer.get(API)).body;
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(byDefault.to, today);
    assert.equal(Date.parse(byDefault.to) - Date.parse(byDefault.from) <= 366 * 86_400_000, true);
  });

  test('the CSV says what the JSON says, quoted as RFC 4180 asks', async () => {
    const json = (await officer.get(`${API}?${PERIOD}`)).body;
    for (const csv of [await officer.get(`${API}.csv?${PERIOD}`), await officer.call('GET', `${API}?${PERIOD}`, undefined, { accept: 'text/csv' })]) {
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      const [header, ...rows] = parseCsv(csv.text);
      assert.deepEqual(header, [...CSV_COLUMNS]);
      const cell = (value: unknown) => (value === null ? '' : String(value));
      const groups = rows.filter((row) => row[1] !== 'reason');
      assert.deepEqual(groups, json.groups.map((g: any) => [
        g.direction, g.level, g.state, g.kind, null, g.requests, g.open, g.overdue, g.closed, g.executed, g.expired, g.partially, g.refused, g.withdrawn,
        g.successRate, g.refusalRate, g.medianHours, g.p90Hours,
      ].map(cell)));
      const refusalIndex = header!.indexOf('refused');
      assert.deepEqual(rows.filter((row) => row[1] === 'reason').map((row) => ({ direction: row[0], reason: row[4], count: Number(row[refusalIndex]) })), json.refusals);
    }
  });

  test('any text survives a CSV line, commas, quotes and line breaks included', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('a,b', '"quoted"', 'two\r\nlines', 'عربي, 中文')), { minLength: 1, maxLength: 6 }), (cells) => {
      assert.deepEqual(parseCsv(csvLine(cells)), [cells]);
    }));
  });

  test('only those who handle requests and the administrator may read them', async () => {
    const analyst = await userWith(admin, 'ana', ['analyst']);
    assert.equal((await analyst.get(`${API}?${PERIOD}`)).status, 403);
    assert.equal((await new Api(node.url).get(API)).status, 401);
    assert.equal((await admin.get(`${API}.csv?${PERIOD}`)).status, 200);
  });

  test('bad queries are refused with a problem, whatever they hold', async () => {
    for (const query of ['from=2025-02-30', 'to=2025-13-01', 'from=2025-06-01&to=2025-05-31', 'kind=parcel', 'state=xb', 'state=XBC', 'format=xml', 'from=yesterday']) {
      refused(await officer.get(`${API}?${query}`), query);
      refused(await officer.get(`${API}.csv?${query}`), `${query} as CSV`);
    }
    const reversed = await officer.get(`${API}?from=2025-06-01&to=2025-05-31`);
    assert.deepEqual(reversed.body.errors, [{ pointer: '/to', detail: 'period-reversed' }]);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('from', 'to', 'kind', 'state', 'extra'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('2025-00-10', '9999-99-99', '2025-1-1', ' 2025-01-01', 'ＸＢ', '\u202e'))),
        async (parts) => {
          const query = new URLSearchParams(parts).toString();
          const answer = await officer.get(`${API}?${query}`);
          if (answer.status === 200) {
            // What passes is a real query: two real days in order, a known kind, a State code.
            assert.ok(!('extra' in parts), query);
            assert.ok(answer.body.from <= answer.body.to, query);
          } else refused(answer, query);
        },
      ),
      { numRuns: 60 },
    );
  });
});
