import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { catalogs } from '../../src/intelligence/wallets/messages.ts';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import { assertAccessible, assertLanguage, heading, isFocused, launchBrowser, skipWithoutBrowser as skip, submitted } from '../support/browser.ts';
import { type Party, party } from '../support/federation.ts';
import { userWith } from '../support/node.ts';
import { Consoles, said, shutDown, tabTo } from '../support/request-pages.ts';

/** For each language, an address to add, first with one character mistyped (its checksum then fails). */
const ADDRESSES: Record<'en' | 'ar', { good: string; typo: string }> = {
  en: { good: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', typo: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5' },
  ar: { good: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', typo: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u' },
};

describe('the wallet page: look up and add an address with the keyboard, in English and Arabic', { skip }, () => {
  let police: Party;
  let browser: Browser;
  let consoles: Consoles;

  before(async () => {
    police = await party('a-police', 'XA');
    await userWith(police.admin, 'ines', ['investigator']);
    browser = await launchBrowser();
    consoles = new Consoles(browser);
  });
  after(() => shutDown(consoles, browser, [police]));

  for (const locale of ['en', 'ar'] as const satisfies readonly Locale[]) {
    test(`${locale}: a mistyped address is refused beside its field, the right one is added and found`, async () => {
      const t = catalogs[locale];
      const { good, typo } = ADDRESSES[locale];
      const page = await consoles.signedIn(police, 'ines', locale);
      await page.goto(`${police.node.url}/wallets`);
      await assertLanguage(page, locale);
      assert.equal(await heading(page), t['wallets.title']);
      await assertAccessible(page, `the wallet page (${locale})`);

      await tabTo(page, '#add-address');
      await page.keyboard.type(typo);
      await tabTo(page, '#add-abuseType');
      await page.keyboard.press('ArrowDown'); // ransomware, after scam
      await tabTo(page, 'form[method="post"] button[type="submit"]');
      const refused = await submitted(page, () => page.keyboard.press('Enter'));
      assert.equal(refused.status(), 400);
      assert.ok(await isFocused(page, '#add-errors'), 'the list of problems takes the focus');
      assert.ok((await page.locator('#add-address-error').innerText()).includes(said(locale, 'problem.wallet-bad-checksum')));
      assert.equal(await page.locator('#add-address').getAttribute('aria-invalid'), 'true');
      await assertAccessible(page, `the refused form (${locale})`);

      await page.locator('#add-address').fill(good);
      await tabTo(page, 'form[method="post"] button[type="submit"]');
      const added = await submitted(page, () => page.keyboard.press('Enter'));
      assert.equal(added.status(), 303);
      assert.equal(new URL(page.url()).searchParams.get('address'), good);
      assert.ok(await page.getByText(t['wallets.added'], { exact: true }).isVisible());
      const row = page.locator('tbody tr');
      assert.equal(await row.count(), 1);
      assert.ok((await row.innerText()).includes(good));
      assert.ok((await row.innerText()).includes(t['abuse.ransomware']));
      await assertAccessible(page, `the result (${locale})`);

      // The lookup form, by keyboard: the same address typed again is found with its chain told from it.
      await tabTo(page, '#lookup-address');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(good);
      await Promise.all([page.waitForURL((url) => url.pathname === '/wallets' && url.searchParams.get('address') === good && !url.searchParams.has('added')), page.keyboard.press('Enter')]);
      assert.equal(await page.locator('tbody tr').count(), 1);
    });
  }
});
