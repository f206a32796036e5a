import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { checkCharacter } from '../../src/prevention/codes.ts';
import { IDENTIFIER_KINDS } from '../../src/prevention/identifiers.ts';
import { INCIDENT_TYPES, asksMoney } from '../../src/prevention/incidents.ts';
import { catalogs } from '../../src/prevention/messages.ts';
import { type Defect, type Post, alertsOf, anyText, assertRefusedReadably, field, formDefects, postsOf, run } from '../support/form-posts.ts';
import { type TestNode, startTestNode } from '../support/node.ts';

/**
 * Whatever a form post holds, the reader gets a page in their language that tells them what went
 * wrong, and nothing is stored. Every post below is malformed by construction: each carries one
 * defect that must be refused, wrapped in random noise that may add more but can never repair it.
 */

const REPORT_FIELDS = ['what', 'when', 'amount', 'currency', 'channel', ...IDENTIFIER_KINDS, 'contactName', 'contactEmail', 'contactPhone'];
const STATUS_FIELDS = ['reference', 'accessCode', 'addition', 'confirm'];
const STATUS_PATHS = ['/report/status', '/report/status/add', '/report/status/withdraw'];
const MONEY_TYPES = INCIDENT_TYPES.filter(asksMoney);
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const noNewline = (text: string) => !text.includes('\n');
const lineText = (maxLength = 40) => anyText(maxLength).filter(noNewline);
const someText = fc.oneof(
  fc.constantFrom('Someone called me pretending to be my bank.', 'On m’a volé mon compte.', 'Мне угрожают в интернете.', 'لقد تعرضت للاحتيال.', '我被骗了。', 'Me estafaron en una tienda en línea.'),
  anyText(300).filter((text) => text.trim() !== ''),
);
const validType = fc.constantFrom(...INCIDENT_TYPES);
const moneyType = fc.constantFrom(...MONEY_TYPES);
/** Not one of the ten types; never a dot segment, which the URL would resolve away, and short enough for the router. */
const unknownType = fc
  .oneof(fc.constantFrom('child-abuse', 'Phishing', 'PHISHING', 'phishing ', ' phishing', 'phishing.', 'fraud', 'online_fraud', 'null', 'undefined', '0', '-1', 'phishing/extra', '%00', '\u0000'), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }))
  .filter((type) => !(INCIDENT_TYPES as readonly string[]).includes(type) && type !== 'status' && type !== '.' && type !== '..' && encodeURIComponent(type).length <= 200);
const with_ = (x: string, inner: string, y: string) => `${x}${inner}${y}`;
/** A line of each kind that the form takes: beside it, the bad line is still refused. */
const VALID_LINE: Record<(typeof IDENTIFIER_KINDS)[number], string> = {
  phone: '+44 20 7946 0958', email: 'seller@sofa-bargains.example', url: 'sofa-bargains.example/checkout', iban: 'GB33 BUKB 2020 1555 5555 55',
  wallet: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', account: '@sofa.seller',
};

