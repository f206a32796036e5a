/**
 * The checks every public page of the portal passes in a real browser with scripts off: weighed with
 * all it loads, in the reader's language, without script, axe-clean, and photographed in Arabic and English.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page, Response } from 'playwright-core';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import { translator } from '../../src/prevention/layout.ts';
import { ACCEPT_LANGUAGE, assertAccessible, assertLanguage, assertPng, withPage } from './browser.ts';

/** Every public page, with everything it loads, fits in 50 KB: readers on slow or paid connections. */
export const MAX_WEIGHT = 50 * 1024;
/** A document as the node served it, and the bytes of it and of everything it loaded. */
export interface Served {
  url: string;
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: Buffer;
  weight: number;
  parts: string[];
}

/** Does what loads a page (an address, a link, a form) and returns the document as served. */
export async function load(page: Page, act: () => Promise<unknown>): Promise<Served> {
  const responses: Response[] = [];
  const collect = (response: Response) => responses.push(response);
  page.on('response', collect);
  try {
    const loaded = page.waitForEvent('load');
    await act();
    await loaded;
  } finally {
    page.off('response', collect);
  }
  const document = responses.find((response) => response.request().isNavigationRequest() && response.frame() === page.mainFrame());
  assert.ok(document, 'a document was loaded');
  const sized = await Promise.all(responses.map(async (response) => ({ path: new URL(response.url()).pathname, bytes: await response.body() })));
  const body = await document.body();
  return {
    url: document.url(),
    status: document.status(),
    contentType: document.headers()['content-type'] ?? '',
    headers: document.headers(),
    body,
    weight: sized.reduce((sum, { bytes }) => sum + bytes.length, 0),
    parts: sized.map(({ path, bytes }) => `${path} ${bytes.length}`),
  };
}

/**
 * axe-core needs scripts to run, and the reader's browser has them off: the document exactly as
 * served is given to a second page, with scripts on, which loads its stylesheets from the node.
 */
export async function assertAccessibleAsServed(browser: Browser, served: Served, what: string, options: BrowserContextOptions = {}): Promise<void> {
  await withPage(browser, options, async (audit) => {
    await audit.route((url) => url.href === served.url, (route) => route.fulfill({ status: served.status, contentType: served.contentType, body: served.body }));
    await audit.goto(served.url);
    await assertAccessible(audit, what);
  });
}

/** A browser of that language, with scripts off and no cache, so that each page is weighed with all it loads. */
export async function asReader(browser: Browser, locale: Locale, use: (page: Page) => Promise<void>, options: BrowserContextOptions = {}): Promise<void> {
  await withPage(browser, { locale, javaScriptEnabled: false, extraHTTPHeaders: { 'accept-language': ACCEPT_LANGUAGE[locale] }, ...options }, async (page) => {
    // Routing turns Chromium's cache off.
    await page.route('**/*', (route) => route.continue());
    await use(page);
  });
}


export interface Reader {
  browser: Browser;
  /** The reader's page, scripts off. */
  page: Page;
  locale: Locale;
  /** Where the screenshots go. */
  screenshots: string;
  diagnostic: (message: string) => void;
}

/** What every public page must be; each is weighed, audited and, in Arabic and English, photographed. */
export async function assertServedPublicPage({ browser, page, locale, screenshots, diagnostic }: Reader, name: string, served: Served, status: number): Promise<void> {
  assert.equal(served.status, status, `${name}: ${served.body.toString().slice(0, 300)}`);
  assert.match(served.contentType, /^text\/html/, name);
  await assertLanguage(page, locale);
  assert.equal(await page.locator('script').count(), 0, `${name} has a script`);
  assert.equal(await page.locator('footer a[href="/privacy"]').innerText(), translator(locale)('footer.privacy.link'), `${name} links to the privacy notice`);
  diagnostic(`${locale} ${name}: ${served.weight} bytes (${served.parts.join(', ')})`);
  assert.ok(served.weight <= MAX_WEIGHT, `${name} in ${locale} weighs ${served.weight} bytes`);
  await assertAccessibleAsServed(browser, served, `${name} in ${locale}`, { locale });
  if (locale === 'ar' || locale === 'en') {
    const path = join(screenshots, `${name}-${locale}.png`);
    await page.screenshot({ path, fullPage: true });
    await assertPng(path);
  }
}
