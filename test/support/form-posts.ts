/**
 * Malformed form posts to the public portal, for the property tests of its forms
 * (test/prevention/form-fuzz.test.ts, survey-fuzz.test.ts): each post carries one defect that
 * must be refused, wrapped in random noise that may add more but can never repair it; and the
 * check that the answer is a readable page in the reader's language.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LOCALES, type Locale } from '../../src/platform/i18n/locales.ts';
import { CSRF_FIELD } from '../../src/identity/guard.ts';
import { catalogs } from '../../src/prevention/messages.ts';
import { HONEYPOT_FIELD } from '../../src/prevention/public-forms.ts';

/** A field's value: text, or raw bytes sent percent-encoded as they are (not necessarily UTF-8). */
export type Value = string | Uint8Array;
export type Field = readonly [name: string, value: Value];

export interface Post {
  path: string;
  fields: readonly Field[];
  /** Bytes appended to the body unencoded, as the value of a field of their own. */
  rawTail?: { name: string; bytes: Uint8Array } | undefined;
  locale: Locale;
  acceptLanguage: string;
  contentType: string;
  crossSite: boolean;
  /** The defect that must be refused, for the failure message. */
  why: string;
}

export interface Defect {
  why: string;
  path: string;
  fields: readonly Field[];
  /** Fields the noise must leave alone: adding one could repair the defect. */
  reserved: readonly string[];
  crossSite?: boolean;
}

/** What the browser of a reader of each language may send; the language is found in each. */
const ACCEPT_LANGUAGES: Record<Locale, string[]> = {
  ar: ['ar', 'ar-MA,ar;q=0.9,fr;q=0.8', 'AR-eg'],
  zh: ['zh', 'zh-CN,zh;q=0.9', 'zh-Hant-TW,zh;q=0.8,en;q=0.1'],
  en: ['en', 'de-CH,de;q=0.9,en;q=0.8', 'en-GB'],
  fr: ['fr', 'fr-BE,fr;q=0.9,en;q=0.7', 'it,fr;q=0.5'],
  ru: ['ru', 'ru-RU,ru;q=0.9', 'uk-UA,ru;q=0.8'],
  es: ['es', 'es-AR,es;q=0.9,en;q=0.5', 'eu,es;q=0.9'],
};
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export const field = (name: string, value: Value): Field => [name, value];
/** Any code point but U+0000, whose refusal is a defect of its own. */
export const anyText = (maxLength = 80) => fc.string({ unit: 'binary', maxLength }).map((text) => text.replaceAll('\u0000', ''));
export const bytes = fc.uint8Array({ minLength: 1, maxLength: 64 });
/** A long run of one character, cheaper to make than a random string of that length. */
export const run = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.constantFrom('x', 'é', '中', 'ж', 'ب', '🙂')).map(([length, char]) => char.repeat(length));
export const noise: fc.Arbitrary<Value> = fc.oneof(
  { arbitrary: anyText(), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }), weight: 2 },
  { arbitrary: bytes, weight: 2 },
  { arbitrary: fc.constantFrom('', ' ', '0', '-1', 'true', 'null', '[]', '{}', 'NaN', '1e309', '<script>alert(1)</script>', '\' OR 1=1 --'), weight: 2 },
  { arbitrary: run(200, 6000), weight: 1 },
);

/**
 * What the body parser and the schema refuse before any check of the form: they break any form.
 * `several`: the fields of checkboxes, which may come more than once.
 */
export function formDefects(names: readonly string[], bodyLimit: number, several: readonly string[] = []): fc.Arbitrary<{ why: string; fields: Field[] }> {
  const known = fc.constantFrom(...names);
  const once = fc.constantFrom(...names.filter((name) => !several.includes(name)));
  // The hidden box is a field of the public's forms, though the noise never fills it: filled, the form is answered as received.
  const allowed = new Set([...names, CSRF_FIELD, HONEYPOT_FIELD]);
  return fc.oneof(
    fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'what[]', 'what[0]', 'reference.0', 'Reference', 'WHAT', 'what ', 'type', 'locale', 'file', 'upload'), fc.string({ unit: 'binary', minLength: 1, maxLength: 30 })), noise)
      .filter(([name]) => !allowed.has(name) && !name.includes('\u0000'))
      .map(([name, value]) => ({ why: `the unknown field ${JSON.stringify(name)}`, fields: [field(name, value)] })),
    fc.tuple(once, noise, noise).map(([name, first, second]) => ({ why: `${name} given twice`, fields: [field(name, first), field(name, second)] })),
    fc.tuple(known, anyText(40), anyText(40)).map(([name, x, y]) => ({ why: `U+0000 in ${name}`, fields: [field(name, `${x}\u0000${y}`)] })),
    fc.tuple(known, run(20_001, 60_000)).map(([name, value]) => ({ why: `${name} of ${value.length} characters`, fields: [field(name, value)] })),
    known.map((name) => ({ why: `a body over ${bodyLimit} bytes`, fields: [field(name, 'x'.repeat(bodyLimit + 1))] })),
  );
}

/**
 * Posts built from defects: noise among `names`, kept only where `own(path)` has the field and
 * the defect neither reserved nor gave it; the fields in either order; in any of the six
 * languages, as a browser of it asks; with the form's content type as browsers spell it.
 */
