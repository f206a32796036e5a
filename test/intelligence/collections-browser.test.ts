import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { isolated } from '../../src/console/layout.ts';
import { type MessageKey, catalogs, messages } from '../../src/intelligence/admin/messages.ts';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import { CATALOGS, assertAccessible, assertLanguage, heading, isFocused, launchBrowser, skipWithoutBrowser as skip, submitted } from '../support/browser.ts';
import { type Party, party } from '../support/federation.ts';
import { userWith } from '../support/node.ts';
import { Consoles, shutDown, tabTo } from '../support/request-pages.ts';
import { mutualTrust } from '../support/requests.ts';

/** A message of these pages as they set it: the values inside Unicode bidi isolates. */
const said = (locale: Locale, key: MessageKey, values: Record<string, string | number> = {}) => messages.t(locale, key, isolated(values));
/** Each language's collection, its title typed in that language. */
const TITLES: Record<'en' | 'ar', string> = { en: 'Phishing kits', ar: 'أدوات التصيد' };

describe('the intelligence pages: make a collection, open it to roles, share it, subscribe to it, in English and Arabic', { skip }, () => {
  let a: Party;
  let b: Party;
  let browser: Browser;
  let consoles: Consoles;
  /** The collection each language's administrator made, for the subscriber of that language. */
  const made: Partial<Record<Locale, string>> = {};

  before(async () => {
    [a, b] = await Promise.all([party('a-police', 'XA'), party('b-police', 'XB')]);
    await mutualTrust([a, b]);
    for (const p of [a, b]) p.node.federation.worker.start();
    await userWith(a.admin, 'adele', ['node_admin']);
    await userWith(b.admin, 'bob', ['analyst']);
    browser = await launchBrowser();
    consoles = new Consoles(browser);
  });
  after(() => shutDown(consoles, browser, [a, b]));

  const rightsOf = async (id: string) => (await a.node.database.db.query('SELECT role, can_read, can_write FROM collection_permissions WHERE collection_id = $1 ORDER BY role', [id])).rows;
  const sharingOf = async (scope: string) => (await a.node.database.db.query('SELECT peer, amber FROM intelligence_sharing WHERE scope = $1', [scope])).rows;
  const save = async (page: Page, button: string) => submitted(page, () => page.getByRole('button', { name: button, exact: true }).click());

  for (const locale of ['en', 'ar'] as const) {
    // In English without JavaScript, the pages' forms on their own; in Arabic with it, so that axe-core can run in the page.
    const script = locale === 'ar';
    const checkAccessible = (page: Page, what: string) => (script ? assertAccessible(page, what) : Promise.resolve());

    test(`${locale}${script ? '' : ', without JavaScript'}: the administrator makes a collection, sets who uses it and shares it, and the wallets' sharing`, async () => {
      const t = catalogs[locale];
      const page = await consoles.signedIn(a, 'adele', locale, { javaScriptEnabled: script });
      await page.goto(`${a.node.url}/`);
      await Promise.all([page.waitForURL('**/intelligence/collections'), page.getByRole('link', { name: CATALOGS[locale]['home.intelligence'], exact: true }).click()]);
      await assertLanguage(page, locale);
      assert.equal(await heading(page), t['intel.collections.title']);
      await checkAccessible(page, `the collections (${locale})`);

      // A blank title is refused beside its field, and the rights ticked are kept.
      await page.locator('#new-title').fill('   ');
      await page.locator('#new-read-contact_point').uncheck();
      await page.locator('#new-write-contact_point').check();
      const refused = await save(page, t['intel.create.submit']);
      assert.equal(refused.status(), 400);
      assert.ok(await isFocused(page, '#create-errors'), 'the list of problems takes the focus');
      assert.equal(await page.locator('#create-errors a').getAttribute('href'), '#new-title');
      assert.ok((await page.locator('#new-title-error').innerText()).includes(t['problem.title-required']));
      assert.equal(await page.locator('#new-title').getAttribute('aria-invalid'), 'true');
      assert.ok(await page.locator('#new-write-contact_point').isChecked());
      assert.ok(!(await page.locator('#new-read-contact_point').isChecked()));
      await checkAccessible(page, `the refused form (${locale})`);

      await page.locator('#new-title').fill(TITLES[locale]);
      const created = await save(page, t['intel.create.submit']);
      assert.equal(created.status(), 303);
      const id = new URL(page.url()).pathname.split('/').at(-1)!;
      made[locale] = id;
      assert.equal(await heading(page), TITLES[locale]);
      assert.equal(await page.getByRole('status').innerText(), t['intel.created']);
      assert.deepEqual(await rightsOf(id), [
        { role: 'analyst', can_read: true, can_write: true }, { role: 'contact_point', can_read: false, can_write: true }, { role: 'investigator', can_read: true, can_write: false },
      ]);
      await checkAccessible(page, `the new collection (${locale})`);

      // Its rights changed: the investigators now write too.
      await page.locator('#rights-write-investigator').check();
      assert.equal((await save(page, t['intel.permissions.submit'])).status(), 303);
      assert.equal(await page.getByRole('status').innerText(), t['intel.permissions.saved']);
      assert.deepEqual((await rightsOf(id)).find((row) => row.role === 'investigator'), { role: 'investigator', can_read: true, can_write: true });

      // Named for AMBER without being allowed to subscribe: refused beside that box, nothing shared.
      await page.locator('#share-amber-b-police').check();
      const stray = await save(page, t['intel.sharing.submit']);
      assert.equal(stray.status(), 400);
      assert.ok(await isFocused(page, '#sharing-errors'), 'the list of problems takes the focus');
      assert.equal(await page.locator('#sharing-errors a').getAttribute('href'), '#share-amber-b-police');
      assert.ok((await page.locator('#share-amber-b-police-error').innerText()).includes(t['problem.amber-not-shared']));
      assert.deepEqual(await sharingOf(id), []);
      await checkAccessible(page, `the refused sharing (${locale})`);
      await page.locator('#share-peer-b-police').check();
      assert.equal((await save(page, t['intel.sharing.submit'])).status(), 303);
      assert.equal(await page.getByRole('status').innerText(), t['intel.sharing.saved']);
      assert.deepEqual(await sharingOf(id), [{ peer: 'b-police', amber: true }]);

      await page.goto(`${a.node.url}/intelligence/collections`);
      const row = page.locator('tbody tr', { hasText: TITLES[locale] });
      assert.ok((await row.innerText()).includes(said(locale, 'intel.objects', { count: 0 })));
      await Promise.all([page.waitForURL('**/intelligence/collections/wallets'), page.getByRole('link', { name: t['intel.wallets.link'], exact: true }).click()]);
      assert.equal(await heading(page), t['intel.wallets.heading']);
      await page.locator('#share-peer-b-police').check();
      assert.equal((await save(page, t['intel.sharing.submit'])).status(), 303);
      assert.deepEqual(await sharingOf('wallets'), [{ peer: 'b-police', amber: false }]);
      await checkAccessible(page, `the wallets' sharing (${locale})`);
    });

    test(`${locale}, by keyboard alone: an analyst subscribes to the peer's collection, sees it arrive, and cancels`, async () => {
      const t = catalogs[locale];
      const id = made[locale];
      assert.ok(id, 'the collection of the test before');
      const page = await consoles.signedIn(b, 'bob', locale);
      await page.goto(`${b.node.url}/intelligence/subscriptions`);
      await assertLanguage(page, locale);
      assert.equal(await heading(page), t['intel.subscriptions.title']);
      await assertAccessible(page, `the subscriptions (${locale})`);

      await tabTo(page, '#sub-peer');
      await page.keyboard.press('ArrowDown'); // a-police, after "choose a peer"
      await tabTo(page, '#sub-collectionId');
      await page.keyboard.type('not-a-collection');
      await tabTo(page, 'form[action="/intelligence/subscriptions"] button[type="submit"]');
      const refused = await submitted(page, () => page.keyboard.press('Enter'));
      assert.equal(refused.status(), 400);
      assert.ok(await isFocused(page, '#subscribe-errors'), 'the list of problems takes the focus');
      assert.ok((await page.locator('#sub-collectionId-error').innerText()).includes(t['problem.scope-invalid']));
      assert.equal(await page.locator('#sub-peer').inputValue(), 'a-police', 'the peer chosen is kept');
      await assertAccessible(page, `the refused subscription (${locale})`);

      await tabTo(page, '#sub-collectionId');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(` ${id.toUpperCase()} `);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/intelligence/subscriptions?done=subscribed');
      assert.equal(await page.getByRole('status').innerText(), t['intel.subscribed']);
      const row = page.locator('tbody tr', { hasText: id });
      for (const deadline = Date.now() + 30_000; !(await row.innerText()).includes(t['intel.state.active']);) {
        assert.ok(Date.now() < deadline, `the subscription stayed ${await row.innerText()}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
        await page.reload();
      }
      await assertAccessible(page, `the active subscription (${locale})`);

      // Its collection here, read-only, titled after the peer's.
      await tabTo(page, 'tbody tr a');
      await Promise.all([page.waitForURL('**/intelligence/collections/*'), page.keyboard.press('Enter')]);
      assert.ok((await heading(page)).endsWith(TITLES[locale]));
      assert.equal(await page.locator('form[action$="/permissions"]').count(), 0, 'an analyst does not set rights');
      await assertAccessible(page, `the collection received (${locale})`);
      await page.goBack();

      await tabTo(page, `tbody tr button`);
      const cancelled = await submitted(page, () => page.keyboard.press('Enter'));
      assert.equal(cancelled.status(), 303);
      assert.equal(await page.getByRole('status').innerText(), t['intel.cancelled']);
      assert.equal(await page.locator('tbody tr', { hasText: id }).count(), 0);
    });
  }
});
