import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { MESSAGES_PAGE, PEERS_PAGE } from '../../src/console/federation-pages.ts';
import { en } from '../../src/console/locales/en.ts';
import { type MessageKey, messages } from '../../src/console/messages.ts';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import {
  assertAccessible, assertLanguage, CATALOGS, heading, isFocused, launchBrowser, skipWithoutBrowser as skip, submitLogin, submitted, withPage,
} from '../support/browser.ts';
import { isolated } from '../../src/console/layout.ts';
import { ADMIN, type Api, type TestNode, startTestNodeWithAdmin, userWith } from '../support/node.ts';

interface Party {
  node: TestNode;
  admin: Api;
}

const INVESTIGATOR = { username: 'ines', password: 'ines-secret-passphrase' };
/** A name that ends in a neutral character, the hard case for a right-to-left page. */
const B_NAME = 'Brigade numérique (BB)';

/** A message as the pages set it: the values inside Unicode bidi isolates, as the layout does. */
function said(locale: Locale, key: MessageKey, values: Record<string, string | number> = {}): string {
  return messages.t(locale, key, isolated(values));
}


const peerRow = (page: Page, nodeId: string) => page.locator(`tr:has(th#peer-${nodeId})`);
const messageRow = (page: Page, msgId: string) => page.locator(`tr:has(th#msg-${msgId})`);

