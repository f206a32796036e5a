import assert from 'node:assert/strict';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { isolated } from '../../src/console/layout.ts';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import { type MessageKey, messages } from '../../src/requests/messages.ts';
import { isFocused, submitLogin, submitted } from './browser.ts';
import { type Party, party } from './federation.ts';
import { userWith } from './node.ts';
import { mutualTrust } from './requests.ts';

/** The password the tests give each account they create (`userWith`'s default). */
export const PASSWORD = (name: string) => `${name}-secret-passphrase`;

/** A request page's message as the pages set it: the values inside Unicode bidi isolates, as the layout does. */
export const said = (locale: Locale, key: MessageKey, values: Record<string, string | number> = {}): string => messages.t(locale, key, isolated(values));

/** Presses Tab until the element has the focus: it is reached with the keyboard, after what came before it. */
export async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let presses = 0; !(await isFocused(page, selector)); presses += 1) {
    assert.ok(presses < limit, `${selector} is not reached with Tab`);
    await page.keyboard.press('Tab');
  }
}

/** People at the nodes' consoles, each in a browser context of their own (cookies are per host, not per port). */
export class Consoles {
  private readonly contexts: BrowserContext[] = [];

  constructor(private readonly browser: Browser) {}

  /** A browser of its own signed in to a node, in one language, on the list of requests. */
  async signedIn(at: Party, username: string, locale: Locale = 'en', options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({ locale, extraHTTPHeaders: { 'accept-language': locale }, ...options });
    this.contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${at.node.url}/login?next=/requests`);
    assert.equal((await submitLogin(page, locale, username, PASSWORD(username))).status(), 303);
    assert.equal(new URL(page.url()).pathname, '/requests');
    return page;
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close().catch(() => undefined)));
  }
}

export const stateText = (page: Page) => page.locator('#request-state').innerText();

/** Reloads the request's page until it shows the state: the messages between nodes take their time. */
export async function reachesState(page: Page, state: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; ;) {
    if ((await stateText(page)) === state) return;
    assert.ok(Date.now() < deadline, `the request stayed ${await stateText(page)}, not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await page.reload();
  }
}

/** Reloads the list until the request is on it, and opens it. */
export async function openFromList(page: Page, id: string): Promise<void> {
  const link = page.locator(`a[href="/requests/${id}"]`);
  for (const deadline = Date.now() + 30_000; (await link.count()) === 0;) {
    assert.ok(Date.now() < deadline, `request ${id} did not arrive`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await page.reload();
  }
  await Promise.all([page.waitForURL(`**/requests/${id}`), link.click()]);
}

/** Takes a step from the request's page by pressing its button; the page answers with the request in its new state. */
export async function step(page: Page, action: string, fill: (page: Page) => Promise<unknown> = async () => undefined): Promise<void> {
  await fill(page);
  const response = await submitted(page, () => page.locator(`#action-${action}`).click());
  assert.equal(response.status(), 303, `${action}: ${await page.locator('main').innerText()}`);
  assert.match(page.url(), new RegExp(`\\?done=${action}$`));
}

/** Two central authorities, of States A and B, trusting each other and delivering: alice and paul (prosecutor) at A, bruno at B. */
export async function centralAuthorities(): Promise<[Party, Party]> {
  const [caA, caB] = await Promise.all([party('a-ca', 'XA', { kind: 'central_authority' }), party('b-ca', 'XB', { kind: 'central_authority' })]);
  await mutualTrust([caA, caB]);
  for (const p of [caA, caB]) p.node.federation.worker.start();
  await Promise.all([userWith(caA.admin, 'alice', ['central_authority']), userWith(caA.admin, 'paul', ['prosecutor']), userWith(caB.admin, 'bruno', ['central_authority'])]);
  return [caA, caB];
}

/** Closes what a journey started, whatever its set-up got to: the people's browsers, the browser, the nodes. */
export async function shutDown(consoles: Consoles | undefined, browser: Browser | undefined, parties: readonly (Party | undefined)[]): Promise<void> {
  await consoles?.close();
  await browser?.close();
  await Promise.all(parties.map((p) => p?.node.close()));
}
