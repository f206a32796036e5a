import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Party, party } from '../support/federation.ts';
import { mutualTrust } from '../support/requests.ts';
import { Api, userWith } from '../support/node.ts';

const RANSOM = { chain: 'bitcoin', address: 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', abuseType: 'ransomware', amount: { value: '0.00012345', asset: 'btc', decimals: 8 }, firstSeen: '2026-03-02', lastSeen: '2026-03-05' };
const SCAM = { address: '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359', abuseType: 'scam', amount: { value: '12345678901234567890.123456789012345678', asset: 'ETH', decimals: 18 } };

describe('the cryptocurrency-abuse database: addresses checked, looked up, matched and exported', () => {
  let a: Party;
  let peer: Party;
  let analyst: Api;
  let investigator: Api;
  let prosecutor: Api;
  let reference = '';
  const count = async () => (await a.node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM wallets')).rows[0]!.n;

  before(async () => {
    [a, peer] = await Promise.all([party('a-police', 'XA'), party('b-247', 'XB')]);
    await mutualTrust([a, peer]);
    analyst = await userWith(a.admin, 'anna', ['analyst']);
    investigator = await userWith(a.admin, 'ines', ['investigator']);
    prosecutor = await userWith(a.admin, 'paul', ['prosecutor']);
  });
  after(() => Promise.all([a, peer].map((p) => p?.node.close())));

  test('an address is added in its canonical writing, with an exact amount, by this node', async () => {
    const added = await analyst.post('/api/v1/wallets', RANSOM);
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.address, 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    assert.deepEqual(added.body.amount, { value: '0.00012345', asset: 'BTC', decimals: 8 });
    assert.equal(added.body.source, 'a-police');
    assert.equal(added.body.addedBy, 'anna');
    const eth = await investigator.post('/api/v1/wallets', SCAM);
    assert.equal(eth.status, 201, eth.text);
    assert.equal(eth.body.chain, 'ethereum', 'the chain is told from the address');
    assert.equal(eth.body.address, '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
    assert.equal(eth.body.amount.value, SCAM.amount.value, 'numeric, never a float');
    const again = await analyst.post('/api/v1/wallets', { ...RANSOM, address: RANSOM.address.toLowerCase() });
    assert.equal(again.status, 409);
  });

  test('a wrong checksum, an unknown chain or a bad amount is a 400 saying so, and nothing is stored', async () => {
    const before_ = await count();
    const typo = await analyst.post('/api/v1/wallets', { ...RANSOM, address: 'bc1zw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5' });
    assert.equal(typo.status, 400);
    assert.match(typo.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(typo.body.type, '/problems/invalid-wallet');
    assert.deepEqual(typo.body.errors.map((e: any) => [e.pointer, e.code]), [['/address', 'wallet-bad-checksum']]);
    assert.match(typo.body.detail, /checksum/);
    const eip55 = await analyst.post('/api/v1/wallets', { chain: 'ethereum', address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', abuseType: 'theft' });
    assert.deepEqual(eip55.body.errors.map((e: any) => e.code), ['wallet-bad-checksum']);
    const chain = await analyst.post('/api/v1/wallets', { chain: 'bitcoincash', address: 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a', abuseType: 'scam' });
    assert.equal(chain.status, 400);
    assert.deepEqual(chain.body.errors.map((e: any) => [e.pointer, e.code]), [['/chain', 'wallet-chain-unknown']]);
    const amounts = await analyst.post('/api/v1/wallets', { chain: 'tron', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', abuseType: 'scam', amount: { value: '1.1234567', asset: 'USDT', decimals: 6 }, firstSeen: '2026-03-05', lastSeen: '2026-03-01' });
    assert.deepEqual(amounts.body.errors.map((e: any) => e.code), ['amount-too-precise', 'dates-reversed']);
    const float = await analyst.post('/api/v1/wallets', { chain: 'tron', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', abuseType: 'scam', amount: { value: 1.5, asset: 'USDT', decimals: 6 } });
    assert.equal(float.status, 400, 'a JSON number is refused: amounts are exact decimal strings');
    assert.equal(await count(), before_);
  });

  test('random text never breaks the API and is never stored', async () => {
    const before_ = await count();
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 120 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), async (address, chain) => {
      const added = await analyst.post('/api/v1/wallets', { address, ...(chain === undefined ? {} : { chain }), abuseType: 'other' });
      assert.ok(added.status === 400 || added.status === 201 || added.status === 409, `${added.status} ${added.text}`);
      const looked = await analyst.get(`/api/v1/wallets/lookup?${new URLSearchParams({ address, ...(chain === undefined ? {} : { chain }) })}`);
      assert.ok(looked.status === 200 || looked.status === 400, `${looked.status} ${looked.text}`);
    }), { numRuns: 40 });
    // Text that reads as an address of no checked chain is kept as chain "other"; nothing else got in.
    const { rows } = await a.node.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM wallets WHERE chain <> 'other'");
    assert.equal(rows[0]!.n, 2);
    assert.ok((await count()) - before_ >= 0);
  });

  test('a lookup tells the chain, answers `matches`, and is audited; other roles are refused', async () => {
    const found = await investigator.get(`/api/v1/wallets/lookup?address=${SCAM.address.toUpperCase().replace('0X', '0x')}`);
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.query.chain, 'ethereum');
    assert.deepEqual(found.body.matches.map((m: any) => m.abuseType), ['scam']);
    const none = await investigator.get('/api/v1/wallets/lookup?address=1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa');
    assert.deepEqual(none.body.matches, []);
    const typo = await investigator.get('/api/v1/wallets/lookup?address=1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb');
    assert.equal(typo.status, 400);
    assert.equal(typo.body.errors[0].code, 'wallet-bad-checksum');
    const audit = await a.admin.get('/api/v1/audit?action=wallets.lookup&actor=ines');
    assert.ok(audit.body.items.length >= 2, 'every lookup leaves a record');
    assert.equal((await prosecutor.get('/api/v1/wallets/lookup?address=1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')).status, 403);
    assert.equal((await prosecutor.post('/api/v1/wallets', RANSOM)).status, 403);
    const list = await analyst.get('/api/v1/wallets?chain=bitcoin&abuseType=ransomware');
    assert.deepEqual(list.body.items.map((m: any) => m.address), ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']);
  });

  test('a public report, a case and a request naming a listed address are flagged; one named before the address was listed too', async () => {
    const report = await new Api(a.node.url).post('/api/v1/prevention/reports', {
      type: 'ransomware', whatHappened: 'My files were encrypted and the note asked for bitcoin.', identifiers: [{ kind: 'wallet', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' }],
    });
    assert.equal(report.status, 201, report.text);
    reference = report.body.reference;
    const ofReport = await analyst.get(`/api/v1/wallets/matches?report=${report.body.reference}`);
    assert.deepEqual(ofReport.body.items.map((m: any) => m.address), ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']);

    const opened = await investigator.post('/api/v1/cases', {
      offence: 'ransomware-extortion', summary: 'A clinic was encrypted.', urgency: 'urgent',
      identifiers: [{ kind: 'wallet', chain: 'erc20', value: SCAM.address }],
    });
    assert.equal(opened.status, 201, opened.text);
    const ofCase = await investigator.get(`/api/v1/wallets/matches?case=${opened.body.id}`);
    assert.deepEqual(ofCase.body.items.map((m: any) => m.abuseType), ['scam'], 'an ERC-20 token address is the same account as on ethereum');

    const drafted = await investigator.post('/api/v1/requests', {
      kind: 'preservation', executor: 'b-247', requestedState: 'XB',
      fields: {
        caseReference: 'XA-CYB-2026-0042', offence: 'ransomware-extortion', summary: 'A hospital was encrypted; the note names a wallet.',
        identifiers: [{ kind: 'wallet', chain: 'bitcoin', value: RANSOM.address }], dataCategories: ['subscriber'], period: { from: '2026-02-20', to: '2026-03-05' }, provider: 'Example Exchange',
      },
    });
    assert.equal(drafted.status, 201, drafted.text);
    const ofRequest = await investigator.get(`/api/v1/wallets/matches?request=${drafted.body.id}`);
    assert.equal(ofRequest.body.items.length, 1);

    // Named first in a case, listed afterwards: the case is flagged when the address is added.
    const early = await investigator.post('/api/v1/cases', {
      offence: 'computer-related-fraud', summary: 'An investment scam paid in TRON.', urgency: 'routine', identifiers: [{ kind: 'wallet', chain: 'tron', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }],
    });
    assert.equal(early.status, 201, early.text);
    const listed = await analyst.post('/api/v1/wallets', { address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', abuseType: 'scam' });
    assert.deepEqual(listed.body.mentions, { reports: 0, cases: 1, requests: 0 });
    const looked = await investigator.get('/api/v1/wallets/lookup?address=bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
    assert.deepEqual(looked.body.matches[0].mentions, { reports: 1, cases: 0, requests: 1 });
    assert.equal((await investigator.get('/api/v1/wallets/matches?case=1&report=2')).status, 400);

    const linked = await analyst.post(`/api/v1/wallets/${listed.body.id}/links`, { report: report.body.reference });
    assert.deepEqual(linked.body.links.reports, [report.body.reference]);
    const toCase = await analyst.post(`/api/v1/wallets/${listed.body.id}/links`, { case: early.body.id });
    assert.deepEqual(toCase.body.links.cases, [early.body.id]);
    assert.equal((await analyst.post(`/api/v1/wallets/${listed.body.id}/links`, { report: 'R-NONE' })).status, 404);
  });

  test('the STIX export is a bundle of indicators marked TLP:GREEN, without personal data', async () => {
    const exported = await analyst.get('/api/v1/wallets/stix');
    assert.equal(exported.status, 200, exported.text);
    assert.match(exported.headers.get('content-type') ?? '', /^application\/stix\+json;\s*version="?2\.1"?/);
    assert.equal(exported.body.type, 'bundle');
    assert.match(exported.body.id, /^bundle--[0-9a-f-]{36}$/);
    const ransom = exported.body.objects.find((o: any) => o.pattern.includes('bc1qw508'));
    assert.equal(ransom.type, 'indicator');
    assert.equal(ransom.spec_version, '2.1');
    assert.equal(ransom.pattern, "[cryptocurrency-wallet:address = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']");
    assert.equal(ransom.valid_from, '2026-03-02T00:00:00.000Z');
    assert.deepEqual(ransom.object_marking_refs, ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb']);
    for (const secret of ['anna', 'ines', reference, '0.00012345']) assert.ok(!exported.text.includes(secret), `${secret} stays on the node`);
    const red = await analyst.get('/api/v1/wallets/stix?tlp=red');
    assert.ok(red.body.objects.every((o: any) => o.object_marking_refs[0] === 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'));
    assert.equal((await analyst.get('/api/v1/wallets/stix?tlp=purple')).status, 400);
  });

  test('dogecoin, XRP Ledger, Solana and Monero addresses are added, told from their writing, looked up and exported', async () => {
    const entries = [
      { chain: 'dogecoin', address: 'DDogepartyxxxxxxxxxxxxxxxxxxw1dfzr' },
      { chain: 'xrp', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh' },
      { chain: 'solana', address: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v' },
      { chain: 'monero', address: '888tNkZrPN6JsEgekjMnABU4TBzc2Dt29EPAvkRxbANsAnjyPbb3iQ1YBRk1UXcdRsiKc9dhwMVgN5S9cQUiyoogDavup3H' },
    ];
    for (const [i, { chain, address }] of entries.entries()) {
      // Half given with their chain, half told from the address.
      const added = await analyst.post('/api/v1/wallets', { ...(i % 2 === 0 ? { chain } : {}), address, abuseType: 'scam' });
      assert.equal(added.status, 201, added.text);
      assert.deepEqual([added.body.chain, added.body.address], [chain, address]);
      const looked = await investigator.get(`/api/v1/wallets/lookup?address=${address}`);
      assert.equal(looked.status, 200, looked.text);
      assert.deepEqual(looked.body.query, { chain, address, keys: [`wallet:${chain}:${address}`] });
      assert.deepEqual(looked.body.matches.map((m: any) => m.id), [added.body.id]);
      const listed = await analyst.get(`/api/v1/wallets?chain=${chain}`);
      assert.deepEqual(listed.body.items.map((m: any) => m.address), [address]);
    }
    const exported = await analyst.get('/api/v1/wallets/stix');
    const doge = exported.body.objects.find((o: any) => o.x_entraide_chain === 'dogecoin');
    assert.equal(doge.pattern, "[cryptocurrency-wallet:address = 'DDogepartyxxxxxxxxxxxxxxxxxxw1dfzr']");
    assert.deepEqual(doge.labels, ['scam', 'dogecoin']);
  });

  test('a typo in a new chain\'s address, an X-address or a test-network address is a 400 saying so, and nothing is stored', async () => {
    const before_ = await count();
    // Values put in a message are isolated (U+2068 … U+2069) so that an address reads the same in Arabic.
    const withoutIsolates = (text: string) => text.replace(/[\u2068\u2069]/g, '');
    const refused = async (body: Record<string, unknown>) => {
      const answer = await analyst.post('/api/v1/wallets', { abuseType: 'theft', ...body });
      assert.equal(answer.status, 400, answer.text);
      assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
      const error = answer.body.errors[0] as { pointer: string; code: string; detail: string };
      return { ...error, detail: withoutIsolates(error.detail) };
    };
    assert.equal((await refused({ chain: 'dogecoin', address: 'DDogepartyxxxxxxxxxxxxxxxxxxw1dfzR' })).code, 'wallet-bad-checksum');
    assert.equal((await refused({ address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi' })).code, 'wallet-bad-checksum', 'an r… address without its chain is XRP\'s, mistyped');
    assert.equal((await refused({ chain: 'monero', address: '55LTR8KniP4LQGJSPtbYDacR7dz8RBFnsfAKMaMuwUNYX6aQbBcovzDPyrQF9KXF9tVU6Xk3K8no1BywnJX6GvZX8yJsXvt' })).code, 'wallet-testnet');
    assert.deepEqual(await refused({ chain: 'bitcoin', address: 'rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh' }), {
      pointer: '/chain', code: 'wallet-wrong-chain', detail: 'This is a valid address on another chain: XRP (XRP Ledger). Choose that chain.',
    });
    const x = await refused({ chain: 'xrp', address: 'XVLhHMPHU98es4dbozjVtdWzVrDjtV18pX8yuPT7y4xaEHi' });
    assert.equal(x.code, 'wallet-x-address');
    assert.equal(x.detail, 'This is an XRP X-address. Enter the classic address of its account instead, rGWrZyQqhTp9Xu7G5Pkayo7bXjH4k4QYpf, and note its destination tag, 4294967295, separately.');
    const french = await analyst.call('POST', '/api/v1/wallets', { address: 'X7AcgcsBL6XDcUb289X4mJ8djcdyKaB5hJDWMArnXr61cqZ', abuseType: 'theft' }, { 'accept-language': 'fr' });
    assert.equal(withoutIsolates(french.body.errors[0].detail), 'C’est une X-address XRP. Saisissez plutôt l’adresse classique de son compte : r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59.');
    assert.equal(await count(), before_);
  });
});