describe('the federation pages of the console', { skip }, () => {
  let a: Party;
  let b: Party;
  let browser: Browser;
  let bFingerprint: string;

  before(async () => {
    [a, b] = await Promise.all([
      // Two seconds to deliver before a message is dead, so that a dead letter is quick to make.
      startTestNodeWithAdmin({ nodeId: 'a-police', state: 'AA', federation: { deadAfterSeconds: 2 } }),
      startTestNodeWithAdmin({ nodeId: 'b-police', state: 'BB', displayName: B_NAME }),
    ]);
    bFingerprint = b.node.federation.fingerprint;
    // B trusts A through its API, so that what A sends in these tests is accepted; A's side is the pages' work.
    const added = await b.admin.post('/api/v1/federation/peers', { url: a.node.url, fingerprint: a.node.federation.fingerprint });
    assert.equal(added.status, 201, added.text);
    await userWith(a.admin, INVESTIGATOR.username, ['investigator'], INVESTIGATOR.password);
    a.node.federation.worker.start();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([a, b].map((party) => party?.node.close()));
  });

  /** A browser signed in to A's console, in one language. */
  async function asAdmin(locale: Locale, use: (page: Page) => Promise<void>, options: BrowserContextOptions = {}): Promise<void> {
    await withPage(browser, { locale, extraHTTPHeaders: { 'accept-language': locale }, ...options }, async (page) => {
      await page.goto(`${a.node.url}/login`);
      assert.equal((await submitLogin(page, locale, ADMIN.username, ADMIN.password)).status(), 303);
      await use(page);
    });
  }

  const peersOfA = async () => (await a.node.database.db.query<{ node_id: string; status: string }>('SELECT node_id, status FROM peers ORDER BY node_id')).rows;
  const audited = async (prefix: string) =>
    (await a.node.database.db.query<{ action: string; actor_name: string; subject_id: string }>(
      "SELECT action, actor_name, subject_id FROM audit_log WHERE action LIKE $1 || '%' ORDER BY id", [prefix],
    )).rows;

  async function settled(msgId: string, state: 'delivered' | 'dead'): Promise<void> {
    for (let i = 0; i < 200; i += 1) {
      const { rows } = await a.node.database.db.query<{ state: string }>('SELECT state FROM outbox WHERE msg_id = $1', [msgId]);
      if (rows[0]?.state === state) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`message ${msgId} did not become ${state}`);
  }

  /** Queues a ping from A to B the way a capability would, in a transaction of its own. */
  const queuePing = () => a.node.database.db.transaction((tx) => a.node.federation.send(tx, 'b-police', 'federation.ping', { note: 'from the console test' }));

  test('an investigator is refused both pages and their forms, and is not shown the links', async () => {
    await withPage(browser, { locale: 'en' }, async (page) => {
      await page.goto(`${a.node.url}/login`);
      await submitLogin(page, 'en', INVESTIGATOR.username, INVESTIGATOR.password);
      assert.equal(await page.getByRole('link', { name: en['fed.peers.title'], exact: true }).count(), 0);
      for (const path of [PEERS_PAGE, MESSAGES_PAGE]) {
        const refused = await page.goto(`${a.node.url}${path}`);
        assert.equal(refused?.status(), 403, path);
        assert.equal(await heading(page), en['error.title']);
        assert.equal(await page.getByRole('alert').innerText(), en['error.403']);
      }
    });
    const investigator = await a.admin.login(INVESTIGATOR.username, INVESTIGATOR.password);
    for (const path of [PEERS_PAGE, `${PEERS_PAGE}/b-police/suspend`, `${MESSAGES_PAGE}/00000000-0000-4000-8000-000000000000/retry`]) {
      assert.equal((await investigator.post(path, {})).status, 403, path);
    }
  });

  test('a wrong fingerprint is told in plain words on the page, and nothing is added', async () => {
    await asAdmin('en', async (page) => {
      // The administrator finds the page from the home page.
      await page.getByRole('link', { name: en['fed.peers.title'], exact: true }).click();
      assert.equal(new URL(page.url()).pathname, PEERS_PAGE);
      assert.equal(await heading(page), en['fed.peers.title']);
      assert.equal(await page.locator('dd code').last().innerText(), a.node.federation.fingerprint);
      assert.ok(await page.getByText(en['fed.peers.none'], { exact: true }).isVisible());

      await page.getByLabel(en['fed.add.url'], { exact: true }).fill(b.node.url);
      await page.getByLabel(en['fed.field.fingerprint'], { exact: true }).fill('A'.repeat(43));
      const refused = await submitted(page, () => page.getByRole('button', { name: en['fed.add.submit'], exact: true }).click());
      assert.equal(refused.status(), 422);
      assert.match(refused.headers()['content-type'] ?? '', /^text\/html/);
      assert.equal(await page.getByRole('alert').innerText(), said('en', 'fed.error.mismatch', { url: b.node.url }));
      // The cursor is back in the field to correct, which is marked and described by the error; what was typed is kept.
      assert.ok(await isFocused(page, '#peer-fingerprint'));
      assert.equal(await page.locator('#peer-fingerprint').getAttribute('aria-invalid'), 'true');
      assert.match((await page.locator('#peer-fingerprint').getAttribute('aria-describedby')) ?? '', /\badd-error\b/);
      assert.equal(await page.getByLabel(en['fed.add.url'], { exact: true }).inputValue(), b.node.url);
    });
    assert.deepEqual(await peersOfA(), []);
    assert.deepEqual(await audited('federation.peer.'), []);
  });

  test('with the keyboard, an administrator adds a peer, sees it on the list, suspends and activates it', async () => {
    await asAdmin('en', async (page) => {
      await page.goto(`${a.node.url}${PEERS_PAGE}`);
      // From the skip link, on through the page in order until the form's first field.
      await page.keyboard.press('Tab');
      assert.ok(await isFocused(page, 'a.skip'));
      await page.keyboard.press('Enter');
      for (let presses = 0; !(await isFocused(page, '#peer-url')); presses += 1) {
        assert.ok(presses < 30, 'the address field is not reached with Tab');
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type(b.node.url);
      await page.keyboard.press('Tab');
      assert.ok(await isFocused(page, '#peer-fingerprint'));
      await page.keyboard.type(bFingerprint);
      await page.keyboard.press('Tab');
      assert.equal(await page.locator(':focus').innerText(), en['fed.add.submit']);
      assert.equal((await submitted(page, () => page.keyboard.press('Enter'))).status(), 303);
      assert.equal(page.url(), `${a.node.url}${PEERS_PAGE}?done=added&peer=b-police`);
      assert.equal(await page.getByRole('status').innerText(), said('en', 'fed.peers.added', { node: 'b-police' }));

      const row = peerRow(page, 'b-police');
      const barbados = said('en', 'fed.stateName', { name: new Intl.DisplayNames(['en'], { type: 'region' }).of('BB')!, code: 'BB' });
      assert.deepEqual(await row.locator('td').allInnerTexts(), [B_NAME, barbados, en['fed.kind.authority'], b.node.url, bFingerprint, en['fed.status.active'], en['fed.peers.suspend']]);
      assert.equal(await page.locator('#peers-caption').innerText(), messages.t('en', 'fed.peers.caption', { count: 1 }));
      // Each button is described by the node it acts on, so that its row need not be read first.
      assert.equal(await row.getByRole('button').getAttribute('aria-describedby'), 'peer-b-police');

      await row.getByRole('button', { name: en['fed.peers.suspend'], exact: true }).focus();
      assert.equal((await submitted(page, () => page.keyboard.press('Enter'))).status(), 303);
      assert.equal(await page.getByRole('status').innerText(), said('en', 'fed.peers.suspended', { node: 'b-police' }));
      assert.equal(await row.locator('td').nth(5).innerText(), en['fed.status.suspended']);
      assert.deepEqual(await peersOfA(), [{ node_id: 'b-police', status: 'suspended' }]);

      await row.getByRole('button', { name: en['fed.peers.activate'], exact: true }).focus();
      assert.equal((await submitted(page, () => page.keyboard.press('Enter'))).status(), 303);
      assert.equal(await page.getByRole('status').innerText(), said('en', 'fed.peers.activated', { node: 'b-police' }));
      assert.equal(await row.locator('td').nth(5).innerText(), en['fed.status.active']);
    });
    assert.deepEqual(await peersOfA(), [{ node_id: 'b-police', status: 'active' }]);
    const api = (await a.admin.get('/api/v1/federation/peers')).body;
    assert.equal(api[0].fingerprint, bFingerprint);
    assert.deepEqual(await audited('federation.peer.'), ['add', 'suspend', 'activate'].map((verb) => ({ action: `federation.peer.${verb}`, actor_name: ADMIN.username, subject_id: 'b-police' })));
  });

  test('without JavaScript, the forms work and each refusal is a readable page that changes nothing', async () => {
    await asAdmin('en', async (page) => {
      await page.goto(`${a.node.url}${PEERS_PAGE}`);
      // A form posted from elsewhere, with the session's cookie but not its token, is refused.
      const forged = await page.request.post(`${a.node.url}${PEERS_PAGE}/b-police/suspend`, { form: { _csrf: 'forged' }, maxRedirects: 0 });
      assert.equal(forged.status(), 403);

      const attempts: [string, string, number, string][] = [
        ['not an address', bFingerprint, 400, en['fed.error.url']],
        [b.node.url, 'too-short', 400, en['fed.error.fingerprint']],
        ['http://127.0.0.1:9', bFingerprint, 422, said('en', 'fed.error.unreachable', { url: 'http://127.0.0.1:9' })],
        [b.node.url, bFingerprint, 409, said('en', 'fed.error.exists', { node: 'b-police' })],
        [a.node.url, a.node.federation.fingerprint, 409, en['fed.error.self']],
      ];
      for (const [url, fingerprint, status, error] of attempts) {
        await page.getByLabel(en['fed.add.url'], { exact: true }).fill(url);
        await page.getByLabel(en['fed.field.fingerprint'], { exact: true }).fill(fingerprint);
        const refused = await submitted(page, () => page.getByRole('button', { name: en['fed.add.submit'], exact: true }).click());
        assert.equal(refused.status(), status, url);
        assert.equal(await page.getByRole('alert').innerText(), error);
      }

      const row = peerRow(page, 'b-police');
      for (const [button, notice] of [['fed.peers.suspend', 'fed.peers.suspended'], ['fed.peers.activate', 'fed.peers.activated']] as const) {
        assert.equal((await submitted(page, () => row.getByRole('button', { name: en[button], exact: true }).click())).status(), 303);
        assert.equal(await page.getByRole('status').innerText(), said('en', notice, { node: 'b-police' }));
      }

      await page.getByRole('link', { name: en['fed.messages.title'], exact: true }).click();
      await page.getByLabel(en['fed.field.direction'], { exact: true }).selectOption({ label: en['fed.direction.received'] });
      await Promise.all([page.waitForURL(/direction=received/), page.getByRole('button', { name: en['fed.filter.submit'], exact: true }).click()]);
      assert.equal(await page.getByLabel(en['fed.field.direction'], { exact: true }).inputValue(), 'received');
      assert.ok(await page.getByText(en['fed.messages.none'], { exact: true }).isVisible());
    }, { javaScriptEnabled: false });
    assert.deepEqual(await peersOfA(), [{ node_id: 'b-police', status: 'active' }]);
    assert.equal((await audited('federation.peer.add')).length, 1);
  });

  test('the message log shows a delivered message, its receipt, and filters by direction, status and peer', async () => {
    const msgId = await queuePing();
    a.node.federation.worker.kick();
    await settled(msgId, 'delivered');
    const { rows } = await a.node.database.db.query<{ receipt: string }>('SELECT receipt FROM outbox WHERE msg_id = $1', [msgId]);

    await asAdmin('en', async (page) => {
      await page.goto(`${a.node.url}${MESSAGES_PAGE}`);
      assert.equal(await heading(page), en['fed.messages.title']);
      const row = messageRow(page, msgId);
      const cells = await row.locator('td').allInnerTexts();
      assert.deepEqual(cells.slice(0, 5), [en['fed.direction.sent'], 'b-police', 'federation.ping', en['fed.state.delivered'], '1']);
      assert.ok(cells[5] && cells[6], 'created and delivered at');
      assert.deepEqual(cells.slice(7), ['', en['fed.receipt.show']]);

      // The receipt opens from the keyboard, in place.
      await row.locator('summary').focus();
      await page.keyboard.press('Enter');
      assert.equal(await row.locator('details').getAttribute('open'), '');
      assert.equal(await row.locator('code.blob').innerText(), rows[0]!.receipt);
      assert.equal(await row.locator('details dd code').first().innerText(), 'b-police');

      const filter = async (label: string, option: string) => page.getByLabel(label, { exact: true }).selectOption({ label: option });
      await filter(en['fed.field.status'], en['fed.state.dead']);
      await Promise.all([page.waitForURL(/state=dead/), page.getByRole('button', { name: en['fed.filter.submit'], exact: true }).click()]);
      assert.equal(await messageRow(page, msgId).count(), 0);
      await filter(en['fed.field.direction'], en['fed.direction.sent']);
      await filter(en['fed.field.status'], en['fed.state.delivered']);
      await filter(en['fed.field.peer'], 'b-police');
      await Promise.all([page.waitForURL(/peer=b-police/), page.getByRole('button', { name: en['fed.filter.submit'], exact: true }).click()]);
      assert.equal(new URL(page.url()).search, '?direction=sent&state=delivered&peer=b-police');
      assert.equal(await messageRow(page, msgId).count(), 1);
    });
  });

  test('without JavaScript, a dead message is retried from the page; a second press says it is no longer dead', async () => {
    await a.node.database.db.query("UPDATE peers SET inbox_url = 'http://127.0.0.1:9/federation/v1/inbox' WHERE node_id = 'b-police'");
    const msgId = await queuePing();
    a.node.federation.worker.kick();
    await settled(msgId, 'dead');
    await a.node.database.db.query('UPDATE peers SET inbox_url = $1 WHERE node_id = $2', [`${b.node.url}/federation/v1/inbox`, 'b-police']);

    await asAdmin('en', async (page) => {
      const log = `${a.node.url}${MESSAGES_PAGE}?state=dead`;
      await page.goto(log);
      // The same page in a second tab, left as it was: its button is pressed once the message has gone.
      const stale = await page.context().newPage();
      await stale.goto(log);
      const row = messageRow(page, msgId);
      // The retry button stands beside the status it changes.
      assert.equal(await row.locator('td').nth(3).locator('form').count(), 1);
      assert.notEqual(await row.locator('td').nth(7).innerText(), '', 'the last error is shown');

      assert.equal((await submitted(page, () => row.getByRole('button', { name: en['fed.messages.retry'], exact: true }).click())).status(), 303);
      assert.equal(new URL(page.url()).search, '?state=dead&retried=true');
      assert.equal(await page.getByRole('status').innerText(), en['fed.messages.retried']);
      await settled(msgId, 'delivered');

      const again = await submitted(stale, () => messageRow(stale, msgId).getByRole('button', { name: en['fed.messages.retry'], exact: true }).click());
      assert.equal(again.status(), 409);
      assert.equal(await stale.getByRole('alert').innerText(), en['fed.error.notDead']);
      await stale.goto(`${a.node.url}${MESSAGES_PAGE}?state=delivered`);
      assert.equal(await messageRow(stale, msgId).locator('td').nth(3).innerText(), en['fed.state.delivered']);
    }, { javaScriptEnabled: false });
    assert.deepEqual(await audited('federation.message.'), [{ action: 'federation.message.retry', actor_name: ADMIN.username, subject_id: msgId }]);
  });

  for (const locale of ['ar', 'en'] as const) {
    test(`${locale}: axe-core finds no serious fault on either page, and on a 320 px screen nothing scrolls sideways`, async () => {
      const t = CATALOGS[locale];
      await asAdmin(locale, async (page) => {
        const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        await page.goto(`${a.node.url}${PEERS_PAGE}`);
        await assertLanguage(page, locale);
        assert.equal(await heading(page), t['fed.peers.title']);
        await assertAccessible(page, `the trust list in ${locale}`);
        assert.equal(await overflow(), 0, `the trust list in ${locale}`);

        await page.getByLabel(t['fed.add.url'], { exact: true }).fill(b.node.url);
        await page.getByLabel(t['fed.field.fingerprint'], { exact: true }).fill('A'.repeat(43));
        await submitted(page, () => page.getByRole('button', { name: t['fed.add.submit'], exact: true }).click());
        assert.equal(await page.getByRole('alert').innerText(), said(locale, 'fed.error.mismatch', { url: b.node.url }));
        await assertAccessible(page, `the trust list with an error in ${locale}`);

        await page.goto(`${a.node.url}${MESSAGES_PAGE}`);
        assert.equal(await heading(page), t['fed.messages.title']);
        await page.locator('summary').first().click();
        await assertAccessible(page, `the message log with a receipt open in ${locale}`);
        assert.equal(await overflow(), 0, `the message log in ${locale}`);
      }, { viewport: { width: 320, height: 800 } });
    });
  }
});
