import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN, Api, type TestNode, startTestNode, userWith } from '../support/node.ts';

const SCAM = {
  type: 'online-fraud',
  whatHappened: 'I paid for a sofa on a website. It never came and the seller does not answer.',
  occurredOn: '2025-03-02',
  amountLost: 480,
  currency: 'eur',
  contactChannel: 'website',
  identifiers: [
    { kind: 'url', value: 'https://www.sofa-bargains.example/checkout/' },
    { kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 55' },
    { kind: 'phone', value: '+44 20 7946 0958' },
  ],
  contact: { name: 'Margaret', email: 'margaret@example.org' },
};

async function auditCount(node: TestNode, action: string, subject?: string): Promise<number> {
  const { rows } = await node.database.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR subject_id = $2)',
    [action, subject ?? null],
  );
  return rows[0]!.n;
}

describe('public reports through the API: submit, follow, triage, answer, withdraw', () => {
  let node: TestNode;
  let anyone: Api;
  let analyst: Api;
  let investigator: Api;
  let admin: Api;

  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 1000 } });
    anyone = new Api(node.url);
    admin = await anyone.login(ADMIN.username, ADMIN.password);
    analyst = await userWith(admin, 'alma', ['analyst']);
    investigator = await userWith(admin, 'ivan', ['investigator']);
  });
  after(() => node.close());

  test('a report gets a reference, a code shown once and stored only as a digest, and the advice for its type', async () => {
    const sent = await anyone.post('/api/v1/prevention/reports', SCAM);
    assert.equal(sent.status, 201, sent.text);
    assert.match(sent.body.reference, /^ENT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    assert.match(sent.body.accessCode, /^([0-9A-Z]{4}-){6}[0-9A-Z]{3}$/);
    assert.equal(sent.body.status, 'received');
    assert.ok(sent.body.guidance.some((step: { text: string }) => /bank/.test(step.text)));
    const stored = await node.database.db.query<{ digest: string }>("SELECT encode(access_digest, 'hex') AS digest FROM reports WHERE reference = $1", [sent.body.reference]);
    assert.equal(stored.rows[0]!.digest.length, 64);
    const everything = JSON.stringify((await node.database.db.query('SELECT * FROM reports')).rows);
    assert.ok(!everything.includes(sent.body.accessCode) && !everything.includes(sent.body.accessCode.replaceAll('-', '')), 'the code itself is stored nowhere');
    assert.equal(await auditCount(node, 'prevention.report.submit', sent.body.reference), 1);
  });

  test('ransomware advice points to the free decryptors of No More Ransom, in the language asked for', async () => {
    const sent = await anyone.call('POST', '/api/v1/prevention/reports', { type: 'ransomware', whatHappened: 'Tous mes fichiers sont chiffrés.', identifiers: [] }, { 'accept-language': 'fr-FR,fr;q=0.9' });
    assert.equal(sent.status, 201, sent.text);
    assert.ok(sent.body.guidance.some((step: { link?: string }) => step.link === 'https://www.nomoreransom.org/'));
    assert.ok(sent.body.guidance.some((step: { text: string }) => /rançon/.test(step.text)), JSON.stringify(sent.body.guidance));
  });

  test('the reporter follows the report with the reference and code, typed loosely; the staff answer reaches them', async () => {
    const { reference, accessCode } = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    const loosely = { reference: reference.toLowerCase().replaceAll('-', ' '), accessCode: accessCode.toLowerCase().replaceAll('-', '') };
    const followed = await anyone.post('/api/v1/prevention/my-report', loosely);
    assert.equal(followed.status, 200, followed.text);
    assert.deepEqual({ ...followed.body, submittedAt: undefined }, { reference, type: 'online-fraud', status: 'received', submittedAt: undefined, entries: [] });

    const answered = await investigator.post(`/api/v1/prevention/reports/${reference}/answer`, { status: 'linked', message: 'Your report is part of an investigation. Thank you.' });
    assert.deepEqual(answered.body, { reference, status: 'linked', severity: 'medium' });
    const added = await anyone.post('/api/v1/prevention/my-report/additions', { ...loosely, text: 'The seller also called me from +44 20 7946 0000.' });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.entries.map((entry: { author: string; body: string; status: string | null }) => [entry.author, entry.status, entry.body]), [
      ['staff', 'linked', 'Your report is part of an investigation. Thank you.'],
      ['reporter', null, 'The seller also called me from +44 20 7946 0000.'],
    ]);
    assert.equal(added.body.status, 'linked');
  });

  test('a wrong code and an unknown reference get the same answer; five wrong codes lock the reference, known or not', async () => {
    const { reference, accessCode } = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    const other = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    const unknown = 'ENT-0000-0000-0';
    const wrong = await anyone.post('/api/v1/prevention/my-report', { reference, accessCode: other.accessCode });
    const nobody = await anyone.post('/api/v1/prevention/my-report', { reference: unknown, accessCode });
    assert.equal(wrong.status, 403);
    assert.equal(nobody.status, 403);
    assert.deepEqual({ ...wrong.body, instance: undefined }, { ...nobody.body, instance: undefined });
    assert.equal(wrong.body.type, '/problems/access-refused');

    for (let i = 0; i < 4; i += 1) {
      assert.equal((await anyone.post('/api/v1/prevention/my-report', { reference, accessCode: other.accessCode })).status, 403);
      assert.equal((await anyone.post('/api/v1/prevention/my-report', { reference: unknown, accessCode })).status, 403);
    }
    const locked = await anyone.post('/api/v1/prevention/my-report', { reference, accessCode });
    const lockedUnknown = await anyone.post('/api/v1/prevention/my-report', { reference: unknown, accessCode });
    assert.equal(locked.status, 429, 'even the right code waits');
    assert.equal(lockedUnknown.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal(locked.body.type, lockedUnknown.body.type);
    assert.equal((await anyone.post('/api/v1/prevention/my-report', { reference: other.reference, accessCode: other.accessCode })).status, 200, 'other reports are not affected');
    assert.ok(await auditCount(node, 'prevention.report.follow', reference) >= 6);
  });

  test('a mistyped reference or code is told as a typo, before anything is looked up or counted', async () => {
    const { reference, accessCode } = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    // Two neighbours that differ, swapped: the typo a check character must catch.
    const at = [4, 5, 6, 9, 10, 11].find((i) => reference[i] !== reference[i + 1])!;
    const swapped = reference.slice(0, at) + reference[at + 1] + reference[at] + reference.slice(at + 2);
    const typo = await anyone.post('/api/v1/prevention/my-report', { reference: swapped, accessCode: `${accessCode.slice(0, -1)}${accessCode.endsWith('0') ? '1' : '0'}` });
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.body.errors.map((error: { pointer: string }) => error.pointer), ['/reference', '/accessCode']);
    assert.match(typo.body.errors[0].detail, /typo/);
    const counted = async () => (await node.database.db.query('SELECT 1 FROM report_access_throttle')).rows.length;
    const count = await counted();
    const malformed = await anyone.post('/api/v1/prevention/my-report', { reference: 'my report', accessCode });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.errors[0].detail, /not a reference number/);
    assert.equal(await counted(), count);
  });

  test('the queue links reports that name the same criminal, however each reporter wrote it', async () => {
    const post = async (report: object) => {
      const sent = await anyone.post('/api/v1/prevention/reports', report);
      assert.equal(sent.status, 201, sent.text);
      return sent.body.reference as string;
    };
    const first = await post({ type: 'romance-scam', whatHappened: 'He asked for money for a plane ticket.', identifiers: [{ kind: 'phone', value: '00 44 7400 123456' }, { kind: 'email', value: 'Captain.John@Mail.example' }, { kind: 'iban', value: 'FR76 3000 6000 0112 3456 7890 189' }] });
    const second = await post({ type: 'crypto-scam', whatHappened: 'Invested in a fake platform he recommended.', identifiers: [{ kind: 'email', value: 'captain.john@mail.example' }, { kind: 'wallet', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' }] });
    const third = await post({ type: 'romance-scam', whatHappened: 'Same man, other name.', identifiers: [{ kind: 'phone', value: '+447400123456' }] });
    const fourth = await post({ type: 'online-fraud', whatHappened: 'I paid a deposit for a flat that does not exist.', identifiers: [{ kind: 'iban', value: 'fr76-3000-6000-0112-3456-7890-189' }] });
    const lone = await post({ type: 'phishing', whatHappened: 'A fake parcel SMS.', identifiers: [{ kind: 'phone', value: '+447400123999' }, { kind: 'iban', value: 'DE89 3704 0044 0532 0130 00' }] });

    const queue = await analyst.get('/api/v1/prevention/reports?limit=500');
    assert.equal(queue.status, 200, queue.text);
    const linked = Object.fromEntries(queue.body.items.map((item: { reference: string; linked: number }) => [item.reference, item.linked]));
    assert.deepEqual([linked[first], linked[second], linked[third], linked[fourth], linked[lone]], [3, 1, 1, 1, 0]);

    const report = await analyst.get(`/api/v1/prevention/reports/${first}`);
    assert.equal(report.status, 200, report.text);
    assert.deepEqual(report.body.linked.map((other: { reference: string }) => other.reference).sort(), [second, third, fourth].sort());
    const identifier = (kind: string) => report.body.identifiers.find((one: { kind: string }) => one.kind === kind);
    assert.deepEqual([identifier('phone').value, identifier('phone').normalised, identifier('phone').alsoIn], ['00 44 7400 123456', '+447400123456', [third]]);
    assert.deepEqual([identifier('iban').value, identifier('iban').normalised, identifier('iban').alsoIn], ['FR76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189', [fourth]]);
    const sharedWith = (reference: string) => report.body.linked.find((other: { reference: string }) => other.reference === reference).shared;
    assert.deepEqual(sharedWith(second), [{ kind: 'email', normalised: 'Captain.John@mail.example' }]);
    assert.deepEqual(sharedWith(fourth), [{ kind: 'iban', normalised: 'FR7630006000011234567890189' }]);
    // The keys are the platform's: a case naming the same IBAN or phone finds these reports.
    const { rows } = await node.database.db.query<{ match_key: string }>(
      'SELECT DISTINCT i.match_key FROM report_identifiers i JOIN reports r ON r.id = i.report_id WHERE r.reference = ANY($1) ORDER BY 1', [[first, third, fourth]],
    );
    assert.deepEqual(rows.map((row) => row.match_key), ['email:captain.john@mail.example', 'iban:FR7630006000011234567890189', 'phone:+447400123456']);
  });

  test('an IBAN or a phone number that is not one is refused, told why, and nothing is stored', async () => {
    const count = async () => (await node.database.db.query('SELECT 1 FROM reports')).rows.length;
    const before_ = await count();
    const refused = await anyone.post('/api/v1/prevention/reports', {
      type: 'online-fraud', whatHappened: 'x',
      identifiers: [{ kind: 'iban', value: 'GB34 BUKB 2020 1555 5555 55' }, { kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 5' }, { kind: 'phone', value: '020 7946 0958' }],
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.errors.map((error: { pointer: string }) => error.pointer), ['/identifiers/0/value', '/identifiers/1/value', '/identifiers/2/value']);
    assert.match(refused.body.errors[1].detail, /an IBAN that starts with .?GB.? has 22/);
    assert.match(refused.body.errors[2].detail, /country code/);
    assert.equal(await count(), before_);
  });

  test('the queue filters by type, severity and status, the most serious first', async () => {
    await anyone.post('/api/v1/prevention/reports', { type: 'sextortion', whatHappened: 'Someone threatens to send my photos to my family.', identifiers: [] });
    const all = (await analyst.get('/api/v1/prevention/reports?limit=500')).body.items as { severity: string; type: string; status: string }[];
    const ranks = all.map((item) => ['high', 'medium', 'low'].indexOf(item.severity));
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
    const high = (await analyst.get('/api/v1/prevention/reports?severity=high')).body.items as { severity: string; type: string }[];
    assert.ok(high.length >= 2 && high.every((item) => item.severity === 'high'));
    const romance = (await analyst.get('/api/v1/prevention/reports?type=romance-scam&status=received')).body.items as { type: string; status: string }[];
    assert.ok(romance.length === 2 && romance.every((item) => item.type === 'romance-scam' && item.status === 'received'));
    assert.equal((await analyst.get('/api/v1/prevention/reports?severity=urgent')).status, 400);
  });

  test('every staff read is audited, in its transaction, with its purpose and the reports it showed', async () => {
    const { reference } = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    const before_ = await auditCount(node, 'prevention.report.read', reference);
    assert.equal((await analyst.get(`/api/v1/prevention/reports/${reference}`)).status, 200);
    assert.equal((await investigator.get(`/api/v1/prevention/reports/${reference.toLowerCase()}`)).status, 200);
    assert.equal(await auditCount(node, 'prevention.report.read', reference), before_ + 2);
    const { rows } = await node.database.db.query<{ actor_name: string; role: string; purpose: string }>(
      "SELECT actor_name, role, purpose FROM audit_log WHERE action = 'prevention.report.read' AND subject_id = $1 ORDER BY id", [reference],
    );
    assert.deepEqual(rows.slice(-2), [
      { actor_name: 'alma', role: 'analyst', purpose: 'handling of reports from the public' },
      { actor_name: 'ivan', role: 'investigator', purpose: 'handling of reports from the public' },
    ]);
    await analyst.get('/api/v1/prevention/reports?type=online-fraud');
    const list = await node.database.db.query<{ details: { returned: string[] } }>("SELECT details FROM audit_log WHERE action = 'prevention.report.list' ORDER BY id DESC LIMIT 1");
    assert.ok(list.rows[0]!.details.returned.includes(reference));

    // If the audit record cannot be written, the report is not shown.
    await node.database.db.exec('ALTER TABLE audit_log ADD CONSTRAINT no_reads CHECK (action <> \'prevention.report.read\') NOT VALID');
    try {
      assert.equal((await analyst.get(`/api/v1/prevention/reports/${reference}`)).status, 500);
    } finally {
      await node.database.db.exec('ALTER TABLE audit_log DROP CONSTRAINT no_reads');
    }
  });

  test('only analysts and investigators see reports; the public and other roles are refused', async () => {
    const { reference } = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    assert.equal((await anyone.get('/api/v1/prevention/reports')).status, 401);
    assert.equal((await admin.get('/api/v1/prevention/reports')).status, 403);
    assert.equal((await admin.get(`/api/v1/prevention/reports/${reference}`)).status, 403);
    const prosecutor = await userWith(admin, 'petra', ['prosecutor']);
    assert.equal((await prosecutor.post(`/api/v1/prevention/reports/${reference}/answer`, { status: 'closed', message: 'x' })).status, 403);
    assert.equal((await analyst.get('/api/v1/prevention/reports/ENT-0000-0000-0')).status, 404);
    assert.equal((await analyst.get('/api/v1/prevention/reports/not-a-reference')).status, 404);
  });

  test('a report is closed with a message; a withdrawn report erases its contact details and takes nothing more', async () => {
    const sent = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    const credentials = { reference: sent.reference, accessCode: sent.accessCode };
    const silent = await analyst.post(`/api/v1/prevention/reports/${sent.reference}/answer`, { status: 'closed' });
    assert.equal(silent.status, 400);
    assert.equal(silent.body.errors[0].pointer, '/message');

    const withdrawn = await anyone.post('/api/v1/prevention/my-report/withdrawal', credentials);
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.equal(withdrawn.body.status, 'withdrawn');
    const staffView = (await analyst.get(`/api/v1/prevention/reports/${sent.reference}`)).body;
    assert.deepEqual(staffView.contact, { name: null, email: null, phone: null });
    assert.equal(staffView.status, 'withdrawn');
    const late = await anyone.post('/api/v1/prevention/my-report/additions', { ...credentials, text: 'one more thing' });
    assert.equal(late.status, 409);
    const answer = await analyst.post(`/api/v1/prevention/reports/${sent.reference}/answer`, { status: 'in-review', message: 'hello' });
    assert.equal(answer.status, 409);
    assert.equal((await anyone.post('/api/v1/prevention/my-report/withdrawal', credentials)).body.status, 'withdrawn', 'withdrawing twice is harmless');
  });

  test('a closed report takes no additions but can still be followed', async () => {
    const sent = (await anyone.post('/api/v1/prevention/reports', SCAM)).body;
    await analyst.post(`/api/v1/prevention/reports/${sent.reference}/answer`, { status: 'closed', message: 'We could not identify the seller. Your bank may refund you.' });
    const followed = await anyone.post('/api/v1/prevention/my-report', { reference: sent.reference, accessCode: sent.accessCode });
    assert.equal(followed.body.status, 'closed');
    assert.equal(followed.body.entries[0].body, 'We could not identify the seller. Your bank may refund you.');
    assert.equal((await anyone.post('/api/v1/prevention/my-report/additions', { reference: sent.reference, accessCode: sent.accessCode, text: 'more' })).status, 409);
  });
});

describe('submissions are limited per network address', () => {
  test('past the hourly limit a report is refused with 429 and Retry-After, through the API and the form alike', async () => {
    const node = await startTestNode({ prevention: { reportsPerHour: 2 } });
    try {
      const anyone = new Api(node.url);
      const report = { type: 'other', whatHappened: 'Something odd.', identifiers: [] };
      assert.equal((await anyone.post('/api/v1/prevention/reports', { ...report, whatHappened: ' ' })).status, 400, 'a refusal does not count');
      assert.equal((await anyone.post('/api/v1/prevention/reports', report)).status, 201);
      assert.equal((await anyone.post('/api/v1/prevention/reports', report)).status, 201);
      const refused = await anyone.post('/api/v1/prevention/reports', report);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 3000);
      const page = await fetch(`${node.url}/report/other`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'what=Something+odd.' });
      assert.equal(page.status, 429);
      const text = await page.text();
      assert.match(text, /Too many reports were sent from this connection/);
      assert.match(text, /Something odd\./, 'the form keeps what was written');
      assert.equal((await node.database.db.query('SELECT 1 FROM reports')).rows.length, 2);
    } finally {
      await node.close();
    }
  });
});

describe('the hidden box of the report form', () => {
  let node: TestNode;
  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 1000 } });
  });
  after(() => node.close());

  const count = async () => (await node.database.db.query<{ n: number }>('SELECT (SELECT count(*) FROM reports) + (SELECT count(*) FROM report_identifiers) AS n')).rows[0]!.n;
  const postForm = (fields: Record<string, string>) =>
    fetch(`${node.url}/report/online-fraud`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fr' }, body: new URLSearchParams(fields) });
  const codesOf = (page: string) => [...page.matchAll(/<code class="reference" dir="ltr">([^<]+)<\/code>/g)].map((match) => match[1]!);

  test('is on the form, out of sight, out of reach of the keyboard and of screen readers, and never filled by the browser', async () => {
    const page = await (await fetch(`${node.url}/report/online-fraud`)).text();
    const box = /<div class="extra-field" aria-hidden="true"><label for="f-homepage">[^<]+<\/label>\s*<input id="f-homepage" name="homepage" type="text" value="" tabindex="-1" autocomplete="off"><\/div>/.exec(page);
    assert.ok(box, 'the hidden box as it should be');
    const css = await (await fetch(`${node.url}/assets/report.css`)).text();
    assert.match(css, /\.extra-field \{ position: absolute; width: 1px; height: 1px;[^}]*clip-path: inset\(50%\)/);
  });

  test('a report that fills it is answered exactly as one that does not, with codes that open nothing, and is not stored', async () => {
    const before_ = await count();
    const report = { what: 'Un faux site de meubles a pris mon argent.', iban: 'GB33 BUKB 2020 1555 5555 55', contactEmail: 'bot@example.org' };
    const bot = await postForm({ ...report, homepage: 'https://cheap-pills.example' });
    const botPage = await bot.text();
    assert.equal(bot.status, 201, botPage.slice(0, 300));
    assert.equal(bot.headers.get('cache-control'), 'no-store');
    assert.equal(await count(), before_, 'nothing was stored');
    const [reference, accessCode] = codesOf(botPage);
    assert.match(reference ?? '', /^ENT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    assert.match(accessCode ?? '', /^([0-9A-Z]{4}-){6}[0-9A-Z]{3}$/);
    const follow = await fetch(`${node.url}/report/status`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ reference: reference!, accessCode: accessCode! }) });
    await follow.arrayBuffer();
    assert.equal(follow.status, 403, 'the codes open nothing');
    assert.ok(node.logs.some((line) => line.includes('filled the hidden box')), 'the node says it, in its log');

    // The same report without the box filled (or with only spaces in it) is stored, and its page differs only by its codes.
    const person = await postForm({ ...report, homepage: '  ' });
    const personPage = await person.text();
    assert.equal(person.status, 201);
    assert.equal(await count(), before_ + 2, 'the report and its IBAN');
    const mask = (page: string) => codesOf(page).reduce((text, code) => text.replaceAll(code, 'CODE'), page);
    assert.equal(mask(botPage), mask(personPage));
  });

  test('a report that fills it but fails the checks is refused as any other', async () => {
    const bot = await postForm({ what: '', homepage: 'x' });
    await bot.arrayBuffer();
    assert.equal(bot.status, 400);
  });
});