/** Each check of the form, given input that must fail it. */
const reportDefects: fc.Arbitrary<Defect>[] = [
  fc.tuple(unknownType, someText).map(([type, what]) => ({ why: `unknown type ${JSON.stringify(type)}`, path: `/report/${encodeURIComponent(type)}`, fields: [field('what', what)], reserved: [] })),
  fc.tuple(validType, fc.option(fc.constantFrom('', ' ', '\n\t ', '\u00a0', '\u3000\u2028', '\r\n\r\n'), { nil: undefined })).map(([type, blank]) => ({
    why: 'no answer to what happened', path: `/report/${type}`, fields: blank === undefined ? [] : [field('what', blank)], reserved: ['what'],
  })),
  fc.tuple(validType, run(5001, 19_000)).map(([type, what]) => ({ why: `what happened is ${what.length} characters`, path: `/report/${type}`, fields: [field('what', what)], reserved: ['what'] })),
  fc.tuple(validType, someText, fc.oneof(
    fc.constantFrom('2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '1969-12-31', '0001-01-01', '1900-05-05', '2999-01-01', `${new Date().getUTCFullYear() + 2}-01-01`,
      '31/12/2024', '2024/12/31', '2024-1-1', '20240101', 'yesterday', 'hier', '昨天', 'вчера', '2024-01-01T00:00', '+2024-01-01', '١٩٦٩-١٢-٣١'),
    fc.tuple(lineText(), lineText()).map(([x, y]) => with_(x, 'x', y)),
  )).map(([type, what, when]) => ({ why: `the date ${JSON.stringify(when)}`, path: `/report/${type}`, fields: [field('what', what), field('when', when)], reserved: ['when'] })),
  fc.tuple(moneyType, someText, fc.oneof(
    fc.constantFrom('-5', '1e5', 'abc', 'NaN', 'Infinity', '∞', '5-', ',5', '5,', '1..2', '12 euros', '$100', '9'.repeat(16), '9'.repeat(30)),
    fc.tuple(lineText(), lineText()).map(([x, y]) => with_(x, 'x', y)),
  ), fc.option(anyText(6), { nil: undefined })).map(([type, what, amount, currency]) => ({
    why: `the amount ${JSON.stringify(amount)}`, path: `/report/${type}`,
    fields: [field('what', what), field('amount', amount), ...(currency === undefined ? [] : [field('currency', currency)])], reserved: ['amount', 'currency'],
  })),
  fc.tuple(moneyType, someText, fc.constantFrom('250', '1 200,50', '١٢٠٠٫٥٠', '0', '480.5'), fc.oneof(
    fc.constantFrom('', '  ', 'EURO', 'US$', '€', 'E U R', 'eu', 'dollars', '人民币', 'руб'),
    fc.tuple(anyText(3), fc.integer({ min: 0, max: 9 }), anyText(3)).map(([x, digit, y]) => with_(x, String(digit), y)),
  )).map(([type, what, amount, currency]) => ({
    why: `the currency ${JSON.stringify(currency)}`, path: `/report/${type}`, fields: [field('what', what), field('amount', amount), field('currency', currency)], reserved: ['amount', 'currency'],
  })),
  fc.tuple(validType, someText, fc.oneof(
    fc.tuple(lineText(), lineText()).map(([x, y]) => ['phone', with_(`+44 ${x}`, 'x', y)] as const),
    lineText(60).filter((line) => line.trim() !== '' && !line.includes('@')).map((line) => ['email', line] as const),
    fc.tuple(lineText(), lineText()).map(([x, y]) => ['url', `a${x} ${y}b.example`] as const),
    fc.stringMatching(/^[A-Z0-9]{11,30}$/).map((account) => ['iban', `GB00${account}`] as const),
    fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{1,19}$/), fc.tuple(lineText(), lineText()).map(([x, y]) => with_(x, '!', y))).map((wallet) => ['wallet', wallet] as const),
    fc.oneof(fc.constant('@'), fc.tuple(lineText(), fc.constantFrom('\u0001', '\u0007', '\t', '\u001b', '\u007f'), lineText()).map(([x, control, y]) => `a${x}${control}${y}b`)).map((account) => ['account', account] as const),
  ), fc.boolean()).map(([type, what, [kind, line], withValidLine]) => ({
    why: `the ${kind} ${JSON.stringify(line)}`, path: `/report/${type}`,
    fields: [field('what', what), field(kind, withValidLine ? `${VALID_LINE[kind]}\n${line}` : line)], reserved: [kind],
  })),
  fc.tuple(validType, someText, fc.integer({ min: 21, max: 30 })).map(([type, what, count]) => ({
    why: `${count} usernames in one box`, path: `/report/${type}`,
    fields: [field('what', what), field('account', Array.from({ length: count }, (_, i) => `@user${i}`).join('\r\n'))], reserved: ['account'],
  })),
  fc.tuple(validType, someText, fc.oneof(
    lineText(60).filter((email) => email.trim() !== '' && !email.includes('@')).map((email) => field('contactEmail', email)),
    fc.tuple(lineText(), lineText()).map(([x, y]) => field('contactPhone', with_(`+33 ${x}`, 'x', y))),
    run(201, 2000).map((name) => field('contactName', name)),
  )).map(([type, what, contact]) => ({ why: `the contact ${contact[0]} ${JSON.stringify(contact[1]).slice(0, 60)}`, path: `/report/${type}`, fields: [field('what', what), contact], reserved: [contact[0]] })),
  // A well-formed report, sent from another site: a script using visitors' browsers to fill the queue.
  fc.tuple(validType, someText).map(([type, what]) => ({ why: 'a report posted from another site', path: `/report/${type}`, fields: [field('what', what)], reserved: ['what'], crossSite: true })),
];


