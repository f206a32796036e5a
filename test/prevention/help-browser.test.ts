import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { translator } from '../../src/prevention/layout.ts';
import { heading, launchBrowser, skipWithoutBrowser as skip } from '../support/browser.ts';
import { type TestNode, startTestNode } from '../support/node.ts';
import { asReader, assertServedPublicPage, load } from '../support/portal.ts';

describe('help pages and the business survey in a browser without JavaScript, in English and Arabic', { skip }, () => {
  let node: TestNode;
  let browser: Browser;
  let screenshots: string;

  before(async () => {
    node = await startTestNode();
    browser = await launchBrowser();
    screenshots = await mkdtemp(join(tmpdir(), 'entraide-help-screenshots-'));
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  for (const locale of ['en', 'ar'] as const) {
    test(`${locale}: from the menu to the help, a topic with its folded checklist, the survey refused then answered; each page light and axe-clean`, async (t) => {
      const tr = translator(locale);
      await asReader(browser, locale, async (page) => {
        const assertPublicPage = (name: string, served: Awaited<ReturnType<typeof load>>, status: number) =>
          assertServedPublicPage({ browser, page, locale, screenshots, diagnostic: (message) => t.diagnostic(message) }, name, served, status);

        await load(page, () => page.goto(`${node.url}/report`));
        await assertPublicPage('help', await load(page, () => page.getByRole('link', { name: tr('nav.help'), exact: true }).click()), 200);
        assert.equal(await heading(page), tr('help.title'));
        assert.equal(await page.locator('nav.sections [aria-current="page"]').innerText(), tr('nav.help'));

        await assertPublicPage('help-businesses', await load(page, () => page.getByRole('link', { name: tr('help.businesses.title'), exact: true }).click()), 200);
        assert.equal(await heading(page), tr('help.businesses.title'));
        assert.equal(await page.locator('ol.steps li').count(), 6, 'the first steps against ransomware, numbered');
        assert.equal(await page.getByRole('link', { name: tr('guide.ransomware.link'), exact: true }).getAttribute('href'), 'https://www.nomoreransom.org/');
        const checklist = page.getByText(tr('help.businesses.checklist.1'));
        assert.ok(!(await checklist.isVisible()), 'the checklist is folded');
        await page.getByText(tr('help.businesses.checklist.show'), { exact: true }).click();
        assert.ok(await checklist.isVisible(), 'and opens without script');

        await assertPublicPage('survey', await load(page, () => page.getByRole('link', { name: tr('help.survey.link'), exact: true }).click()), 200);
        assert.equal(await heading(page), tr('survey.title'));
        await page.getByLabel(tr('survey.incidents.none'), { exact: true }).check();
        await page.getByLabel(tr('survey.incidents.ransomware'), { exact: true }).check();
        const refused = await load(page, () => page.getByRole('button', { name: tr('survey.submit'), exact: true }).click());
        await assertPublicPage('survey-refused', refused, 400);
        assert.deepEqual(await page.locator('.error-summary li').allInnerTexts(), [tr('error.survey.sector'), tr('error.survey.size'), tr('error.survey.none')]);
        assert.ok(await page.getByLabel(tr('survey.incidents.ransomware'), { exact: true }).isChecked(), 'what was ticked stays ticked');

        await page.getByLabel(tr('survey.sector.hospitality'), { exact: true }).check();
        await page.getByLabel(tr('survey.size.micro'), { exact: true }).check();
        await page.getByLabel(tr('survey.incidents.none'), { exact: true }).uncheck();
        await page.getByLabel(tr('survey.downtime.days'), { exact: true }).check();
        await page.getByLabel(tr('survey.reported.nobody'), { exact: true }).check();
        await page.getByLabel(tr('survey.whyNot.not-know'), { exact: true }).check();
        await page.getByLabel(tr('survey.comment'), { exact: true }).fill(locale === 'ar' ? 'لم نعرف بمن نتصل.' : 'We did not know whom to call.');
        await assertPublicPage('survey-thanks', await load(page, () => page.getByRole('button', { name: tr('survey.submit'), exact: true }).click()), 201);
        assert.equal(await heading(page), tr('survey.thanks.title'));
      });
      const { rows } = await node.database.db.query<{ sector: string; incidents: string[]; why_not: string[] }>('SELECT sector, incidents, why_not FROM survey_responses WHERE locale = $1', [locale]);
      assert.deepEqual(rows, [{ sector: 'hospitality', incidents: ['ransomware'], why_not: ['not-know'] }]);
    });
  }
});
