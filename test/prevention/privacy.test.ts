import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCALES } from '../../src/platform/i18n/locales.ts';
import { INCIDENT_TYPES } from '../../src/prevention/incidents.ts';
import { translator } from '../../src/prevention/layout.ts';
import { catalogs } from '../../src/prevention/messages.ts';
import { DEFAULT_RETENTION_DAYS } from '../../src/prevention/retention.ts';
import { type TestNode, startTestNode } from '../support/node.ts';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
const decode = (text: string) => text.replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity]!);
const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();

describe('the privacy notice at /privacy', () => {
  let node: TestNode;
  let withContact: TestNode;
  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 1000, retentionDays: { harassment: 45, 'hate-speech': 180 } } });
    withContact = await startTestNode({ prevention: { reportsPerHour: 1000, privacyContact: 'dpo@police.example' } });
  });
  after(async () => {
    await node?.close();
    await withContact?.close();
  });

  const get = async (target: TestNode, path: string, language: string) => {
    const response = await fetch(`${target.url}${path}`, { headers: { 'accept-language': language } });
    return { status: response.status, text: await response.text() };
  };

  test('in each of the six languages: what is collected, why, who sees it, how long (the node’s periods), the rights and whom to ask', async () => {
    for (const locale of LOCALES) {
      const t = translator(locale);
      const { status, text } = await get(node, '/privacy', locale);
      assert.equal(status, 200, `${locale}: ${text.slice(0, 200)}`);
      assert.match(text, new RegExp(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`));
      assert.equal(textOf(/<h1>([\s\S]*?)<\/h1>/.exec(text)![1]!), t('privacy.title'));
      const headings = [...text.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((match) => textOf(match[1]!));
      assert.deepEqual(headings, (['collect', 'why', 'who', 'keep', 'rights', 'contact'] as const).map((part) => t(`privacy.${part}.heading`)), locale);
      const rows = [...text.matchAll(/<tr><th scope="row">([\s\S]*?)<\/th><td>([\s\S]*?)<\/td><\/tr>/g)].map((match) => [textOf(match[1]!), textOf(match[2]!)]);
      const expected = INCIDENT_TYPES.map((type) => {
        const days = type === 'harassment' ? 45 : type === 'hate-speech' ? 180 : DEFAULT_RETENTION_DAYS[type];
        const period = days % 365 === 0 ? t('privacy.keep.years', { count: days / 365 }) : days % 30 === 0 ? t('privacy.keep.months', { count: days / 30 }) : t('privacy.keep.days', { count: days });
        return [t(`type.${type}`), period];
      });
      assert.deepEqual(rows, expected, locale);
      assert.ok(textOf(text).includes(t('privacy.contact.none')), `${locale}: no contact named, the report's own page is the way`);
      assert.ok(catalogs[locale]['privacy.why'] !== catalogs.en['privacy.why'] || locale === 'en', `${locale} is translated`);
    }
    assert.ok(textOf((await get(node, '/privacy', 'en')).text).includes('6 months'), 'hate speech: 180 days are 6 months');
    assert.ok(textOf((await get(node, '/privacy', 'ru')).text).includes('45 дней'), 'Russian plurals');
  });

  test('a contact the node names is given as a link; the public pages all link to the notice', async () => {
    const { text } = await get(withContact, '/privacy', 'fr');
    assert.match(text, /<a href="mailto:dpo@police\.example" dir="ltr">dpo@police\.example<\/a>/);
    for (const path of ['/report', '/report/phishing', '/report/status', '/report/child-abuse', '/privacy', '/report/no-such-type']) {
      const page = await get(node, path, 'es');
      assert.match(page.text, /<footer>[\s\S]*<a href="\/privacy">[^<]+<\/a>[\s\S]*<\/footer>/, path);
    }
    const form = await get(node, '/report/phishing', 'zh');
    assert.match(form.text, /<form class="report"[\s\S]*<a href="\/privacy">[\s\S]*<\/form>/, 'the form links to it, beside the words on who reads the report');
  });
});
