import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';
import { RECORDS_OF_ATTEMPTS, snapshot } from '../support/database.ts';

/** One entry a language, each found by a word of its own language in another form than the one written. */
const ENTRIES = {
  passwords: {
    facts: { country: 'FR', theme: 'accounts', audience: 'public', kind: 'practice' },
    texts: [
      { locale: 'en', title: 'Strong passwords and two-step verification', body: 'Use a different passphrase for each account.\n\nTurn on two-step verification for your e-mail first.' },
      { locale: 'fr', title: 'Des mots de passe robustes', body: 'Utilisez une phrase de passe différente pour chaque compte et activez la validation en deux étapes.' },
    ],
  },
  calls: {
    facts: { country: 'RU', theme: 'scams', audience: 'older', kind: 'training' },
    texts: [{ locale: 'ru', title: 'Как распознать мошеннические звонки', body: 'Мошенники звонят от имени банка и просят назвать код из сообщения. Положите трубку.' }],
  },
  hacking: {
    facts: { country: 'EG', theme: 'accounts', audience: 'young', kind: 'practice' },
    texts: [{ locale: 'ar', title: 'حماية الحسابات من الاختراق', body: 'لا تشارك رمز التحقق مع أي شخص، وفعّل التحقق بخطوتين في كل الحسابات.' }],
  },
  phishing: {
    facts: { country: 'CN', theme: 'scams', audience: 'businesses', kind: 'training' },
    texts: [{ locale: 'zh', title: '识别网络钓鱼邮件', body: '不要点击陌生邮件中的链接。核对发件人地址，并向信息部门报告可疑邮件。' }],
  },
  preservation: {
    facts: { country: 'ES', theme: 'cooperation', audience: 'professionals', kind: 'template', link: 'https://example.org/preservation-template' },
    texts: [
      { locale: 'es', title: 'Modelo de solicitud de conservación de datos', body: 'Modelo para pedir a un proveedor que conserve los datos mientras llega la orden.' },
      { locale: 'en', title: 'Template for a data preservation request', body: 'A model request asking a provider to preserve data until the order arrives.' },
    ],
  },
  ransomware: {
    facts: { country: 'FR', theme: 'ransomware', audience: 'businesses', kind: 'practice' },
    texts: [{ locale: 'fr', title: 'Que faire face à un rançongiciel', body: 'Isolez la machine du réseau, ne payez pas la rançon, et cherchez un outil de déchiffrement gratuit.' }],
  },
} as const;
type Name = keyof typeof ENTRIES;

