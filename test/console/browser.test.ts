import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ar } from '../../src/console/locales/ar.ts';
import { en } from '../../src/console/locales/en.ts';
import { fr } from '../../src/console/locales/fr.ts';
import { LOCALES, type Locale } from '../../src/platform/i18n/locales.ts';
import {
  ACCEPT_LANGUAGE, assertAccessible, assertLanguage, assertPng, CATALOGS, heading, isFocused, launchBrowser, skipWithoutBrowser as skip, submitLogin, withPage,
} from '../support/browser.ts';
import { ADMIN, Api, type TestNode, startTestNode } from '../support/node.ts';


/** A name that reads left to right and ends in a neutral character: the hard case inside an Arabic sentence. */
const USER = { username: 'ines', displayName: 'Inès Duval (ICPO)', password: 'ines-secret-passphrase' };
/** Names are set in the sentence inside Unicode bidi isolates (FSI … PDI), which keep their direction. */
const welcome = (locale: Locale, name: string) => CATALOGS[locale]['home.title'].replace('{name}', `\u2068${name}\u2069`);

describe('the console in a browser', { skip }, () => {
  let node: TestNode;
  let browser: Browser;

  before(async () => {
    node = await startTestNode();
    browser = await launchBrowser();
    const admin = await new Api(node.url).login(ADMIN.username, ADMIN.password);
    const created = await admin.post('/api/v1/users', { ...USER, roles: ['investigator'] });
    assert.equal(created.status, 201, created.text);
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  for (const locale of LOCALES) {
    test(`${locale}: the pages speak the language the browser asks for, and axe-core finds no serious fault`, async () => {
      const t = CATALOGS[locale];
      await withPage(browser, { locale, extraHTTPHeaders: { 'accept-language': ACCEPT_LANGUAGE[locale] } }, async (page) => {
        const login = await page.goto(`${node.url}/login`);
        assert.equal(login?.status(), 200);
        await assertLanguage(page, locale);
        assert.equal(await heading(page), t['login.title']);
        assert.ok((await page.title()).startsWith(t['login.title']));
        // Each field is named by its label alone; the code's hint is its description, not part of its name.
        for (const label of [t['login.username'], t['login.password'], t['login.otp']]) {
          assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `no field is labelled ${label}`);
        }
        await assertAccessible(page, `/login in ${locale}`);

        // A name of its own for each language: five failures under one name lock it, known or not.
        const refused = await submitLogin(page, locale, `nobody-${locale}`, 'not a password');
        assert.equal(refused.status(), 401);
        assert.equal(await page.getByRole('alert').innerText(), t['login.error.failed']);
        await assertAccessible(page, `/login with an error in ${locale}`);

        await submitLogin(page, locale, ADMIN.username, ADMIN.password);
        assert.equal(new URL(page.url()).pathname, '/');
        await assertLanguage(page, locale);
        assert.equal(await heading(page), welcome(locale, 'Administrator'));
        await assertAccessible(page, `/ in ${locale}`);

        await page.getByRole('link', { name: t['home.api'], exact: true }).click();
        assert.equal(new URL(page.url()).pathname, '/api/docs');
        await assertLanguage(page, locale);
        assert.equal(await heading(page), t['docs.title']);
        assert.deepEqual(await page.locator('table').first().getByRole('columnheader').allInnerTexts(), ['HTTP', t['docs.summary'], t['docs.access']]);
        await assertAccessible(page, `/api/docs in ${locale}`);

        const missing = await page.goto(`${node.url}/no-such-page`);
        assert.equal(missing?.status(), 404);
        assert.match(missing?.headers()['content-type'] ?? '', /^text\/html/);
        await assertLanguage(page, locale);
        assert.equal(await heading(page), t['error.title']);
        assert.equal(await page.getByRole('alert').innerText(), t['error.404']);
        await assertAccessible(page, `the 404 page in ${locale}`);
      });
    });
  }

  test('in the dark colour scheme too, axe-core finds no serious fault', async () => {
    await withPage(browser, { locale: 'en', colorScheme: 'dark' }, async (page) => {
      await page.goto(`${node.url}/login`);
      await submitLogin(page, 'en', 'nobody-dark', 'not a password');
      await assertAccessible(page, '/login with an error, dark');
      await submitLogin(page, 'en', ADMIN.username, ADMIN.password);
      await assertAccessible(page, '/ in dark');
      await page.goto(`${node.url}/api/docs`);
      await assertAccessible(page, '/api/docs in dark');
    });
  });

  test('the language switch changes the language, keeps the page, and is remembered', async () => {
    await withPage(browser, { locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } }, async (page) => {
      // The switch is named in the page's language; each choice is named, and spoken, in its own.
      const languages = (locale: Locale) => page.getByRole('navigation', { name: CATALOGS[locale]['lang.label'], exact: true });
      await page.goto(`${node.url}/login`);
      assert.equal(await languages('en').locator('[aria-current="true"]').innerText(), 'English');
      const french = languages('en').getByRole('link', { name: 'Français', exact: true });
      assert.equal(await french.getAttribute('lang'), 'fr');

      // Activated from the keyboard...
      await french.press('Enter');
      await page.locator('html[lang="fr"]').waitFor({ state: 'attached' });
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await heading(page), fr['login.title']);
      assert.equal(await languages('fr').locator('[aria-current="true"]').innerText(), 'Français');
      const cookies = await page.context().cookies();
      assert.equal(cookies.find((cookie) => cookie.name === 'lang')?.value, 'fr');

      // ...and remembered over the browser's own preference on a new load.
      const again = await page.context().newPage();
      await again.goto(`${node.url}/login`);
      await assertLanguage(again, 'fr');
      await again.close();

      // With the mouse, from another page: the reader stays where they were.
      await page.goto(`${node.url}/api/docs`);
      await languages('fr').getByRole('link', { name: 'العربية', exact: true }).click();
      await page.locator('html[lang="ar"]').waitFor({ state: 'attached' });
      assert.equal(new URL(page.url()).pathname, '/api/docs');
      await assertLanguage(page, 'ar');
      assert.equal(await heading(page), ar['docs.title']);
      await page.goto(`${node.url}/login`);
      await assertLanguage(page, 'ar');
    });
  });

  test('with the keyboard alone: sign in, skip to the content, sign out', async () => {
    await withPage(browser, { locale: 'en' }, async (page) => {
      await page.goto(`${node.url}/login`);
      // The form is the page's purpose: the cursor starts in the username field.
      await page.locator('#username:focus').waitFor();
      await page.keyboard.type(USER.username);
      await page.keyboard.press('Tab');
      assert.ok(await isFocused(page, '#password'));
      await page.keyboard.type(USER.password);
      await page.keyboard.press('Tab'); // the optional one-time code
      assert.ok(await isFocused(page, '#otp'));
      await page.keyboard.press('Tab');
      assert.ok(await isFocused(page, 'button[type="submit"]'));
      await Promise.all([page.waitForURL(`${node.url}/`), page.keyboard.press('Enter')]);
      assert.equal(await heading(page), welcome('en', USER.displayName));

      // The first stop on a page is the skip link: shown when focused, it takes focus to the content.
      await page.keyboard.press('Tab');
      assert.ok(await isFocused(page, 'a.skip'));
      assert.equal(await page.locator('a.skip').innerText(), en.skip);
      const box = await page.locator('a.skip').boundingBox();
      assert.ok(box && box.y >= 0 && box.width > 0, 'the focused skip link is on screen');
      await page.keyboard.press('Enter');
      assert.ok(await isFocused(page, 'main'));

      // Sign out is the last control of the header, just before the content.
      await page.keyboard.press('Shift+Tab');
      assert.equal(await page.locator(':focus').innerText(), en.logout);
      await Promise.all([page.waitForURL(`${node.url}/login`), page.keyboard.press('Enter')]);
      assert.equal(await heading(page), en['login.title']);

      // The session is over, not merely forgotten by the page.
      await page.goto(`${node.url}/`);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  test('without JavaScript: a wrong password is a readable 401 page, and signing in brings the reader back', async () => {
    await withPage(browser, { locale: 'en', javaScriptEnabled: false }, async (page) => {
      await page.goto(`${node.url}/`);
      assert.equal(new URL(page.url()).pathname, '/login');

      const refused = await submitLogin(page, 'en', USER.username, 'not the password');
      assert.equal(refused.status(), 401);
      assert.match(refused.headers()['content-type'] ?? '', /^text\/html/);
      assert.equal(await heading(page), en['login.title']);
      const error = page.getByRole('alert');
      assert.equal(await error.innerText(), en['login.error.failed']);
      assert.ok(await error.isVisible());
      assert.equal(await page.getByLabel(en['login.username'], { exact: true }).inputValue(), USER.username);

      const accepted = await submitLogin(page, 'en', USER.username, USER.password);
      assert.equal(accepted.status(), 303);
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await heading(page), welcome('en', USER.displayName));
    });
  });

  test('on a 320 px wide screen nothing scrolls sideways (WCAG 1.4.10 reflow), in Arabic and in English', async () => {
    for (const locale of ['ar', 'en'] as const) {
      await withPage(browser, { locale, extraHTTPHeaders: { 'accept-language': locale }, viewport: { width: 320, height: 640 } }, async (page) => {
        const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        await page.goto(`${node.url}/login`);
        assert.equal(await overflow(), 0, `/login in ${locale}`);
        await submitLogin(page, locale, USER.username, USER.password);
        assert.equal(await overflow(), 0, `/ in ${locale}`);
        await page.goto(`${node.url}/api/docs`);
        assert.equal(await overflow(), 0, `/api/docs in ${locale}`);
      });
    }
  });

  test('screenshots of the sign-in page (Arabic, English) and the Arabic home page are real images', async (t) => {
    const folder = await mkdtemp(join(tmpdir(), 'entraide-screenshots-'));
    async function shoot(page: Page, name: string) {
      const path = join(folder, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      await assertPng(path);
    }
    await withPage(browser, { locale: 'ar', extraHTTPHeaders: { 'accept-language': 'ar' } }, async (page) => {
      await page.goto(`${node.url}/login`);
      await shoot(page, 'login-ar');
      await submitLogin(page, 'ar', USER.username, USER.password);
      assert.equal(await heading(page), welcome('ar', USER.displayName));
      await shoot(page, 'home-ar');
    });
    await withPage(browser, { locale: 'en', extraHTTPHeaders: { 'accept-language': 'en' } }, async (page) => {
      await page.goto(`${node.url}/login`);
      await shoot(page, 'login-en');
    });
    t.diagnostic(`screenshots in ${folder}`);
  });
});
