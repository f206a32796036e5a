import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { messages } from '../../src/observatory/messages.ts';
import { translator } from '../../src/prevention/layout.ts';
import { assertAccessible, assertLanguage, heading, launchBrowser, skipWithoutBrowser as skip, submitLogin, withPage } from '../support/browser.ts';
import { type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';
import { asReader, assertServedPublicPage, load } from '../support/portal.ts';

describe('the observatory in a browser: the public page without JavaScript, the analysis with the keyboard', { skip }, () => {
  let node: TestNode;
  let browser: Browser;
  let screenshots: string;

  before(async () => {
    let admin;
    ({ node, admin } = await startTestNodeWithAdmin());
    await userWith(admin, 'ana', ['analyst']);
    await node.database.db.query(
      `INSERT INTO reports (reference, access_digest, incident_type, severity, locale, what_happened, submitted_at)
       SELECT 'T-' || n, '\\x00', CASE WHEN n <= 6 THEN 'phishing' ELSE 'ransomware' END, 'low', 'en', 'A report of the test.', now() - make_interval(days => n)
         FROM generate_series(1, 8) AS n`,
    );
    browser = await launchBrowser();
    screenshots = await mkdtemp(join(tmpdir(), 'entraide-observatory-screenshots-'));
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  for (const locale of ['en', 'ar'] as const) {
    test(`${locale}: from the menu to the observatory, another period chosen, each page light, axe-clean and without script`, async (t) => {
      const say = (key: Parameters<typeof messages.t>[1]) => messages.t(locale, key);
      await asReader(browser, locale, async (page) => {
        const reader = { browser, page, locale, screenshots, diagnostic: (message: string) => t.diagnostic(message) };
        await load(page, () => page.goto(`${node.url}/report`));
        await assertServedPublicPage(reader, 'observatory', await load(page, () => page.getByRole('link', { name: translator(locale)('nav.observatory'), exact: true }).click()), 200);
        assert.equal(await heading(page), say('title'));
        assert.equal(await page.locator('svg[role="img"]').count(), 2, 'reports by type and by month');
        await page.getByLabel(say('period'), { exact: true }).selectOption('24');
        await assertServedPublicPage(reader, 'observatory-24', await load(page, () => page.getByRole('button', { name: say('show'), exact: true }).click()), 200);
        assert.equal(new URL(page.url()).searchParams.get('months'), '24');
        assert.equal(await page.locator('section[aria-labelledby="by-month-heading"] tbody tr').count(), 24, 'every month listed');
      });
    });
  }

  test('the analysis page, in Arabic, reached with the keyboard and axe-clean', async () => {
    await withPage(browser, { locale: 'ar' }, async (page) => {
      await page.goto(`${node.url}/login?next=/observatory/analysis`);
      assert.equal((await submitLogin(page, 'ar', 'ana', 'ana-secret-passphrase')).status(), 303);
      await assertLanguage(page, 'ar');
      assert.equal(await heading(page), messages.t('ar', 'staff.title'));
      await page.keyboard.press('Tab');
      await assertAccessible(page, 'the observatory analysis in Arabic');
    });
  });
});
