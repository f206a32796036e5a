import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { chooseBasis } from '../../src/requests/legal-basis.ts';
import { snapshot } from '../support/database.ts';
import { ADMIN, Api, type ApiResponse, type TestNode, startTestNode, userWith } from '../support/node.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const MULTILATERAL = ['cets-224', 'ets-185', 'ets-189', 'un-cybercrime-2024', 'untoc'];

interface PartyInput { status: 'signed' | 'ratified' | 'withdrawn'; signedOn?: string | null; inForceOn?: string | null; withdrawnOn?: string | null; reservations?: string }
interface TreatyView { id: string; kind: 'multilateral' | 'bilateral'; adoptedOn: string; covers: string[]; specificity: number; sample: boolean; parties: { state: string; sample: boolean }[] }

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const put = (api: Api, treaty: string, state: string, body: unknown) => api.call('PUT', `/api/v1/legal-basis/treaties/${treaty}/parties/${state}`, body);
const propose = (api: Api, query: Record<string, string>) => api.get(`/api/v1/legal-basis/proposal?${new URLSearchParams(query)}`);
const ids = (response: ApiResponse) => (response.body.treaties as { id: string }[]).map((treaty) => treaty.id);

async function count(node: TestNode, sql: string, params: unknown[] = []): Promise<number> {
  return (await node.database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;
}

function assertProblem(response: ApiResponse, status: number, what: string) {
  assert.equal(response.status, status, `${what}: ${response.text.slice(0, 300)}`);
  assert.equal(response.headers.get('content-type'), 'application/problem+json', what);
  assert.equal(response.body.status, status, what);
  assert.ok(response.body.type && response.body.title, what);
  assert.doesNotMatch(response.text, /\bat .+:\d+:\d+|SELECT|INSERT/, what);
}

describe('legal basis of requests: treaties, States’ statuses, and the basis proposed for a request', () => {
  let node: TestNode;
  let anonymous: Api;
  let admin: Api;
  let investigator: Api;
  let analyst: Api;
  let responder: Api;

  before(async () => {
    node = await startTestNode();
    anonymous = new Api(node.url);
    admin = await anonymous.login(ADMIN.username, ADMIN.password);
    investigator = await userWith(admin, 'ines', ['investigator']);
    analyst = await userWith(admin, 'anders', ['analyst']);
    responder = await userWith(admin, 'rosa', ['provider_responder']);
  });
  after(() => node.close());

  test('the real multilateral treaties ship with no real State; the statuses of XA and XB are sample data, marked so', async () => {
    const listed = await responder.get('/api/v1/legal-basis/treaties');
    assert.equal(listed.status, 200, listed.text);
    assert.match(listed.body.note, /sample/i);
    const treaties = listed.body.items as TreatyView[];
    assert.deepEqual(treaties.filter((t) => t.kind === 'multilateral').map((t) => t.id).sort(), [...MULTILATERAL].sort());
    for (const treaty of treaties) {
      if (treaty.kind === 'multilateral') assert.equal(treaty.sample, false, `${treaty.id} is a real treaty`);
      for (const party of treaty.parties) {
        assert.ok(['XA', 'XB'].includes(party.state), `${treaty.id} names only the fictitious States, not ${party.state}`);
        assert.equal(party.sample, true, `${treaty.id}/${party.state} is sample data`);
      }
    }
    assert.equal(treaties.find((t) => t.id === 'xa-xb-mla-2018')?.sample, true);
    assert.deepEqual(treaties.find((t) => t.id === 'ets-185')?.covers, ['preservation', 'disclosure', 'mla', 'spontaneous', 'extradition']);
  });

  test('on the sample data, XA to XB: the bilateral treaty first, then the multilateral ones from the most specific', async () => {
    const mla = await investigator.get('/api/v1/legal-basis/proposal?from=XA&to=XB&kind=mla&on=2026-01-01');
    assert.equal(mla.status, 200, mla.text);
    assert.equal(mla.body.reciprocity, false);
    // The Second Protocol provides for MLA too, but XB has only signed it.
    assert.deepEqual(ids(mla), ['xa-xb-mla-2018', 'ets-185', 'untoc']);
    assert.ok(mla.body.treaties.every((t: { sample: boolean }) => t.sample), 'every basis resting on sample statuses says so');
    assert.ok(mla.body.notes.some((note: string) => /sample/i.test(note)));
    assert.deepEqual(mla.body.treaties[1].parties.map((p: { state: string; inForceOn: string }) => [p.state, p.inForceOn]), [['XA', '2010-01-01'], ['XB', '2015-07-01']]);
    // The direction names the parties in order; the treaties are the same both ways.
    const back = await investigator.get('/api/v1/legal-basis/proposal?from=XB&to=XA&kind=mla&on=2026-01-01');
    assert.deepEqual(ids(back), ids(mla));
    assert.equal(back.body.treaties[0].parties[0].state, 'XB');
    const early = await investigator.get('/api/v1/legal-basis/proposal?from=XA&to=XB&kind=preservation&on=2012-01-01');
    assert.equal(early.body.reciprocity, true, 'XB was not yet bound by the Budapest Convention in 2012');
    assert.deepEqual(early.body.treaties, []);
  });

  test('a treaty is proposed from its entry into force for both States until a withdrawal takes effect', async () => {
    const pvRatified = (signedOn: string, inForceOn: string) => ({ status: 'ratified', signedOn, inForceOn });
    assert.equal((await put(admin, 'ets-185', 'QA', pvRatified('2005-01-10', '2010-01-01'))).status, 200);
    assert.equal((await put(admin, 'ets-185', 'QB', pvRatified('2019-06-01', '2020-03-01'))).status, 200);
    const on = async (date: string) => propose(investigator, { from: 'QA', to: 'QB', kind: 'preservation', on: date });

    assert.equal((await on('2020-02-29')).body.reciprocity, true, 'not yet in force for QB');
    assert.deepEqual(ids(await on('2020-03-01')), ['ets-185'], 'in force from its first day');
    assert.deepEqual(ids(await on('2025-12-31')), ['ets-185']);

    const withdrawn = await put(admin, 'ets-185', 'QB', { status: 'withdrawn', signedOn: '2019-06-01', inForceOn: '2020-03-01', withdrawnOn: '2026-01-01', reservations: 'denounced by notification of 2025-06-30' });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.deepEqual(ids(await on('2025-12-31')), ['ets-185'], 'still in force on the eve of the withdrawal');
    const gone = await on('2026-01-01');
    assert.equal(gone.body.reciprocity, true, 'withdrawn on the date');
    assert.match(gone.body.notes[0], /reciprocity/);
    assert.equal(await count(node, "audit_log WHERE action = 'legal-basis.party.set' AND subject_id = 'ets-185' AND purpose = 'legal basis of requests'"), 3);
    const last = await node.database.db.query<{ details: { state: string; status: string; previous: { status: string } } }>(
      "SELECT details FROM audit_log WHERE action = 'legal-basis.party.set' ORDER BY id DESC LIMIT 1",
    );
    assert.equal(last.rows[0]!.details.state, 'QB');
    assert.equal(last.rows[0]!.details.status, 'withdrawn');
    assert.equal(last.rows[0]!.details.previous.status, 'ratified');
  });

  test('reciprocity when no treaty binds both States, or none provides for the kind of request', async () => {
    const none = await propose(investigator, { from: 'XA', to: 'QZ', kind: 'mla', on: '2026-01-01' });
    assert.equal(none.status, 200, none.text);
    assert.deepEqual({ reciprocity: none.body.reciprocity, treaties: none.body.treaties }, { reciprocity: true, treaties: [] });
    // Both are bound by the Budapest Convention and UNTOC, but neither provides for emergency requests.
    const emergency = await propose(investigator, { from: 'XA', to: 'XB', kind: 'emergency', on: '2026-06-01' });
    assert.equal(emergency.body.reciprocity, true);
    // The date defaults to today.
    const todays = await propose(investigator, { from: 'XA', to: 'XB', kind: 'extradition' });
    assert.equal(todays.status, 200, todays.text);
    assert.equal(todays.body.on, new Date().toISOString().slice(0, 10));
  });

  test('a bilateral treaty added by the administrator is proposed first, and binds only its two States', async () => {
    for (const state of ['QC', 'QD']) {
      assert.equal((await put(admin, 'untoc', state, { status: 'ratified', inForceOn: '2004-01-01' })).status, 200);
      assert.equal((await put(admin, 'cets-224', state, { status: 'ratified', signedOn: '2022-05-12', inForceOn: '2024-01-01' })).status, 200);
    }
    const before_ = await propose(investigator, { from: 'QC', to: 'QD', kind: 'mla', on: '2026-01-01' });
    assert.deepEqual(ids(before_), ['cets-224', 'untoc'], 'the Second Protocol is more specific than UNTOC');

    const added = await admin.post('/api/v1/legal-basis/treaties', {
      id: 'qc-qd-mla-2023',
      title: 'Treaty between QC and QD on mutual legal assistance in criminal matters',
      shortTitle: 'QC-QD MLA Treaty',
      adoptedOn: '2023-02-01',
      covers: ['mla', 'freezing'],
      parties: [
        { state: 'QC', status: 'ratified', signedOn: '2023-02-01', inForceOn: '2025-01-01' },
        { state: 'QD', status: 'ratified', signedOn: '2023-02-01', inForceOn: '2025-01-01', reservations: 'QD: requests in French or English' },
      ],
    });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.kind, 'bilateral');
    assert.equal(added.body.sample, false);
    assert.deepEqual(added.body.parties.map((p: { state: string }) => p.state), ['QC', 'QD']);
    assert.equal(await count(node, "audit_log WHERE action = 'legal-basis.treaty.add' AND subject_id = 'qc-qd-mla-2023'"), 1);

    const after_ = await propose(investigator, { from: 'QD', to: 'QC', kind: 'mla', on: '2026-01-01' });
    assert.deepEqual(ids(after_), ['qc-qd-mla-2023', 'cets-224', 'untoc']);
    assert.equal(after_.body.treaties[0].parties[0].reservations, 'QD: requests in French or English');
    assert.deepEqual(ids(await propose(investigator, { from: 'QC', to: 'QD', kind: 'mla', on: '2024-12-31' })), ['cets-224', 'untoc'], 'not yet in force');
    assert.deepEqual(ids(await propose(investigator, { from: 'QC', to: 'QD', kind: 'preservation', on: '2026-01-01' })), [], 'it does not provide for preservation');

    // A request carries its basis: the first proposed, one chosen among them, or reciprocity.
    const query = { from: 'QC', to: 'QD', kind: 'mla', on: '2026-01-01' };
    assert.deepEqual(await chooseBasis(node.database.db, query), {
      type: 'treaty', treatyId: 'qc-qd-mla-2023', shortTitle: 'QC-QD MLA Treaty', title: 'Treaty between QC and QD on mutual legal assistance in criminal matters',
      sample: false, from: 'QC', to: 'QD', kind: 'mla', on: '2026-01-01',
    });
    assert.equal((await chooseBasis(node.database.db, query, 'untoc')).type, 'treaty');
    assert.equal((await chooseBasis(node.database.db, query, 'reciprocity')).type, 'reciprocity');
    await assert.rejects(chooseBasis(node.database.db, query, 'ets-185'), { status: 409 });
  });

  test('only the administrator writes; every member of staff reads the table; those who handle requests ask for proposals', async () => {
    const counts = async () => [await count(node, 'treaties'), await count(node, 'treaty_parties'), await count(node, "audit_log WHERE action LIKE 'legal-basis.%'")];
    const was = await counts();
    const bilateral = { id: 'qe-qf', title: 'QE-QF', shortTitle: 'QE-QF', adoptedOn: '2020-01-01', covers: ['mla'], parties: [{ state: 'QE', status: 'signed', signedOn: '2020-01-01' }, { state: 'QF', status: 'signed', signedOn: '2020-01-01' }] };
    const ratify = { status: 'ratified', inForceOn: '2020-01-01' };
    for (const user of [investigator, analyst, responder]) {
      assertProblem(await user.post('/api/v1/legal-basis/treaties', bilateral), 403, 'non-admin adds a treaty');
      assertProblem(await put(user, 'ets-185', 'QE', ratify), 403, 'non-admin sets a status');
    }
    assertProblem(await analyst.get('/api/v1/legal-basis/proposal?from=XA&to=XB&kind=mla'), 403, 'the analyst does not draft requests');
    assertProblem(await responder.get('/api/v1/legal-basis/proposal?from=XA&to=XB&kind=mla'), 403, 'nor does a provider');
    assertProblem(await anonymous.get('/api/v1/legal-basis/treaties'), 401, 'anonymous read');
    assertProblem(await anonymous.get('/api/v1/legal-basis/proposal?from=XA&to=XB&kind=mla'), 401, 'anonymous proposal');
    assertProblem(await anonymous.post('/api/v1/legal-basis/treaties', bilateral), 401, 'anonymous add');
    assertProblem(await put(anonymous, 'ets-185', 'QE', ratify), 401, 'anonymous status');
    assert.deepEqual(await counts(), was);
    for (const role of ['prosecutor', 'central_authority', 'contact_point'] as const) {
      const user = await userWith(admin, `reader-${role.replaceAll('_', '-')}`, [role]);
      assert.equal((await user.get('/api/v1/legal-basis/proposal?from=XA&to=XB&kind=mla')).status, 200, role);
    }
    assert.equal((await analyst.get('/api/v1/legal-basis/treaties')).status, 200);
  });

  test('bad input gets a problem and changes nothing', async () => {
    const was = await snapshot(node.database.db);
    const tableCounts = async () => [await count(node, 'treaties'), await count(node, 'treaty_parties'), await count(node, 'audit_log')];
    const counted = await tableCounts();
    const cases: [string, () => Promise<ApiResponse>, number, RegExp?][] = [
      ['a State code in lower case', () => put(admin, 'ets-185', 'qg', { status: 'signed', signedOn: '2020-01-01' }), 400],
      ['a State code of three letters', () => put(admin, 'ets-185', 'QGG', { status: 'signed', signedOn: '2020-01-01' }), 400],
      ['in force before it was signed', () => put(admin, 'ets-185', 'QG', { status: 'ratified', signedOn: '2020-05-01', inForceOn: '2020-04-01' }), 400, /inForceOn/],
      ['ratified with no date of entry into force', () => put(admin, 'ets-185', 'QG', { status: 'ratified', signedOn: '2020-05-01' }), 400, /inForceOn/],
      ['signed and withdrawn at once', () => put(admin, 'ets-185', 'QG', { status: 'signed', signedOn: '2020-05-01', withdrawnOn: '2021-01-01' }), 400, /withdrawnOn/],
      ['withdrawn before it entered into force', () => put(admin, 'ets-185', 'QG', { status: 'withdrawn', inForceOn: '2020-05-01', withdrawnOn: '2020-05-01' }), 400, /withdrawnOn/],
      ['signed before the treaty was adopted', () => put(admin, 'ets-185', 'QG', { status: 'signed', signedOn: '1999-01-01' }), 400, /adopted/],
      ['a date that does not exist', () => put(admin, 'ets-185', 'QG', { status: 'signed', signedOn: '2021-02-30' }), 400],
      ['an unknown status', () => put(admin, 'ets-185', 'QG', { status: 'acceded', inForceOn: '2021-01-01' }), 400],
      ['an unknown field', () => put(admin, 'ets-185', 'QG', { status: 'signed', signedOn: '2021-01-01', sample: true }), 400],
      ['an unknown treaty', () => put(admin, 'no-such-treaty', 'QG', { status: 'signed', signedOn: '2021-01-01' }), 404],
      ['a third State on a bilateral treaty', () => put(admin, 'xa-xb-mla-2018', 'QG', { status: 'ratified', inForceOn: '2021-01-01' }), 409, /bilateral/],
      ['a treaty id already taken', () => admin.post('/api/v1/legal-basis/treaties', { id: 'ets-185', title: 'T', shortTitle: 'T', adoptedOn: '2020-01-01', covers: ['mla'], parties: [{ state: 'QG', status: 'signed', signedOn: '2020-01-01' }, { state: 'QH', status: 'signed', signedOn: '2020-01-01' }] }), 409],
      ['a bilateral treaty with one State twice', () => admin.post('/api/v1/legal-basis/treaties', { id: 'qg-qg', title: 'T', shortTitle: 'T', adoptedOn: '2020-01-01', covers: ['mla'], parties: [{ state: 'QG', status: 'signed', signedOn: '2020-01-01' }, { state: 'QG', status: 'signed', signedOn: '2020-01-01' }] }), 400],
      ['a bilateral treaty with three States', () => admin.post('/api/v1/legal-basis/treaties', { id: 'qg-qh', title: 'T', shortTitle: 'T', adoptedOn: '2020-01-01', covers: ['mla'], parties: ['QG', 'QH', 'QI'].map((state) => ({ state, status: 'signed', signedOn: '2020-01-01' })) }), 400],
      ['a bilateral treaty covering an unknown kind', () => admin.post('/api/v1/legal-basis/treaties', { id: 'qg-qh', title: 'T', shortTitle: 'T', adoptedOn: '2020-01-01', covers: ['bribery'], parties: [{ state: 'QG', status: 'signed', signedOn: '2020-01-01' }, { state: 'QH', status: 'signed', signedOn: '2020-01-01' }] }), 400],
      ['a bilateral treaty whose party is incoherent', () => admin.post('/api/v1/legal-basis/treaties', { id: 'qg-qh', title: 'T', shortTitle: 'T', adoptedOn: '2020-01-01', covers: ['mla'], parties: [{ state: 'QG', status: 'ratified', signedOn: '2020-01-01', inForceOn: '2019-12-31' }, { state: 'QH', status: 'signed', signedOn: '2020-01-01' }] }), 400, /parties\/0\/inForceOn/],
      ['a proposal for an unknown kind', () => propose(investigator, { from: 'XA', to: 'XB', kind: 'bribery', on: '2026-01-01' }), 400],
      ['a proposal from a badly written State', () => propose(investigator, { from: 'xa', to: 'XB', kind: 'mla', on: '2026-01-01' }), 400],
      ['a proposal from a State to itself', () => propose(investigator, { from: 'XA', to: 'XA', kind: 'mla', on: '2026-01-01' }), 400],
      ['a proposal on a date that does not exist', () => propose(investigator, { from: 'XA', to: 'XB', kind: 'mla', on: '2026-13-01' }), 400],
      ['a proposal without its kind', () => propose(investigator, { from: 'XA', to: 'XB' }), 400],
    ];
    for (const [what, send, status, detail] of cases) {
      const response = await send();
      assertProblem(response, status, what);
      if (detail) assert.match(JSON.stringify(response.body), detail, what);
      assert.deepEqual(await tableCounts(), counted, `${what}: the counts changed`);
    }
    assert.deepEqual(await snapshot(node.database.db), was, 'the database changed');
  });

  describe('property: the proposal is exactly the treaties in force for both States on the date that cover the kind', () => {
    const STATES = ['QM', 'QN', 'QP'];
    let treaties: TreatyView[] = [];
    /** What the test has recorded, `treaty|state` → status: the model the node is checked against. */
    const model = new Map<string, PartyInput>();

    before(async () => {
      const bilaterals = [
        { id: 'qm-qn-test', states: ['QM', 'QN'], adoptedOn: '2008-05-05', covers: ['preservation', 'mla'] },
        { id: 'qn-qp-test', states: ['QN', 'QP'], adoptedOn: '2015-09-09', covers: ['mla', 'freezing', 'extradition'] },
      ];
      for (const b of bilaterals) {
        const parties = b.states.map((state) => ({ state, status: 'signed' as const, signedOn: b.adoptedOn }));
        const added = await admin.post('/api/v1/legal-basis/treaties', { id: b.id, title: b.id, shortTitle: b.id, adoptedOn: b.adoptedOn, covers: b.covers, parties });
        assert.equal(added.status, 201, added.text);
        for (const party of parties) model.set(`${b.id}|${party.state}`, party);
      }
      treaties = ((await admin.get('/api/v1/legal-basis/treaties')).body.items as TreatyView[])
        .filter((t) => MULTILATERAL.includes(t.id) || bilaterals.some((b) => b.id === t.id));
      assert.equal(treaties.length, MULTILATERAL.length + bilaterals.length);
    });

    const statesOf = (treaty: TreatyView) => (treaty.kind === 'bilateral' ? treaty.parties.map((p) => p.state) : STATES);

    /** A coherent status, its dates counted in days from the treaty's adoption. */
    const partyArb = fc.record({
      status: fc.oneof({ arbitrary: fc.constant('signed'), weight: 1 }, { arbitrary: fc.constant('ratified'), weight: 3 }, { arbitrary: fc.constant('withdrawn'), weight: 2 }),
      signed: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
      inForce: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
      withdrawn: fc.integer({ min: 1, max: 8000 }),
    });
    const toInput = (adoptedOn: string, p: { status: string; signed: number | null; inForce: number | null; withdrawn: number }): PartyInput => {
      const signedOn = p.signed === null && p.status !== 'signed' ? null : addDays(adoptedOn, p.signed ?? 0);
      if (p.status === 'signed') return { status: 'signed', signedOn };
      const inForceOn = p.status === 'ratified' || p.inForce !== null ? addDays(signedOn ?? adoptedOn, p.inForce ?? 0) : null;
      if (p.status === 'ratified') return { status: 'ratified', signedOn, inForceOn };
      return { status: 'withdrawn', signedOn, inForceOn, withdrawnOn: addDays(inForceOn ?? signedOn ?? adoptedOn, p.withdrawn) };
    };

    const inForce = (party: PartyInput | undefined, on: string) =>
      party !== undefined && party.status !== 'signed' && !!party.inForceOn && party.inForceOn <= on && (!party.withdrawnOn || on < party.withdrawnOn);

    test('for random statuses, dates and kinds; reciprocity iff none', async () => {
      const seen = { treaties: 0, reciprocity: 0, several: 0, mixed: 0 };
      const update = fc.record({ treaty: fc.nat(), state: fc.nat(), party: partyArb });
      const query = fc.record({
        from: fc.nat(), to: fc.nat(),
        // Any kind, or more often one that some treaty covers.
        kind: fc.oneof(
          { arbitrary: fc.constantFrom('preservation', 'disclosure', 'mla', 'emergency', 'spontaneous', 'freezing', 'extradition'), weight: 1 },
          { arbitrary: fc.tuple(fc.nat(), fc.nat()), weight: 2 },
        ),
        // A day anywhere from 2000 to 2045, or a day next to one of the dates just recorded.
        on: fc.oneof(fc.integer({ min: 0, max: 16_500 }).map((days) => ({ days })), fc.record({ near: fc.nat(), delta: fc.integer({ min: -1, max: 1 }) })),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(update, { minLength: 1, maxLength: 8 }), fc.array(query, { minLength: 1, maxLength: 4 }), async (updates, queries) => {
          for (const u of updates) {
            const treaty = treaties[u.treaty % treaties.length]!;
            const states = statesOf(treaty);
            const state = states[u.state % states.length]!;
            const input = toInput(treaty.adoptedOn, u.party);
            const response = await put(admin, treaty.id, state, input);
            assert.equal(response.status, 200, `${treaty.id}/${state} ${JSON.stringify(input)}: ${response.text}`);
            model.set(`${treaty.id}|${state}`, input);
          }
          for (const q of queries) {
            const from = STATES[q.from % STATES.length]!;
            const to = STATES[(q.from + 1 + (q.to % (STATES.length - 1))) % STATES.length]!;
            const recorded = [...model.entries()].filter(([key]) => key.endsWith(`|${from}`) || key.endsWith(`|${to}`))
              .flatMap(([, p]) => [p.inForceOn, p.withdrawnOn]).filter((d): d is string => !!d);
            const on = 'days' in q.on || recorded.length === 0 ? addDays('2000-01-01', 'days' in q.on ? q.on.days : 0) : addDays(recorded[q.on.near % recorded.length]!, q.on.delta);
            const kind = typeof q.kind === 'string' ? q.kind : (({ covers }) => covers[q.kind[1] % covers.length]!)(treaties[q.kind[0] % treaties.length]!);
            const expected = treaties.filter((t) => t.covers.includes(kind) && inForce(model.get(`${t.id}|${from}`), on) && inForce(model.get(`${t.id}|${to}`), on));
            const response = await propose(investigator, { from, to, kind, on });
            assert.equal(response.status, 200, response.text);
            const got = response.body.treaties as { id: string; kind: string; specificity: number; covers: string[]; parties: { state: string; inForceOn: string }[] }[];
            const what = `${from}→${to} ${kind} on ${on}`;
            assert.deepEqual(got.map((t) => t.id).sort(), expected.map((t) => t.id).sort(), what);
            assert.equal(response.body.reciprocity, expected.length === 0, what);
            seen[expected.length === 0 ? 'reciprocity' : 'treaties'] += 1;
            if (expected.length > 1) seen.several += 1;
            if (expected.some((t) => t.kind === 'bilateral') && expected.some((t) => t.kind === 'multilateral')) seen.mixed += 1;
            for (const t of got) {
              assert.ok(t.covers.includes(kind), what);
              assert.deepEqual(t.parties.map((p) => [p.state, p.inForceOn]), [from, to].map((s) => [s, model.get(`${t.id}|${s}`)!.inForceOn]), what);
            }
            // Bilateral first, then multilateral from the most specific.
            const kinds = got.map((t) => t.kind);
            assert.deepEqual(kinds, [...kinds].sort((a, b) => (a === b ? 0 : a === 'bilateral' ? -1 : 1)), what);
            const specificities = got.filter((t) => t.kind === 'multilateral').map((t) => t.specificity);
            assert.deepEqual(specificities, [...specificities].sort((a, b) => a - b), what);
          }
        }),
        { numRuns: RUNS },
      );
      // The runs exercised both outcomes, and proposals of several treaties whose order is checked.
      if (RUNS >= 30) assert.ok(seen.treaties > 0 && seen.reciprocity > 0 && seen.several > 0, JSON.stringify(seen));
    });
  });
});
