import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import fc from 'fast-check';
import { ADMIN, type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';
import { RECORDS_OF_ATTEMPTS, snapshot } from '../support/database.ts';

const ATOM = 'http://www.w3.org/2005/Atom';
const DRAFT = {
  audience: 'older', threat: 'phishing', locale: 'en',
  title: 'Fake parcel messages ask for a fee',
  summary: 'Text messages say a parcel is waiting and ask for a small fee: they steal card details.',
  body: 'A text message says that a parcel is held until you pay a fee.\n\nDo not click the link. Delivery firms never ask for a fee by text.',
};
const FRENCH = {
  title: 'De faux messages de colis demandent des frais',
  summary: 'Des SMS annoncent un colis en attente et demandent de petits frais : ils volent les données de carte.',
  body: 'Un SMS dit qu’un colis est bloqué jusqu’au paiement de frais.\n\nNe cliquez pas sur le lien.',
};

/** The feed parsed strictly: any fault of well-formedness fails the test. */
function parseFeed(text: string): Document {
  return new DOMParser({ onError: (level, message) => assert.fail(`the feed is not well-formed XML (${level}): ${message}`) }).parseFromString(text, 'application/xml');
}

const children = (element: Element, name: string) => Array.from(element.getElementsByTagNameNS(ATOM, name)).filter((child) => child.parentNode === element);
const only = (element: Element, name: string) => {
  const found = children(element, name);
  assert.equal(found.length, 1, `${element.localName} has exactly one ${name}`);
  return found[0]!;
};
const isInstant = (text: string | null) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text ?? '');