export function postsOf(defect: fc.Arbitrary<Defect>, names: readonly string[], own: (path: string) => readonly string[]): fc.Arbitrary<Post> {
  return fc
    .record({
      defect,
      noise: fc.array(fc.tuple(fc.constantFrom(...names), noise), { maxLength: 4 }),
      rawTail: fc.option(fc.tuple(fc.constantFrom(...names), bytes), { nil: undefined }),
      shuffle: fc.boolean(),
      locale: fc.constantFrom(...LOCALES),
      pick: fc.nat(),
      contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8', 'Application/X-WWW-Form-Urlencoded'),
    })
    .map(({ defect: d, noise: extra, rawTail, shuffle, locale, pick, contentType }) => {
      const given = new Set(d.fields.map(([name]) => name));
      // Noise among the route's own fields: another route's would be an unknown field, refused before the check under test.
      const free = (name: string) => own(d.path).includes(name) && !d.reserved.includes(name) && !given.has(name);
      const added = extra.filter(([name]) => free(name));
      const fields = shuffle ? [...added, ...d.fields] : [...d.fields, ...added];
      const tail = rawTail && free(rawTail[0]) && !added.some(([name]) => name === rawTail[0]) ? { name: rawTail[0], bytes: rawTail[1] } : undefined;
      const choices = ACCEPT_LANGUAGES[locale];
      const post: Post = { path: d.path, fields, rawTail: tail, locale, acceptLanguage: choices[pick % choices.length]!, contentType, crossSite: d.crossSite ?? false, why: d.why };
      return Object.assign(post, { [fc.toStringMethod]: () => describePost(post) });
    });
}

/** A post as a counterexample, short enough to read: long values by their length. */
function describePost(post: Post): string {
  const shown = (value: Value) => (typeof value !== 'string' ? `<${value.length} bytes>` : value.length > 60 ? `<${value.length} × ${JSON.stringify(value.slice(0, 12))}…>` : JSON.stringify(value));
  const fields = post.fields.map(([name, value]) => `${JSON.stringify(name)}=${shown(value)}`);
  if (post.rawTail) fields.push(`${JSON.stringify(post.rawTail.name)}=<${post.rawTail.bytes.length} raw bytes>`);
  return `POST ${post.path} [${post.why}] ${fields.join(' ')} (${post.locale}: ${post.acceptLanguage}${post.crossSite ? ', cross-site' : ''})`;
}

const percentEncoded = (value: Value) => (typeof value === 'string' ? encodeURIComponent(value) : [...value].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));

function body(post: Post): Buffer {
  const text = post.fields.map(([name, value]) => `${encodeURIComponent(name)}=${percentEncoded(value)}`).join('&');
  if (!post.rawTail) return Buffer.from(text);
  // Raw bytes as they are, but for `&`, which would start a field of their making.
  const raw = Buffer.from([...post.rawTail.bytes].filter((byte) => byte !== 0x26));
  return Buffer.concat([Buffer.from(`${text}${text ? '&' : ''}${encodeURIComponent(post.rawTail.name)}=`), raw]);
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
const decode = (text: string) => text.replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity]!);

/** The text of each element the page announces as an alert. */
export function alertsOf(page: string): string[] {
  return [...page.matchAll(/<(p|div)\b[^>]*\brole="alert"[^>]*>([\s\S]*?)<\/\1>/g)].map((match) => decode(match[2]!.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim());
}

/** The words of a message outside its placeholders: what any rendering of it shows. */
function literalParts(message: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of message) {
    if (char === '{') {
      if (depth === 0) {
        parts.push(current);
        current = '';
      }
      depth += 1;
    } else if (char === '}') depth -= 1;
    else if (depth === 0) current += char;
  }
  parts.push(current);
  return parts.map((part) => part.replaceAll("''", "'").trim()).filter((part) => part.length > 0);
}

/** For each language, the longest fixed wording of each of the portal's error messages. */
const ERROR_WORDING = Object.fromEntries(
  LOCALES.map((l) => [
    l,
    Object.entries(catalogs[l])
      .filter(([key]) => key.startsWith('error.') && key !== 'error.title' && key !== 'error.back')
      .map(([, message]) => literalParts(message).reduce((a, b) => (b.length > a.length ? b : a), ''))
      .filter((wording) => wording !== ''),
  ]),
) as Record<Locale, string[]>;

/**
 * Sends the post as a browser would and checks the answer: a 4xx page in the language asked
 * for, announcing one of the portal's error messages, without a stack trace. Returns the status.
 */
export async function assertRefusedReadably(url: string, post: Post): Promise<number> {
  const response = await fetch(`${url}${post.path}`, {
    method: 'POST',
    headers: {
      'content-type': post.contentType,
      accept: BROWSER_ACCEPT,
      'accept-language': post.acceptLanguage,
      ...(post.crossSite ? { 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' } : {}),
    },
    body: body(post),
    redirect: 'manual',
  });
  const { status } = response;
  const text = await response.text();
  const what = `${post.path} with ${post.why} → ${status}`;
  assert.ok(status >= 400 && status < 500, `${what}: ${text.slice(0, 300)}`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/, what);
  const html = /<html lang="([^"]*)" dir="([^"]*)">/.exec(text);
  assert.deepEqual(html?.slice(1), [post.locale, post.locale === 'ar' ? 'rtl' : 'ltr'], `${what}: the page is not in ${post.locale}`);
  const alerts = alertsOf(text);
  assert.ok(alerts.length > 0 && alerts.every((alert) => alert !== ''), `${what}: no readable alert in ${JSON.stringify(alerts)}`);
  assert.ok(
    ERROR_WORDING[post.locale].some((wording) => alerts.some((alert) => alert.includes(wording))),
    `${what}: the alert ${JSON.stringify(alerts)} is none of the error messages in ${post.locale}`,
  );
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?\n/, `${what}: the page shows a stack trace`);
  return status;
}
