import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { validateStixObject } from '../../src/intelligence/stix/validate.ts';
import { Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

const AMBER = 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421';
const TAXII = 'application/taxii+json;version=2.1';

const CASE = {
  offence: 'online-investment-fraud',
  summary: 'Maria Lopez paid her savings to FR76 3000 6000 0112 3456 7890 189 after a call from +44 7400 123456.',
  identifiers: [
    { kind: 'url', value: 'https://jane:secret@quick-gains.example/invest?ref=jane@home.example#top' },
    { kind: 'url', value: 'https://quick-gains.example/invest?session=0123456789' },
    { kind: 'email', value: 'support@quick-gains.example' },
    { kind: 'wallet', chain: 'bitcoin', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
    { kind: 'domain', value: 'quick-gains-support.example' },
    { kind: 'phone', value: '+44 7400 123456' },
    { kind: 'account', service: 'telegram', value: '@maria_lopez' },
    { kind: 'ip', value: '198.51.100.23', observedAt: '2026-01-02T03:04:05Z', port: 51234 },
  ],
  urgency: 'urgent',
};

describe('a case made into intelligence, with nothing that could name a person', () => {
  let node: TestNode;
  /** Reads cases (investigator) and writes the Indicators collection (analyst). */
  let morel: Api;
  let investigator: Api;
  let analyst: Api;
  let prosecutor: Api;
  let reference: string;
  let caseId: string;
  let collectionId: string;
  const make = (api: Api, body: unknown, ref = reference) => api.post(`/api/v1/intelligence/cases/${encodeURIComponent(ref)}/stix`, body);
  /** What the investigator chooses to share: the case's infrastructure, as the case names it (normal form). */
  let chosen: { kind: string; value: string }[];
  const snapshot = async () => (await node.database.db.query('SELECT count(*)::int AS n, max(date_added)::text AS last FROM stix_objects')).rows[0];

  before(async () => {
    let admin: Api;
    ({ node, admin } = await startTestNodeWithAdmin());
    morel = await userWith(admin, 'morel', ['investigator', 'analyst']);
    investigator = await userWith(admin, 'ivo', ['investigator']);
    analyst = await userWith(admin, 'ana', ['analyst']);
    prosecutor = await userWith(admin, 'pat', ['prosecutor']);
    const opened = await morel.post('/api/v1/cases', CASE);
    assert.equal(opened.status, 201, opened.text);
    ({ reference, id: caseId } = opened.body);
    // Cases take IBANs once their forms name the kind; one already kept must not travel either.
    await node.database.db.query(
      'UPDATE cases SET identifiers = identifiers || $2::jsonb WHERE id = $1', [caseId, JSON.stringify([{ kind: 'iban', value: 'FR7630006000011234567890189' }])],
    );
    collectionId = (await node.database.db.query<{ id: string }>('SELECT id FROM taxii_collections ORDER BY created_at LIMIT 1')).rows[0]!.id;
    const named = (await node.database.db.query<{ identifiers: { kind: string; value: string }[] }>('SELECT identifiers FROM cases WHERE id = $1', [caseId])).rows[0]!.identifiers;
    chosen = named.filter(({ kind }) => ['url', 'email', 'wallet', 'domain'].includes(kind)).map(({ kind, value }) => ({ kind, value }));
  });
  after(() => node.close());

  test('a STIX report and one indicator per website, domain, sender and wallet, valid, marked TLP:AMBER, readable over TAXII, without the people named', async () => {
    const unchosen = await make(morel, { collectionId });
    assert.equal(unchosen.status, 400, 'a case does not say whose an address is: the investigator names what to share');
    assert.match(JSON.stringify(unchosen.body), /identifiers/, "the problem names the missing field");
    const made = await make(morel, { collectionId, identifiers: chosen });
    assert.equal(made.status, 201, made.text);
    const objects = made.body.objects as Record<string, unknown>[];
    assert.deepEqual(objects.map((object) => object.type), ['indicator', 'indicator', 'indicator', 'indicator', 'report']);
    assert.deepEqual(objects.slice(0, 4).map((object) => object.pattern), [
      "[domain-name:value = 'quick-gains-support.example']",
      "[email-addr:value = 'support@quick-gains.example']",
      "[url:value = 'https://quick-gains.example/invest']",
      "[cryptocurrency-wallet:address = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq']",
    ]);
    for (const object of objects) assert.deepEqual(validateStixObject(object), [], JSON.stringify(object));
    assert.ok(objects.every((object) => (object.object_marking_refs as string[])[0] === AMBER), 'TLP:AMBER');
    assert.deepEqual(objects[4]!.object_refs, objects.slice(0, 4).map((object) => object.id));
    assert.deepEqual(objects[4]!.labels, ['online-investment-fraud']);
    const text = JSON.stringify(objects);
    for (const personal of ['Maria', 'maria_lopez', 'savings', 'jane', 'secret', 'session', '+44 7400', '447400123456', 'FR76', 'FR7630006000011234567890189', '198.51.100.23', 'morel', reference, caseId]) {
      assert.ok(!text.includes(personal), `${personal} left out`);
    }
    assert.equal(made.body.added, 5);

    // An investigator reads the collection over TAXII, as any TAXII client would.
    const taxii = await fetch(`${node.url}/taxii2/${node.config.nodeId}/collections/${collectionId}/objects/`, {
      headers: { accept: TAXII, authorization: `Basic ${Buffer.from('ivo:ivo-secret-passphrase').toString('base64')}` },
    });
    assert.equal(taxii.status, 200);
    const served = ((await taxii.json()) as { objects: Record<string, unknown>[] }).objects;
    assert.deepEqual(served.map((object) => object.id).sort(), objects.map((object) => object.id).sort());
    assert.ok(!JSON.stringify(served).includes('Maria'));

    const again = await make(morel, { collectionId, tlp: 'amber', identifiers: chosen });
    assert.equal(again.status, 201, again.text);
    assert.deepEqual(again.body.objects.map((object: { id: string }) => object.id), objects.map((object) => object.id), 'made again, the same objects');
    assert.equal(again.body.added, 0, 'made again, nothing new');
    const remarked = await make(morel, { collectionId, tlp: 'green', identifiers: chosen });
    assert.equal(remarked.status, 409, 'another marking for objects already shared is refused, not silently ignored');
    assert.match(remarked.body.detail, /this case .*TLP:AMBER/);

    const { rows } = await node.database.db.query<{ actor_name: string; role: string; subject_type: string; subject_id: string; case_id: string; purpose: string; details: { added: number } }>(
      "SELECT actor_name, role, subject_type, subject_id, case_id, purpose, details FROM audit_log WHERE action = 'intelligence.case.stix' ORDER BY id",
    );
    assert.deepEqual(rows.map((row) => [row.actor_name, row.role, row.subject_type, row.subject_id, row.case_id, row.purpose, row.details.added]), [
      ['morel', 'investigator', 'case', caseId, caseId, 'sharing what cases reveal of criminal infrastructure', 5],
      ['morel', 'investigator', 'case', caseId, caseId, 'sharing what cases reveal of criminal infrastructure', 0],
    ], 'each making recorded against the case; the refused re-marking left none');
  });

  test('only what the investigator chose travels; a phone number or an identifier the case does not name is refused', async () => {
    const opened = await morel.post('/api/v1/cases', {
      offence: 'romance-scam', summary: 'Called by "Dr. Ahmed" every night.',
      identifiers: [{ kind: 'phone', value: '+44 7400 654321' }, { kind: 'email', value: 'victim@mail.example' }, { kind: 'url', value: 'https://dating-scam.example/profile' }],
    });
    assert.equal(opened.status, 201, opened.text);
    const before_ = await snapshot();
    const phone = await make(morel, { collectionId, identifiers: [{ kind: 'phone', value: '+447400654321' }] }, opened.body.reference);
    assert.equal(phone.status, 400);
    assert.deepEqual(phone.body.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code]), [['/identifiers/0/kind', 'kind-not-shared']]);
    const stranger = await make(morel, { collectionId, identifiers: [{ kind: 'url', value: 'https://elsewhere.example/' }] }, opened.body.reference);
    assert.deepEqual([stranger.status, stranger.body.errors[0].code], [400, 'not-named']);
    assert.deepEqual(await snapshot(), before_, 'nothing added');

    // The victim's mailbox is named in the case too; the investigator shares only the scammer's website.
    const made = await make(morel, { collectionId, tlp: 'clear', identifiers: [{ kind: 'url', value: 'https://dating-scam.example/profile' }] }, opened.body.reference);
    assert.equal(made.status, 201, made.text);
    const [indicator, report] = made.body.objects;
    assert.equal(made.body.objects.length, 2);
    for (const object of made.body.objects) assert.deepEqual(validateStixObject(object), []);
    assert.equal(indicator.pattern, "[url:value = 'https://dating-scam.example/profile']");
    assert.deepEqual(report.object_refs, [indicator.id]);
    const text = JSON.stringify(made.body.objects);
    for (const personal of ['654321', 'Ahmed', 'victim@mail.example']) assert.ok(!text.includes(personal), `${personal} left out`);
  });

  test('other roles, unknown cases and collections, and bad input are refused as problems and change nothing', async () => {
    const before_ = await snapshot();
    const identifiers = chosen;
    const answers = [
      await make(investigator, { collectionId, identifiers }),
      await make(analyst, { collectionId, identifiers }),
      await make(prosecutor, { collectionId, identifiers }),
      await make(new Api(node.url), { collectionId, identifiers }),
      await make(morel, { collectionId, identifiers }, 'NO-SUCH-CASE'),
      await make(morel, { collectionId: '00000000-0000-4000-8000-000000000000', identifiers }),
      await make(morel, { collectionId, tlp: 'purple', identifiers }),
      await make(morel, { collectionId: 'not-a-uuid', identifiers }),
      await make(morel, { collectionId, reference, identifiers }),
      await make(morel, {}),
      await make(morel, { collectionId, identifiers }, 'x'.repeat(41)),
      await make(morel, { collectionId, identifiers: [] }),
      await make(morel, { collectionId: `urn:uuid:${collectionId}`, identifiers }),
    ];
    assert.deepEqual(answers.map((answer) => answer.status), [403, 403, 403, 401, 404, 404, 400, 400, 400, 400, 400, 400, 400]);
    assert.ok(answers.every((answer) => /^application\/problem\+json/.test(answer.headers.get('content-type') ?? '')), answers.map((a) => a.headers.get('content-type')).join());
    assert.match(answers[0]!.body.detail, /may not write to the collection/, 'an investigator alone reads the case but may not write the collection');
    assert.deepEqual(await snapshot(), before_);
    const { rows } = await node.database.db.query("SELECT actor_name FROM audit_log WHERE action = 'access.denied' AND subject_id = 'POST /api/v1/intelligence/cases/:reference/stix' ORDER BY id");
    assert.deepEqual(rows.map((row) => row.actor_name), ['ana', 'pat'], 'roles that may not read cases are refused and recorded');
    const { rows: write } = await node.database.db.query("SELECT actor_name FROM audit_log WHERE action = 'access.denied' AND subject_type = 'taxii-collection' AND subject_id = $1", [collectionId]);
    assert.deepEqual(write.map((row) => row.actor_name), ['ivo'], 'the refusal to write the collection is recorded too');
  });

  test('whatever reference and body are sent, no server error and no object changes (the case is already shared as AMBER)', async () => {
    const before_ = await snapshot();
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({
        collectionId: fc.oneof(fc.constant(collectionId), fc.uuid(), fc.string({ maxLength: 40 })),
        tlp: fc.oneof(fc.constantFrom('clear', 'green', 'amber', 'amber+strict', 'red', 'AMBER', ''), fc.string({ maxLength: 12 }), fc.integer()),
        identifiers: fc.oneof(fc.constant(chosen), fc.array(fc.record({ kind: fc.constantFrom('url', 'email', 'phone', 'ip', 'wallet'), value: fc.string({ maxLength: 60 }) }), { maxLength: 3 }), fc.jsonValue()),
        extra: fc.jsonValue(),
      }, { requiredKeys: [] }),
    );
    const ref = fc.oneof(fc.constant(reference), fc.string({ minLength: 1, maxLength: 50 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }));
    await fc.assert(fc.asyncProperty(ref, body, async (r, b) => {
      const answer = await make(morel, b, r);
      assert.ok(answer.status < 500, `${answer.status} ${answer.text}`);
    }), { numRuns: 150 });
    assert.deepEqual(await snapshot(), before_);
  });
});