/** A code of the right form, check character and all, drawn from the generator: well-formed but opening nothing. */
const wellFormed = (length: number) => fc.array(fc.constantFrom(...ALPHABET), { minLength: length, maxLength: length }).map((chars) => chars.join('')).map((payload) => payload + checkCharacter(payload));
/** One character changed for another of the alphabet: the check character tells it as a typo. */
const typo = (code: string) =>
  fc.tuple(fc.integer({ min: 0, max: code.length - 1 }), fc.integer({ min: 1, max: ALPHABET.length - 1 }))
    .filter(([at]) => ALPHABET.includes(code[at]!))
    .map(([at, shift]) => code.slice(0, at) + ALPHABET[(ALPHABET.indexOf(code[at]!) + shift) % ALPHABET.length] + code.slice(at + 1));

interface Known {
  reference: string;
  accessCode: string;
}

function statusDefects(target: Known, victim: Known, bodyLimit: number): fc.Arbitrary<Defect>[] {
  const statusPath = fc.constantFrom(...STATUS_PATHS);
  const absent = fc.constant(undefined);
  // Never the target's code: nothing here can open the target report, and nothing here counts against it.
  const wellFormedReference = wellFormed(8).map((chars) => `ENT-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars[8]}`);
  const reference = fc.oneof(absent, anyText(40), typo(target.reference), fc.constant(target.reference), fc.constant(victim.reference), wellFormedReference);
  const malformedCode = fc.oneof(absent, anyText(40), typo(target.accessCode), fc.constant(target.accessCode.slice(0, -1)), fc.constant(`${target.accessCode}0`));
  // Well-formed and wrong: refused, counted, and soon locked. Never aimed at the target.
  const wrong = fc.tuple(fc.oneof(fc.constant(victim.reference), wellFormedReference), wellFormed(26).map((chars) => chars.match(/.{1,4}/g)!.join('-')));
  const given = (name: string, value: string | undefined) => (value === undefined ? [] : [field(name, value)]);
  // The target's own reference and code, as a reader might type them.
  const loosely = fc.constantFrom(
    [target.reference, target.accessCode],
    [target.reference.toLowerCase(), target.accessCode.replaceAll('-', '')],
    [` ${target.reference.replaceAll('-', ' ')} `, target.accessCode.toLowerCase().replaceAll('-', ' ')],
  );
  const opens = (ref: string, code: string) => [field('reference', ref), field('accessCode', code)];
  return [
    fc.tuple(statusPath, fc.tuple(reference, malformedCode)).map(([path, [ref, code]]) => ({
      why: `reference ${JSON.stringify(ref)} and code ${JSON.stringify(code)}`, path, fields: [...given('reference', ref), ...given('accessCode', code)], reserved: ['reference', 'accessCode'],
    })),
    fc.tuple(statusPath, wrong).map(([path, [ref, code]]) => ({
      why: `reference ${ref} and the wrong code ${code}`, path, fields: [field('reference', ref), field('accessCode', code)], reserved: ['reference', 'accessCode'],
    })),
    fc.tuple(loosely, fc.oneof(absent, fc.constantFrom('', '   ', '\n\r\n', '\u00a0'), run(5001, 19_000))).map(([[ref, code], addition]) => ({
      why: `an addition of ${addition === undefined ? 'nothing' : `${addition.trim().length} characters`}`, path: '/report/status/add',
      fields: [...opens(ref, code), ...given('addition', addition)], reserved: ['reference', 'accessCode', 'addition'],
    })),
    fc.tuple(loosely, fc.oneof(absent, anyText(10), fc.constantFrom('', 'Yes', 'YES', 'yes ', 'on', 'true', '1', 'oui', 'نعم'))).filter(([, confirm]) => confirm !== 'yes').map(([[ref, code], confirm]) => ({
      why: `a withdrawal confirmed with ${JSON.stringify(confirm)}`, path: '/report/status/withdraw',
      fields: [...opens(ref, code), ...given('confirm', confirm)], reserved: ['reference', 'accessCode', 'confirm'],
    })),
    fc.tuple(statusPath, loosely, formDefects(STATUS_FIELDS, bodyLimit)).map(([path, [ref, code], broken]) => ({
      why: broken.why, path, fields: [...opens(ref, code), field('confirm', 'yes'), field('addition', 'One more thing.'), ...broken.fields], reserved: STATUS_FIELDS,
    })),
    // Withdrawing someone's report from another site, with everything right but the origin.
    fc.tuple(fc.constantFrom('/report/status/withdraw', '/report/status/add'), loosely).map(([path, [ref, code]]) => ({
      why: `${path} posted from another site`, path, fields: [...opens(ref, code), field('confirm', 'yes'), field('addition', 'One more thing.')], reserved: STATUS_FIELDS, crossSite: true,
    })),
  ];
}