/** The entries of a feed after checking what RFC 4287 requires of the feed and of each entry. */
function atomEntries(document: Document): Element[] {
  const feed = document.documentElement!;
  assert.equal(feed.namespaceURI, ATOM);
  assert.equal(feed.localName, 'feed');
  assert.ok(only(feed, 'id').textContent);
  assert.ok(only(feed, 'title').textContent);
  assert.ok(isInstant(only(feed, 'updated').textContent));
  assert.ok(only(only(feed, 'author'), 'name').textContent, 'the feed names its author, so entries need not');
  assert.ok(children(feed, 'link').some((link) => link.getAttribute('rel') === 'self'));
  const entries = children(feed, 'entry');
  for (const entry of entries) {
    assert.match(only(entry, 'id').textContent ?? '', /^urn:uuid:[0-9a-f-]{36}$/);
    assert.ok(only(entry, 'title').textContent);
    assert.ok(isInstant(only(entry, 'updated').textContent));
    assert.ok(isInstant(only(entry, 'published').textContent));
    assert.ok(children(entry, 'link').some((link) => link.getAttribute('rel') === 'alternate' && /^https?:\/\//.test(link.getAttribute('href') ?? '')));
    assert.ok(only(entry, 'summary').textContent);
  }
  return entries;
}

describe('advisories: draft, translate, schedule, publish, update, withdraw', () => {
  let node: TestNode;
  let admin: Api;
  let analyst: Api;
  let investigator: Api;
  const anyone = () => ({ get: (path: string, language = 'en') => fetch(`${node.url}${path}`, { headers: { 'accept-language': language } }) });
  const audited = async (id: string) =>
    (await node.database.db.query<{ action: string }>("SELECT action FROM audit_log WHERE subject_type = 'advisory' AND subject_id = $1 ORDER BY id", [id])).rows.map((row) => row.action);
  /** Time passes for one advisory: what was scheduled is now due. The public side reads the clock of the database. */
  const timePasses = (id: string) => node.database.db.query("UPDATE advisory_versions SET publish_at = now() - interval '1 minute' WHERE advisory_id = $1 AND publish_at > now()", [id]);

  before(async () => {
    ({ node, admin } = await startTestNodeWithAdmin());
    analyst = await userWith(admin, 'ana', ['analyst']);
    investigator = await userWith(admin, 'ivo', ['investigator']);
  });
  after(() => node.close());

  test('the whole life of an advisory, every version kept and every change audited', async () => {
    const drafted = await analyst.post('/api/v1/advisories', DRAFT);
    assert.equal(drafted.status, 201, drafted.text);
    const { id } = drafted.body;
    assert.equal(drafted.body.status, 'draft');
    assert.equal(drafted.body.originalLocale, 'en');

    const translated = await analyst.call('PUT', `/api/v1/advisories/${id}/texts/fr`, FRENCH);
    assert.equal(translated.status, 200, translated.text);
    assert.deepEqual(translated.body.versions.map((version: { version: number }) => version.version), [1], 'a draft is translated in place');
    assert.deepEqual(translated.body.versions[0].texts.map((text: { locale: string }) => text.locale), ['en', 'fr']);

    const at = new Date(Date.now() + 3600_000).toISOString();
    const scheduled = await admin.post(`/api/v1/advisories/${id}/publication`, { at });
    assert.equal(scheduled.status, 200, scheduled.text);
    assert.equal(scheduled.body.status, 'scheduled');
    assert.equal(scheduled.body.publicVersion, null);
    assert.equal((await anyone().get(`/advisories/${id}`)).status, 404, 'not before its time');
    assert.ok(!(await (await anyone().get('/advisories')).text()).includes(DRAFT.title));
    assert.ok(!(await (await anyone().get('/advisories.atom')).text()).includes(id));

    await timePasses(id);
    const page = await anyone().get(`/advisories/${id}`);
    assert.equal(page.status, 200);
    const first = await page.text();
    assert.ok(first.includes(DRAFT.title));
    assert.ok((await (await anyone().get('/advisories')).text()).includes(DRAFT.title));
    assert.ok((await (await anyone().get(`/advisories/${id}`, 'fr')).text()).includes(FRENCH.title), 'read in French by a French reader');

    const revised = { ...DRAFT, title: 'Fake parcel messages ask for a fee or a code' };
    const updated = await analyst.call('PUT', `/api/v1/advisories/${id}/texts/en`, { title: revised.title, summary: revised.summary, body: revised.body });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.body.versions.map((version: { version: number }) => version.version), [2, 1]);
    assert.equal(updated.body.versions[0].publishAt, null, 'the update waits for its publication');
    assert.equal(updated.body.versions[1].texts.find((text: { locale: string }) => text.locale === 'en').title, DRAFT.title, 'the published version is kept as it was');
    assert.equal(updated.body.versions[0].texts.find((text: { locale: string }) => text.locale === 'fr').title, FRENCH.title, 'the translations carry over');
    assert.ok((await (await anyone().get(`/advisories/${id}`)).text()).includes(DRAFT.title), 'the public still reads version 1');

    const published = await admin.post(`/api/v1/advisories/${id}/publication`, {});
    assert.equal(published.status, 200, published.text);
    assert.equal(published.body.publicVersion, 2);
    const current = await (await anyone().get(`/advisories/${id}`)).text();
    assert.ok(current.includes(revised.title));
    assert.match(current, /version 2/);
    assert.equal((await admin.post(`/api/v1/advisories/${id}/publication`, {})).status, 409, 'nothing new to publish');

    const withdrawn = await admin.post(`/api/v1/advisories/${id}/withdrawal`, { reason: 'The delivery firm closed the fake sites.' });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.equal(withdrawn.body.status, 'withdrawn');
    const gone = await anyone().get(`/advisories/${id}`);
    assert.equal(gone.status, 410);
    const goneText = await gone.text();
    assert.ok(goneText.includes('The delivery firm closed the fake sites.'));
    assert.ok(!(await (await anyone().get('/advisories')).text()).includes(revised.title), 'the list leaves it out');
    assert.equal((await analyst.call('PUT', `/api/v1/advisories/${id}/texts/en`, { title: 'x', summary: 'y', body: 'z' })).status, 409);

    const kept = await admin.get(`/api/v1/advisories/${id}`);
    assert.equal(kept.body.versions.length, 2);
    assert.deepEqual(await audited(id), [
      'prevention.advisory.create', 'prevention.advisory.write', 'prevention.advisory.schedule', 'prevention.advisory.write', 'prevention.advisory.publish', 'prevention.advisory.withdraw',
    ]);
  });

  test('an advisory filed under another audience or threat: no new version, the public list follows at once, audited', async () => {
    const { id } = (await analyst.post('/api/v1/advisories', { ...DRAFT, title: 'Calls from a fake bank adviser' })).body;
    assert.equal((await admin.post(`/api/v1/advisories/${id}/publication`, {})).status, 200);
    const listed = async (query: string) => (await (await anyone().get(`/advisories?${query}`)).text()).includes('Calls from a fake bank adviser');
    assert.ok(await listed('audience=older&threat=phishing'));

    const filed = await analyst.call('PUT', `/api/v1/advisories/${id}/classification`, { audience: 'businesses', threat: 'online-fraud' });
    assert.equal(filed.status, 200, filed.text);
    assert.deepEqual([filed.body.audience, filed.body.threat, filed.body.versions.length, filed.body.publicVersion], ['businesses', 'online-fraud', 1, 1]);
    assert.ok(await listed('audience=businesses&threat=online-fraud'));
    assert.ok(!(await listed('audience=older')), 'no longer listed for older people');
    const { rows } = await node.database.db.query<{ details: unknown }>("SELECT details FROM audit_log WHERE action = 'prevention.advisory.classify' AND subject_id = $1", [id]);
    assert.deepEqual(rows.map((row) => row.details), [{ from: { audience: 'older', threat: 'phishing' }, to: { audience: 'businesses', threat: 'online-fraud' } }]);

    assert.equal((await analyst.call('PUT', `/api/v1/advisories/${id}/classification`, { audience: 'everyone', threat: 'phishing' })).status, 400);
    assert.equal((await investigator.call('PUT', `/api/v1/advisories/${id}/classification`, { audience: 'public', threat: 'phishing' })).status, 403);
    await admin.post(`/api/v1/advisories/${id}/withdrawal`, { reason: 'Handled by the bank.' });
    assert.equal((await analyst.call('PUT', `/api/v1/advisories/${id}/classification`, { audience: 'public', threat: 'phishing' })).status, 409, 'a withdrawn advisory stays as it was');
    assert.equal((await admin.get(`/api/v1/advisories/${id}`)).body.audience, 'businesses');
  });

  test('each role does only its part; the public writes nothing', async () => {
    const drafted = (await analyst.post('/api/v1/advisories', DRAFT)).body;
    const refusals = [
      await investigator.post('/api/v1/advisories', DRAFT),
      await admin.post('/api/v1/advisories', DRAFT),
      await analyst.post(`/api/v1/advisories/${drafted.id}/publication`, {}),
      await analyst.post(`/api/v1/advisories/${drafted.id}/withdrawal`, { reason: 'no' }),
      await investigator.get('/api/v1/advisories'),
    ];
    assert.deepEqual(refusals.map((response) => response.status), [403, 403, 403, 403, 403]);
    const anonymous = await fetch(`${node.url}/api/v1/advisories`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DRAFT) });
    assert.equal(anonymous.status, 401);
    assert.equal((await admin.get('/api/v1/advisories')).status, 200, 'the publisher sees the drafts');
  });

  test('an advisory untranslated into the reader\'s language is shown in its original, marked as such', async () => {
    const { id } = (await analyst.post('/api/v1/advisories', { ...DRAFT, locale: 'fr', ...FRENCH })).body;
    await admin.post(`/api/v1/advisories/${id}/publication`, {});
    const arabic = await (await anyone().get(`/advisories/${id}`, 'ar')).text();
    assert.match(arabic, /<html lang="ar" dir="rtl">/);
    assert.match(arabic, /<article lang="fr" dir="ltr">/);
    assert.ok(arabic.includes('Français'), 'the notice names the language shown');
  });

  test('the Atom feed is well-formed, has what RFC 4287 requires, escapes what it quotes, and speaks the language asked for', async () => {
    const tricky = { ...DRAFT, title: 'Beware of <script> & "quotes" in \'titles\'', summary: 'Less < more & more > less.' };
    const { id } = (await analyst.post('/api/v1/advisories', tricky)).body;
    await admin.post(`/api/v1/advisories/${id}/publication`, {});
    const response = await anyone().get('/advisories.atom?lang=fr');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/atom\+xml; charset=utf-8$/);
    const document = parseFeed(await response.text());
    assert.equal(document.documentElement?.getAttribute('xml:lang'), 'fr');
    const entries = atomEntries(document);
    const entry = entries.find((candidate) => only(candidate, 'id').textContent === `urn:uuid:${id}`);
    assert.ok(entry, 'the advisory is in the feed');
    assert.equal(only(entry, 'title').textContent, tricky.title);
    assert.equal(entry.getAttribute('xml:lang'), 'en', 'an entry in another language than the feed says which');
    const withdrawnEntry = entries.find((candidate) => /^Retirée/.test(only(candidate, 'title').textContent ?? ''));
    assert.ok(withdrawnEntry, 'a withdrawal is told in the feed');
    const byCookie = await fetch(`${node.url}/advisories.atom`, { headers: { cookie: 'lang=ru' } });
    assert.equal(parseFeed(await byCookie.text()).documentElement?.getAttribute('xml:lang'), 'ru', 'without ?lang=, the portal\'s language choice');
    assert.equal((await anyone().get('/advisories.atom?lang=de')).status, 400);
  });

  test('the console pages draft, translate and publish with plain forms, as the API does', async () => {
    /** A browser's session: its cookie, and the token its forms carry. */
    async function signIn(username: string, password: string) {
      const login = await fetch(`${node.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const page = async (path: string, form?: Record<string, string>) => {
        const response = await fetch(`${node.url}${path}`, {
          method: form ? 'POST' : 'GET', redirect: 'manual',
          headers: { cookie, 'accept-language': 'en', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          body: form ? new URLSearchParams(form) : undefined,
        });
        return { status: response.status, location: response.headers.get('location'), html: await response.text() };
      };
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await page('/prevention/advisories')).html)?.[1] ?? '';
      return { page, csrf };
    }
    const writer = await signIn('ana', 'ana-secret-passphrase');
    const drafted = await writer.page('/prevention/advisories', { _csrf: writer.csrf, ...DRAFT, title: 'Drafted in the console' });
    assert.equal(drafted.status, 303, drafted.html.slice(0, 300));
    const page = drafted.location!.split('?')[0]!;
    const translated = await writer.page(`${page}/texts/fr`, { _csrf: writer.csrf, ...FRENCH });
    assert.equal(translated.status, 303, translated.html.slice(0, 300));
    const shown = await writer.page(`${translated.location}`);
    assert.equal(shown.status, 200);
    assert.ok(shown.html.includes(FRENCH.title));
    assert.ok(!shown.html.includes('/publication'), 'an analyst is not offered publication');
    const refiled = await writer.page(`${page}/classification`, { _csrf: writer.csrf, audience: 'young', threat: 'sextortion' });
    assert.equal(refiled.status, 303, 'filed under another audience and threat from its page');
    assert.match((await writer.page(page)).html, /<dt>For<\/dt><dd>Young people<\/dd>/);
    const publisher = await signIn(ADMIN.username, ADMIN.password);
    const late = await publisher.page(`${page}/publication`, { _csrf: publisher.csrf, at: '2001-01-01T10:00' });
    assert.equal(late.status, 400, 'a time past is refused, on the page');
    assert.match(late.html, /role="alert"[^>]*>This time has passed/);
    const badDay = await publisher.page(`${page}/publication`, { _csrf: publisher.csrf, at: '2999-02-30T10:00' });
    assert.equal(badDay.status, 400);
    assert.equal((await publisher.page(`${page}/publication`, { _csrf: publisher.csrf, at: '' })).status, 303);
    assert.equal((await fetch(`${node.url}/advisories${page.slice('/prevention/advisories'.length)}`)).status, 200, 'published');
  });

  test('hundreds of malformed requests to the staff API: each a problem, none a server error, nothing stored', async () => {
    const advisory = (await analyst.post('/api/v1/advisories', DRAFT)).body.id as string;
    const before = await snapshot(node.database.db, RECORDS_OF_ATTEMPTS);
    const texts = { title: DRAFT.title, summary: DRAFT.summary, body: DRAFT.body };
    /** Each request carries one defect that must be refused, whatever else it holds. */
    const requests = fc.oneof(
      brokenBody(DRAFT, { audience: ['public', 'businesses', 'young', 'older'], threat: ['phishing', 'online-fraud', 'other'], locale: ['ar', 'zh', 'en', 'fr', 'ru', 'es'] }).map((body) => ({ method: 'POST', path: '/api/v1/advisories', body })),
      brokenBody(texts, {}).map((body) => ({ method: 'PUT', path: `/api/v1/advisories/${advisory}/texts/fr`, body })),
      brokenBody({ reason: 'A reason.' }, {}).map((body) => ({ method: 'POST', path: `/api/v1/advisories/${advisory}/withdrawal`, body })),
      brokenBody({ audience: 'young', threat: 'sextortion' }, { audience: ['public', 'businesses', 'young', 'older'], threat: ['phishing', 'sextortion', 'other'] })
        .map((body) => ({ method: 'PUT', path: `/api/v1/advisories/${advisory}/classification`, body })),
      fc.oneof(nonString, fc.constantFrom('yesterday', '2025-02-30T10:00:00Z', '0000-01-01T00:00:00Z', '2001-01-01T00:00:00Z', '31/12/2999', ''))
        .map((at) => ({ method: 'POST', path: `/api/v1/advisories/${advisory}/publication`, body: JSON.stringify({ at }) })),
      fc.constantFrom(`/api/v1/advisories/${advisory}/texts/xx`, '/api/v1/advisories/not-an-id/texts/fr', '/api/v1/advisories/00000000-0000-4000-8000-000000000000/texts/en')
        .map((path) => ({ method: 'PUT', path, body: JSON.stringify(texts) })),
      fc.tuple(fc.constantFrom('/api/v1/advisories', `/api/v1/advisories/${advisory}/withdrawal`), fc.oneof(fc.constantFrom('', '{', '[]', 'null', '"text"', '{"a":1,}'), fc.string({ maxLength: 40 }).filter((raw) => !raw.trim().startsWith('{'))))
        .map(([path, body]) => ({ method: 'POST', path, body })),
    );
    await fc.assert(fc.asyncProperty(requests, async ({ method, path, body }) => {
      const api = /publication|withdrawal/.test(path) ? admin : analyst;
      const response = await fetch(`${node.url}${path}`, { method, headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, body });
      const answer = await response.text();
      const what = `${method} ${path} ${body.slice(0, 100)}: ${response.status} ${answer.slice(0, 200)}`;
      assert.ok(response.status >= 400 && response.status < 500, what);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
    }), { numRuns: 300 });
    assert.deepEqual(await snapshot(node.database.db, RECORDS_OF_ATTEMPTS), before, 'nothing stored');
  });
});

/** What is not a string where a string belongs. */
const nonString = fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }));
/** Text no published text may be: blank, with a control character or a lone surrogate, too long, or not text at all. */
const badText = fc.oneof(
  fc.constantFrom('', ' ', '\n\t ', '\u3000', '\ud800', 'x'.repeat(20_001)),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u001f', '\ufffe', '\udfff'), fc.string({ maxLength: 20 })).map(([x, bad, y]) => `${x}${bad}${y}`),
  nonString,
);

/** A valid body as JSON with one defect: a field missing, a text that cannot be published, a choice not offered, or a field not known. */
function brokenBody(valid: Record<string, string>, choices: Record<string, readonly string[]>) {
  const names = Object.keys(valid);
  const textNames = names.filter((name) => !(name in choices));
  const defects = [
    fc.constantFrom(...names).map((name) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name))),
    ...(textNames.length === 0 ? [] : [fc.tuple(fc.constantFrom(...textNames), badText).map(([name, value]) => ({ ...valid, [name]: value }))]),
    fc.tuple(fc.string({ minLength: 1, maxLength: 10 }).filter((name) => !names.includes(name)), fc.string({ maxLength: 10 })).map(([name, value]) => ({ ...valid, [name]: value })),
    ...(Object.keys(choices).length === 0 ? [] : [fc.constantFrom(...Object.keys(choices)).chain((name) =>
      fc.oneof(fc.string({ maxLength: 15 }).filter((value) => !choices[name]!.includes(value)), nonString).map((value) => ({ ...valid, [name]: value })))]),
  ];
  return fc.oneof(...defects).map((body) => JSON.stringify(body));
}

