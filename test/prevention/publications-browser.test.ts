import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ENDONYMS } from '../../src/platform/i18n/locales.ts';
import { translator } from '../../src/prevention/layout.ts';
import { heading, launchBrowser, skipWithoutBrowser as skip } from '../support/browser.ts';
import { type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';
import { asReader, assertServedPublicPage, load } from '../support/portal.ts';

const PARCEL = {
  en: { title: 'Fake parcel messages ask for a fee', summary: 'Text messages say a parcel is waiting and ask for a fee.', body: 'Do not click the link.\n\nDelivery firms never ask for a fee by text.' },
  ar: { title: 'رسائل طرود مزيفة تطلب رسومًا', summary: 'رسائل نصية تزعم أن طردًا ينتظرك وتطلب رسومًا.', body: 'لا تنقر على الرابط.\n\nشركات التوصيل لا تطلب رسومًا برسالة نصية.' },
};
const INVESTMENT = { title: 'Faux placements en cryptomonnaie', summary: 'Des publicités promettent des gains rapides.', body: 'Aucun placement sérieux ne garantit des gains.' };
const PASSWORDS = {
  en: { title: 'Strong passwords and two-step verification', body: 'Use a different passphrase for each account, and turn on two-step verification.' },
  ar: { title: 'كلمات مرور قوية والتحقق بخطوتين', body: 'استخدم عبارة مرور مختلفة لكل حساب، وفعّل التحقق بخطوتين.' },
};

describe('advisories and good practices in a browser without JavaScript, in English and Arabic', { skip }, () => {
  let node: TestNode;
  let browser: Browser;
  let screenshots: string;

  before(async () => {
    const started = await startTestNodeWithAdmin();
    node = started.node;
    const admin: Api = started.admin;
    const analyst = await userWith(admin, 'ana', ['analyst']);
    const parcel = (await analyst.post('/api/v1/advisories', { audience: 'older', threat: 'phishing', locale: 'en', ...PARCEL.en })).body.id;
    await analyst.call('PUT', `/api/v1/advisories/${parcel}/texts/ar`, PARCEL.ar);
    const investment = (await analyst.post('/api/v1/advisories', { audience: 'public', threat: 'crypto-scam', locale: 'fr', ...INVESTMENT })).body.id;
    for (const id of [parcel, investment]) assert.equal((await admin.post(`/api/v1/advisories/${id}/publication`, {})).status, 200);
    const practice = (await analyst.post('/api/v1/practices', { country: 'FR', theme: 'accounts', audience: 'public', kind: 'practice', locale: 'en', ...PASSWORDS.en })).body.id;
    await analyst.call('PUT', `/api/v1/practices/${practice}/texts/ar`, PASSWORDS.ar);
    browser = await launchBrowser();
    screenshots = await mkdtemp(join(tmpdir(), 'entraide-publications-screenshots-'));
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  for (const locale of ['en', 'ar'] as const) {
    test(`${locale}: filter the advisories, read one, read one in another language, search the good practices; each page light and axe-clean`, async (t) => {
      const tr = translator(locale);
      await asReader(browser, locale, async (page) => {
        const assertPublicPage = (name: string, served: Awaited<ReturnType<typeof load>>, status: number) =>
          assertServedPublicPage({ browser, page, locale, screenshots, diagnostic: (message) => t.diagnostic(message) }, name, served, status);

        await assertPublicPage('advisories', await load(page, () => page.goto(`${node.url}/advisories`)), 200);
        assert.equal(await heading(page), tr('advisories.title'));
        assert.equal(await page.locator('nav.sections [aria-current="page"]').innerText(), tr('nav.advisories'));
        assert.equal(await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href'), `/advisories.atom?lang=${locale}`);

        await page.getByLabel(tr('audience.label'), { exact: true }).selectOption('older');
        const filtered = await load(page, () => page.getByRole('button', { name: tr('filter.submit'), exact: true }).click());
        await assertPublicPage('advisories-filtered', filtered, 200);
        assert.equal(new URL(filtered.url).searchParams.get('audience'), 'older', 'the filter is a GET: the result can be linked to');
        assert.equal(await page.getByRole('link', { name: INVESTMENT.title }).count(), 0, 'the advisory for everyone is filtered out');

        await assertPublicPage('advisory', await load(page, () => page.getByRole('link', { name: PARCEL[locale].title, exact: true }).click()), 200);
        assert.equal(await heading(page), PARCEL[locale].title, 'in the reader\'s language');

        await load(page, () => page.getByRole('link', { name: tr('advisory.back'), exact: true }).click());
        await assertPublicPage('advisory-untranslated', await load(page, () => page.getByRole('link', { name: INVESTMENT.title, exact: true }).click()), 200);
        assert.equal(await page.locator('p.notice').innerText(), tr('advisory.untranslated', { language: ENDONYMS.fr }));
        assert.equal(await page.locator('article').getAttribute('lang'), 'fr', 'the French text is marked as French for screen readers');

        await assertPublicPage('practices', await load(page, () => page.getByRole('link', { name: tr('nav.practices'), exact: true }).click()), 200);
        assert.equal(await heading(page), tr('practices.title'));
        await page.getByLabel(tr('practices.search'), { exact: true }).fill(locale === 'ar' ? 'حساب' : 'accounts');
        const results = await load(page, () => page.getByRole('button', { name: tr('filter.search'), exact: true }).click());
        await assertPublicPage('practices-search', results, 200);
        assert.equal(await page.locator('.results h3').innerText(), PASSWORDS[locale].title);
        assert.ok(await page.locator('.results mark').count() > 0, 'the words found are marked');
        await assertPublicPage('practice', await load(page, () => page.getByRole('link', { name: PASSWORDS[locale].title, exact: true }).click()), 200);
        assert.equal(await heading(page), PASSWORDS[locale].title);
      });
    });
  }
});