function malformedPost(target: Known, victim: Known, bodyLimit: number, reportBodyLimit: number): fc.Arbitrary<Post> {
  const schemaBroken = fc.tuple(fc.oneof(validType, unknownType.map(encodeURIComponent)), formDefects(REPORT_FIELDS, reportBodyLimit)).map(([type, broken]): Defect => ({
    why: broken.why, path: `/report/${type}`, fields: [field('what', 'Someone called me pretending to be my bank.'), ...broken.fields], reserved: ['what'],
  }));
  const defect = fc.oneof(
    { arbitrary: fc.oneof(...reportDefects), weight: 10 },
    { arbitrary: schemaBroken, weight: 3 },
    { arbitrary: fc.oneof(...statusDefects(target, victim, bodyLimit)), weight: 6 },
  );
  const names = [...REPORT_FIELDS, ...STATUS_FIELDS];
  return postsOf(defect, names, (path) => (STATUS_PATHS.includes(path) ? STATUS_FIELDS : REPORT_FIELDS));
}

describe('malformed form posts to the public portal: a readable page in the reader’s language, and nothing stored', () => {
  let node: TestNode;
  let target: Known;
  let victim: Known;
  let baseline: Record<string, number>;

  const counts = async () =>
    (await node.database.db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM reports)::int AS reports, (SELECT count(*) FROM report_identifiers)::int AS identifiers,
              (SELECT count(*) FROM report_entries)::int AS entries, (SELECT count(*) FROM reports WHERE status <> 'received')::int AS changed`,
    )).rows[0]!;

  /** A report through the form itself, as a reader sends it; its reference and code from the page. */
  async function reportThroughForm(what: string): Promise<Known> {
    const response = await fetch(`${node.url}/report/phishing`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ what }) });
    const text = await response.text();
    assert.equal(response.status, 201, text.slice(0, 300));
    const [reference, accessCode] = [...text.matchAll(/<code class="reference" dir="ltr">([^<]+)<\/code>/g)].map((match) => match[1]!);
    assert.ok(reference && accessCode, 'the page shows the reference and the code');
    return { reference, accessCode };
  }

  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 100_000 } });
    target = await reportThroughForm('A text message asked me to confirm my parcel with my card number.');
    victim = await reportThroughForm('An e-mail from my “bank” asked for my password.');
    baseline = await counts();
  });
  after(() => node?.close());

  test('one thousand malformed posts to /report/:type and /report/status*: each a 4xx page in the language asked for, and the database unchanged', async (t) => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformedPost(target, victim, node.config.bodyLimit, 256 * 1024), async (post) => {
        const status = await assertRefusedReadably(node.url, post);
        const what = `${post.path} with ${post.why} → ${status}`;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        assert.deepEqual(await counts(), baseline, `${what}: the database changed`);
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
    t.diagnostic(`answers: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status} ×${n}`).join(', ')}`);
    // The run reached the checks of the form and of the status pages, not only the parser's refusals.
    for (const status of [400, 403, 404, 429]) assert.ok(statuses.has(status), `no ${status} in the run`);
  });

  test('U+0000 in any text, which PostgreSQL cannot store, is refused with the page, not a 500', async () => {
    const posts: [string, Record<string, string>][] = [
      ['/report/phishing', { what: 'a\u0000b' }],
      ['/report/phishing', { what: 'ok', contactName: 'Ann\u0000' }],
      ['/report/phishing', { what: 'ok', url: 'shop.example/\u0000' }],
      ['/report/phishing', { what: 'ok', email: 'a\u0000@b.example' }],
      ['/report/status/add', { reference: target.reference, accessCode: target.accessCode, addition: 'one\u0000more' }],
    ];
    for (const [path, fields] of posts) {
      const response = await fetch(`${node.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'es' }, body: new URLSearchParams(fields) });
      const text = await response.text();
      assert.equal(response.status, 400, `${path} ${JSON.stringify(fields)}: ${text.slice(0, 200)}`);
      assert.deepEqual(alertsOf(text), [catalogs.es['error.400']]);
      assert.match(text, /<html lang="es" dir="ltr">/);
    }
    assert.deepEqual(await counts(), baseline);
  });

  test('the same routes still take a well-formed report and addition: the refusals above are not blanket ones', async () => {
    const sent = await reportThroughForm('A woman I met on a dating site asked me for money for her visa.');
    const added = await fetch(`${node.url}/report/status/add`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...sent, addition: 'She gave me a new number.' }),
    });
    await added.arrayBuffer();
    assert.equal(added.status, 200);
    const now = await counts();
    assert.deepEqual([now.reports, now.entries], [baseline.reports! + 1, baseline.entries! + 1]);
  });
});