describe('good practices, training material and templates: staff add and edit, the public searches in six languages', () => {
  let node: TestNode;
  let analyst: Api;
  let investigator: Api;
  const ids = {} as Record<Name, string>;
  const names = (html: string) =>
    [...html.matchAll(/href="\/practices\/([0-9a-f-]{36})"/g)].map(([, id]) => (Object.keys(ids) as Name[]).find((name) => ids[name] === id));

  /** The public page of a search, as a browser of that language asks for it. */
  async function search(query: Record<string, string>, language = 'en'): Promise<{ status: number; html: string; found: (Name | undefined)[] }> {
    const response = await fetch(`${node.url}/practices?${new URLSearchParams(query)}`, { headers: { 'accept-language': language } });
    const html = await response.text();
    return { status: response.status, html, found: names(html) };
  }

  before(async () => {
    const { node: started, admin } = await startTestNodeWithAdmin();
    node = started;
    analyst = await userWith(admin, 'ana', ['analyst']);
    investigator = await userWith(admin, 'ivo', ['investigator']);
    for (const [name, entry] of Object.entries(ENTRIES) as [Name, (typeof ENTRIES)[Name]][]) {
      const [first, ...others] = entry.texts;
      const created = await analyst.post('/api/v1/practices', { ...entry.facts, ...first });
      assert.equal(created.status, 201, created.text);
      ids[name] = created.body.id;
      for (const { locale, ...text } of others) {
        const translated = await analyst.call('PUT', `/api/v1/practices/${ids[name]}/texts/${locale}`, text);
        assert.equal(translated.status, 200, translated.text);
      }
    }
  });
  after(() => node.close());

  test('each language is searched with its own stemming, and the words found are marked', async () => {
    const english = await search({ q: 'password' });
    assert.deepEqual(english.found, ['passwords'], 'passwords, stemmed');
    assert.match(english.html, /<mark>passwords<\/mark>/i);
    assert.deepEqual((await search({ q: 'rançongiciels' }, 'fr')).found, ['ransomware'], 'French plural');
    assert.deepEqual((await search({ q: 'звонков' }, 'ru')).found, ['calls'], 'Russian case ending');
    assert.deepEqual((await search({ q: 'حساب' }, 'ar')).found, ['hacking'], 'Arabic article and plural');
    assert.deepEqual((await search({ q: 'conservación' }, 'es')).found, ['preservation']);
  });

  test('Chinese is found by any run of characters in the text, and only a contiguous one', async () => {
    const found = await search({ q: '钓鱼' }, 'zh');
    assert.deepEqual(found.found, ['phishing']);
    assert.match(found.html, /网络<mark>钓<\/mark><mark>鱼<\/mark>邮件/, 'marked in the title, without the spaces the index adds');
    assert.deepEqual((await search({ q: '可疑邮件' }, 'zh')).found, ['phishing']);
    assert.deepEqual((await search({ q: '钓邮' }, 'zh')).found, [], 'characters that are not next to each other do not match');
  });

  test('a reader finds an entry by a translation in another language, shown in that language and marked so', async () => {
    const found = await search({ q: 'preservation' }, 'ar');
    assert.deepEqual(found.found, ['preservation']);
    assert.match(found.html, /<h3 lang="en" dir="ltr"><a href="\/practices\/[0-9a-f-]+">Template for a data <mark>preservation<\/mark> request<\/a><\/h3>/);
    const inSpanish = await search({ q: 'conservación' }, 'es');
    assert.match(inSpanish.html, /<h3 ><a href/, 'the reader\'s own language needs no mark');
  });

  test('filters narrow the search and the list: country, theme, audience, kind', async () => {
    assert.deepEqual((await search({ q: 'password', kind: 'template' })).found, []);
    assert.deepEqual((await search({ q: 'request', audience: 'professionals' })).found, ['preservation']);
    assert.deepEqual((await search({ theme: 'accounts' })).found.sort(), ['hacking', 'passwords']);
    assert.deepEqual((await search({ country: 'FR', kind: 'practice' })).found.sort(), ['passwords', 'ransomware']);
    assert.deepEqual((await search({ q: '', theme: '', audience: 'businesses', kind: '', country: '' })).found.sort(), ['phishing', 'ransomware']);
  });

  test('an edit changes what is found; translations and edits are audited; only analysts edit', async () => {
    const id = ids.ransomware;
    const edited = await analyst.call('PUT', `/api/v1/practices/${id}`, { country: 'BE', theme: 'ransomware', audience: 'businesses', kind: 'practice', link: 'https://www.nomoreransom.org/' });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.body.link, 'https://www.nomoreransom.org/');
    assert.deepEqual((await search({ q: 'rançon', country: 'BE' }, 'fr')).found, ['ransomware']);
    const translated = await analyst.call('PUT', `/api/v1/practices/${id}/texts/en`, { title: 'What to do about ransomware', body: 'Isolate the machine and do not pay the ransom.' });
    assert.deepEqual(translated.body.texts.map((text: { locale: string }) => text.locale), ['en', 'fr']);
    assert.deepEqual((await search({ q: 'ransom' })).found, ['ransomware']);
    const { rows } = await node.database.db.query<{ action: string }>("SELECT action FROM audit_log WHERE subject_type = 'practice' AND subject_id = $1 ORDER BY id", [id]);
    assert.deepEqual(rows.map((row) => row.action), ['prevention.practice.create', 'prevention.practice.update', 'prevention.practice.write']);
    assert.equal((await investigator.call('PUT', `/api/v1/practices/${id}`, ENTRIES.ransomware.facts)).status, 403);
    assert.equal((await fetch(`${node.url}/api/v1/practices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 401);
    const page = await fetch(`${node.url}/practices/${id}`, { headers: { 'accept-language': 'zh' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<article lang="en" dir="ltr">/, 'a reader of another language gets a translation, marked');
  });

  test('hundreds of random searches and malformed posts: a readable page or a problem, never a server error, nothing stored', async () => {
    const before = await snapshot(node.database.db, RECORDS_OF_ATTEMPTS);
    const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom('"', '""', '-', 'or', '!', '&', '|', '(', ':*', '<->', '\\', "'", 'a & | b', '"钓鱼', '钓"鱼', '\u0000', 'x'.repeat(201), '%', '<mark>'));
    const filterValue = fc.oneof(fc.constant(''), fc.constantFrom('FR', 'accounts', 'older', 'template', 'fr', 'XX', 'FRA'), fc.string({ maxLength: 8 }));
    const searches = fc.record({ q: anyText, country: filterValue, theme: filterValue, audience: filterValue, kind: filterValue, other: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }) }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(searches, fc.constantFrom('en', 'ar', 'zh', 'fr', 'ru', 'es'), async (query, language) => {
      const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
      const response = await fetch(`${node.url}/practices?${params}`, { headers: { 'accept-language': language } });
      const page = await response.text();
      assert.ok(response.status === 200 || response.status === 400, `${params}: ${response.status} ${page.slice(0, 200)}`);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page, new RegExp(`<html lang="${language}"`), 'in the reader\'s language');
    }), { numRuns: 300 });

    const valid = { country: 'FR', theme: 'scams', audience: 'public', kind: 'practice', locale: 'fr', title: 'Titre', body: 'Texte.' };
    const broken = fc.oneof(
      fc.constantFrom(...Object.keys(valid)).map((name) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name))),
      fc.tuple(fc.constantFrom('country', 'theme', 'audience', 'kind', 'locale'), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)))
        .filter(([name, value]) => value !== (valid as Record<string, unknown>)[name] && !(name === 'country' && typeof value === 'string' && /^[A-Z]{2}$/.test(value)))
        .filter(([name, value]) => !(name === 'theme' && ['accounts', 'scams', 'ransomware', 'harassment', 'reporting', 'cooperation'].includes(value as string))
          && !(name === 'audience' && ['public', 'businesses', 'young', 'older', 'professionals'].includes(value as string))
          && !(name === 'kind' && ['practice', 'training', 'template'].includes(value as string))
          && !(name === 'locale' && ['ar', 'zh', 'en', 'fr', 'ru', 'es'].includes(value as string)))
        .map(([name, value]) => ({ ...valid, [name]: value })),
      fc.tuple(fc.constantFrom('title', 'body'), fc.constantFrom('', '  ', '\u0002', 'a\u0003b', '\ud800', 'x'.repeat(20_001))).map(([name, value]) => ({ ...valid, [name]: value })),
      fc.constantFrom('javascript:alert(1)', 'ftp://example.org', 'https://exa mple.org', 'https://"x"', 'example.org').map((link) => ({ ...valid, link })),
    );
    await fc.assert(fc.asyncProperty(broken, async (body) => {
      const response = await analyst.post('/api/v1/practices', body);
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 120)}: ${response.text.slice(0, 200)}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }), { numRuns: 200 });
    assert.deepEqual(await snapshot(node.database.db, RECORDS_OF_ATTEMPTS), before, 'nothing stored');
  });
});

