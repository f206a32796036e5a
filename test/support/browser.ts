import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import axe from 'axe-core';
import { type Browser, type BrowserContextOptions, type Page, type Response, chromium } from 'playwright-core';
import { ar } from '../../src/console/locales/ar.ts';
import { type MessageKey, en } from '../../src/console/locales/en.ts';
import { es } from '../../src/console/locales/es.ts';
import { fr } from '../../src/console/locales/fr.ts';
import { ru } from '../../src/console/locales/ru.ts';
import { zh } from '../../src/console/locales/zh.ts';
import type { Locale } from '../../src/platform/i18n/locales.ts';

/** Debian's Chromium: the suite never downloads a browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';
const INSTALLED = existsSync(CHROMIUM);
/** For `describe(…, { skip })`: on a workstation without Chromium the suite is skipped; in CI a missing browser must not pass unnoticed. */
export const skipWithoutBrowser = INSTALLED || process.env.CI ? false : `${CHROMIUM} is not installed (apt-get install chromium); set CI to make this a failure`;

export const CATALOGS: Record<Locale, Record<MessageKey, string>> = { ar, zh, en, fr, ru, es };

export async function launchBrowser(): Promise<Browser> {
  assert.ok(INSTALLED, `${CHROMIUM} is missing and CI is set: the browser tests cannot run`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A fresh browser context (own cookies) with one page, closed however the test ends. */
export async function withPage(browser: Browser, options: BrowserContextOptions, use: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
  }
}

/** Runs axe-core in the page and fails on every serious or critical violation, naming the elements. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the node's script-src 'self' policy does not block it.
  await page.evaluate(axe.source);
  const { violations } = await page.evaluate<axe.AxeResults>('axe.run()');
  const grave = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  assert.deepEqual(grave, [], `${what} has accessibility violations`);
}

/** Fills the sign-in form by its labels in the page's language and waits for the page that follows. */
export async function submitLogin(page: Page, locale: Locale, username: string, password: string) {
  const catalog = CATALOGS[locale];
  await page.getByLabel(catalog['login.username'], { exact: true }).fill(username);
  await page.getByLabel(catalog['login.password'], { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.getByRole('button', { name: catalog['login.submit'], exact: true }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

export async function assertLanguage(page: Page, locale: Locale): Promise<void> {
  assert.equal(await page.getAttribute('html', 'lang'), locale);
  assert.equal(await page.getAttribute('html', 'dir'), locale === 'ar' ? 'rtl' : 'ltr');
}

export const isFocused = async (page: Page, selector: string) => (await page.locator(`${selector}:focus`).count()) === 1;

export const heading = (page: Page) => page.locator('h1').innerText();

/** A screenshot that was really taken: a PNG large enough to hold a page. */
export async function assertPng(path: string): Promise<void> {
  const bytes = await readFile(path);
  assert.ok(bytes.length > 1000, `${path} is too small to be a page`);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${path} is not a PNG`);
}

/**
 * What a browser of each language might send; English is reached through a first choice the
 * node does not speak, so that every row proves the negotiation.
 */
export const ACCEPT_LANGUAGE: Record<Locale, string> = {
  ar: 'ar-MA,ar;q=0.9,fr;q=0.8',
  zh: 'zh-CN,zh;q=0.9',
  en: 'de-CH,de;q=0.9,en;q=0.8',
  fr: 'fr-BE,fr;q=0.9,en;q=0.7',
  ru: 'ru-RU,ru;q=0.9',
  es: 'es-AR,es;q=0.9,en;q=0.5',
};

/** Runs an action that submits a form; resolves with the POST's response once the page that follows has loaded. */
export async function submitted(page: Page, act: () => Promise<void>): Promise<Response> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.waitForEvent('load'), act()]);
  return response;
}
