import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { isolated } from '../../src/console/layout.ts';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import { type MessageKey, messages } from '../../src/statistics/messages.ts';
import { STATISTICS_PAGE } from '../../src/statistics/pages.ts';
import { CATALOGS, assertAccessible, assertLanguage, launchBrowser, skipWithoutBrowser as skip, submitLogin, withPage } from '../support/browser.ts';
import { tabTo } from '../support/request-pages.ts';
import { ADMIN, type TestNode, startTestNodeWithAdmin } from '../support/node.ts';
import { PERIOD, SELF, seedKnownData } from './known-data.ts';

const said = (locale: Locale, key: MessageKey, values: Record<string, string> = {}) => messages.t(locale, key, isolated(values));

/** The cells of a table's row headed `label`, as the page shows them. */
const row = (page: Page, caption: string, label: string) =>
  page.locator('table', { has: page.locator('caption', { hasText: caption }) }).locator('tr', { has: page.locator(`th[scope="row"]`, { hasText: label }) }).locator('td').allInnerTexts();

describe('the statistics page of the console', { skip }, () => {
  let node: TestNode;
  let browser: Browser;

  before(async () => {
    node = (await startTestNodeWithAdmin({ nodeId: SELF, state: 'XA' })).node;
    await seedKnownData(node.database.db);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  async function signedIn(locale: Locale, use: (page: Page) => Promise<void>): Promise<void> {
    await withPage(browser, { locale, extraHTTPHeaders: { 'accept-language': locale } }, async (page) => {
      await page.goto(`${node.url}/login`);
      assert.equal((await submitLogin(page, locale, ADMIN.username, ADMIN.password)).status(), 303);
      await use(page);
    });
  }

  for (const locale of ['en', 'ar'] as const) {
    test(`charts and tables of the known data set, in ${locale}, reached and filtered with the keyboard`, async () => {
      await signedIn(locale, async (page) => {
        await page.getByRole('link', { name: CATALOGS[locale]['home.statistics'] }).click();
        await page.waitForLoadState();
        await assertLanguage(page, locale);
        // The period is typed in, then sent with Enter: no mouse, no script.
        await tabTo(page, '#stat-from');
        await page.locator('#stat-from').fill('2025-01-01');
        await page.locator('#stat-to').fill('2025-12-31');
        await tabTo(page, '#stat-to');
        await Promise.all([page.waitForURL(/from=2025-01-01/), page.keyboard.press('Enter')]);
        const number = (value: number) => new Intl.NumberFormat(locale).format(value);
        const percent = (value: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
        const summary = said(locale, 'summary');
        assert.deepEqual(await row(page, summary, said(locale, 'col.requests')), [number(7), number(3)]);
        assert.deepEqual(await row(page, summary, said(locale, 'col.overdue')), [number(1), number(0)]);
        assert.deepEqual(await row(page, summary, said(locale, 'col.success')), [percent(0.4), percent(2 / 3)]);
        assert.deepEqual(await row(page, said(locale, 'by-outcome'), said(locale, 'outcome.refused')), [number(2), number(1)]);
        assert.deepEqual(await row(page, said(locale, 'by-state'), said(locale, 'unknown-state')), [number(1), number(0)]);
        // Each chart is an image with its name and a description, and its bars carry their numbers.
        const charts = page.locator('svg[role="img"]');
        assert.equal(await charts.count(), 3);
        assert.equal(await charts.first().getAttribute('aria-label'), said(locale, 'by-state'));
        assert.ok((await charts.first().locator('text').allTextContents()).includes(number(3)));
        // A label stands above its bars, from the side the page is read from, its text at least 12 px high as rendered.
        const drawn = await charts.first().evaluate((svg) => {
          const group = svg.querySelector('g')!;
          const [label, bar] = [group.querySelector('text')!.getBoundingClientRect(), group.querySelector('rect')!.getBoundingClientRect()];
          const frame = svg.getBoundingClientRect();
          return { above: label.bottom <= bar.top, fromLeft: label.left - frame.left, fromRight: frame.right - label.right, barFromLeft: bar.left - frame.left, barFromRight: frame.right - bar.right, fontPx: label.height };
        });
        assert.equal(drawn.above, true, JSON.stringify(drawn));
        assert.ok(drawn.fontPx >= 12, JSON.stringify(drawn));
        const [near, barNear] = locale === 'ar' ? [drawn.fromRight, drawn.barFromRight] : [drawn.fromLeft, drawn.barFromLeft];
        assert.ok(near < 2 && barNear < 2, JSON.stringify(drawn));
        assert.match(await page.getByRole('link', { name: said(locale, 'csv') }).getAttribute('href') ?? '', /requests\.csv\?from=2025-01-01&to=2025-12-31/);
        await assertAccessible(page, `the statistics page in ${locale}`);
      });
    });
  }

  test('a period that ends before it starts is explained on the page', async () => {
    await signedIn('fr', async (page) => {
      const response = await page.goto(`${node.url}${STATISTICS_PAGE}?from=2025-06-01&to=2025-05-01`);
      assert.equal(response?.status(), 400);
      assert.equal(await page.getByRole('alert').locator('li').innerText(), said('fr', 'problem.period-reversed', { field: said('fr', 'to') }));
      await assertAccessible(page, 'the statistics page with a bad period');
    });
  });

  test('filtered by kind, the page shows times in days', async () => {
    await signedIn('en', async (page) => {
      const response = await page.goto(`${node.url}${STATISTICS_PAGE}?${PERIOD}&kind=mla`);
      assert.equal(response?.status(), 200);
      assert.deepEqual(await row(page, said('en', 'summary'), said('en', 'col.median')), ['20 days', '–']);
    });
  });
});
