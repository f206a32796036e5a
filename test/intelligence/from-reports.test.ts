import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { validateStixObject } from '../../src/intelligence/stix/validate.ts';
import { Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

describe('a public report made into intelligence, with nothing that could name a person', () => {
  let node: TestNode;
  let analyst: Api;
  let investigator: Api;
  let reference: string;
  let collectionId: string;
  const make = (api: Api, body: object, ref = reference) => api.post(`/api/v1/intelligence/reports/${ref}/stix`, body);

  before(async () => {
    let admin: Api;
    ({ node, admin } = await startTestNodeWithAdmin());
    analyst = await userWith(admin, 'ana', ['analyst']);
    investigator = await userWith(admin, 'ivo', ['investigator']);
    const sent = await new Api(node.url).post('/api/v1/prevention/reports', {
      type: 'crypto-scam',
      whatHappened: 'Maria Lopez, my neighbour, told me about a platform; I sent it my savings.',
      identifiers: [
        { kind: 'url', value: 'https://quick-gains.example/invest?ref=jane@home.example#top' }, { kind: 'email', value: 'support@quick-gains.example' },
        { kind: 'wallet', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' }, { kind: 'phone', value: '+44 7400 123456' },
        { kind: 'iban', value: 'FR76 3000 6000 0112 3456 7890 189' },
      ],
      contact: { name: 'Jane Victim', email: 'jane@home.example' },
    });
    assert.equal(sent.status, 201, sent.text);
    reference = sent.body.reference;
    collectionId = (await node.database.db.query<{ id: string }>('SELECT id FROM taxii_collections ORDER BY created_at LIMIT 1')).rows[0]!.id;
  });
  after(() => node.close());

  test('a STIX report and one indicator per website, sender and wallet, valid, marked TLP:AMBER, without the reporter or the people named', async () => {
    const made = await make(analyst, { collectionId });
    assert.equal(made.status, 201, made.text);
    const objects = made.body.objects as Record<string, unknown>[];
    assert.deepEqual(objects.map((object) => object.type), ['indicator', 'indicator', 'indicator', 'report']);
    assert.deepEqual(objects.slice(0, 3).map((object) => object.pattern), [
      "[email-addr:value = 'support@quick-gains.example']",
      "[url:value = 'https://quick-gains.example/invest']",
      "[cryptocurrency-wallet:address = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq']",
    ]);
    for (const object of objects) assert.deepEqual(validateStixObject(object), [], JSON.stringify(object));
    assert.ok(objects.every((object) => (object.object_marking_refs as string[])[0] === 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'), 'TLP:AMBER');
    const text = JSON.stringify(objects);
    for (const personal of ['Maria', 'Jane', 'jane@home.example', '7400', 'FR76', '3000 6000', reference]) assert.ok(!text.includes(personal), `${personal} left out`);
    assert.equal(made.body.added, 4);

    const again = await make(analyst, { collectionId });
    assert.equal(again.body.added, 0, 'made again, the same objects: nothing new');
    const remarked = await make(analyst, { collectionId, tlp: 'green' });
    assert.equal(remarked.status, 409, 'another marking for objects already shared is refused, not silently ignored');
    assert.match(remarked.body.detail, /TLP:AMBER/);
    const { rows } = await node.database.db.query("SELECT details FROM audit_log WHERE action = 'intelligence.report.stix'");
    assert.equal(rows.length, 2);
  });

  test('bad input and other roles change nothing', async () => {
    const count = async () => Number((await node.database.db.query<{ n: string }>('SELECT count(*) AS n FROM stix_objects')).rows[0]!.n);
    const before_ = await count();
    const answers = [
      await make(investigator, { collectionId }),
      await make(analyst, { collectionId }, 'NO-SUCH-REF'),
      await make(analyst, { collectionId: '00000000-0000-4000-8000-000000000000' }),
      await make(analyst, { collectionId, tlp: 'purple' }),
      await make(analyst, { collectionId: 'not-a-uuid' }),
      await make(analyst, {}),
    ];
    assert.deepEqual(answers.map((answer) => answer.status), [403, 404, 404, 400, 400, 400]);
    assert.ok(answers.every((answer) => /^application\/problem\+json/.test(answer.headers.get('content-type') ?? '')));
    assert.equal(await count(), before_);
  });
});
