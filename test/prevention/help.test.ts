import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCALES } from '../../src/platform/i18n/locales.ts';
import { HELP_TOPICS, helpKeys, sectionsOf } from '../../src/prevention/help-topics.ts';
import { INCIDENT_TYPES, guidanceFor } from '../../src/prevention/incidents.ts';
import { translator } from '../../src/prevention/layout.ts';
import { catalogs } from '../../src/prevention/messages.ts';
import { surveyKeys } from '../../src/prevention/survey-pages.ts';
import { type TestNode, startTestNode } from '../support/node.ts';

/** The level of each heading of a page, in order. */
const headings = (page: string) => [...page.matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]));

describe('help pages for vulnerable groups and businesses, in six languages', () => {
  let node: TestNode;
  const get = async (path: string, language = 'en') => {
    const response = await fetch(`${node.url}${path}`, { headers: { 'accept-language': language } });
    return { status: response.status, page: await response.text() };
  };

  before(async () => {
    node = await startTestNode();
  });
  after(() => node?.close());

  test('every key the help and survey pages build from their conventions is in every catalog, and none is left empty', () => {
    for (const key of [...helpKeys(), ...surveyKeys()]) {
      for (const locale of LOCALES) assert.ok(catalogs[locale][key]?.trim(), `${key} in ${locale}`);
    }
  });

  test('each topic in each language: one h1, headings that never skip a level, lists for the points, and the sections listed at the top', async () => {
    for (const locale of LOCALES) {
      const index = await get('/help', locale);
      assert.equal(index.status, 200);
      for (const topic of HELP_TOPICS) assert.ok(index.page.includes(`href="/help/${topic}"`), `${locale}: the index links to ${topic}`);
      for (const topic of HELP_TOPICS) {
        const { status, page } = await get(`/help/${topic}`, locale);
        assert.equal(status, 200, `${locale} ${topic}`);
        assert.match(page, new RegExp(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`));
        const levels = headings(page);
        assert.equal(levels.filter((level) => level === 1).length, 1, `${locale} ${topic}: one h1`);
        levels.forEach((level, i) => assert.ok(i === 0 || level <= levels[i - 1]! + 1, `${locale} ${topic}: h${levels[i - 1]} then h${level}`));
        assert.doesNotMatch(page, /<table/, 'no table for layout');
        for (const section of sectionsOf(topic)) {
          assert.ok(page.includes(`<a href="#${section.id}">`) && page.includes(`<h2 id="${section.id}">`), `${locale} ${topic}#${section.id}`);
        }
        assert.ok([...page.matchAll(/<li>/g)].length >= sectionsOf(topic).reduce((n, section) => n + section.points, 0), 'each point an item of a list');
        assert.match(page, /<nav class="sections"[^]*<a href="\/help" aria-current="page">/, 'the menu marks the help section');
      }
    }
  });

  test('the advice after a report links to the help section that says more, labelled by its heading', async () => {
    const linked = new Set<string>();
    for (const type of INCIDENT_TYPES) {
      for (const step of guidanceFor(type)) {
        if (!step.link?.href.startsWith('/help/')) continue;
        const [path, section] = step.link.href.split('#');
        const { status, page } = await get(path!, 'fr');
        assert.equal(status, 200, step.link.href);
        assert.ok(page.includes(`<h2 id="${section}">${translator('fr')(step.link.label)}</h2>`), `${type}: ${step.link.href} is headed by its label`);
        linked.add(path!);
      }
    }
    const report = await fetch(`${node.url}/report/sextortion`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'ar' }, body: 'what=threats' });
    assert.match(await report.text(), /<a href="\/help\/young-people#sextortion">/, 'the receipt page carries the link');
    const start = await get('/report');
    assert.match(start.page, /<a href="\/help\/disabilities#someone">/, 'the report page tells that someone may report for another');
    linked.add('/help/disabilities');
    assert.deepEqual([...linked].sort(), HELP_TOPICS.map((topic) => `/help/${topic}`).sort(), 'every help page is reached from the reporting path');
  });

  test('an unknown topic is a 404 page in the portal’s frame and the reader’s language', async () => {
    const { status, page } = await get('/help/unknown-topic', 'ru');
    assert.equal(status, 404);
    assert.match(page, /<html lang="ru"/);
    assert.ok(page.includes(catalogs.ru['error.404']));
  });
});
