import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { LOCALES } from '../../src/platform/i18n/locales.ts';
import { INCIDENT_TYPES } from '../../src/prevention/incidents.ts';
import { translator } from '../../src/prevention/layout.ts';
import type { MessageKey, Translate } from '../../src/prevention/messages.ts';
import { heading, isFocused, launchBrowser, skipWithoutBrowser as skip } from '../support/browser.ts';
import { type TestNode, startTestNode } from '../support/node.ts';
import { type Served, asReader, assertAccessibleAsServed, assertServedPublicPage, load } from '../support/portal.ts';
import { PNG } from './sample-files.ts';

const REFERENCE = /^ENT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/;
const ACCESS_CODE = /^([0-9A-Z]{4}-){6}[0-9A-Z]{3}$/;

/** Tab, and Tab again, until the control has the focus: it is reachable from the keyboard, in that order. */
async function tabTo(page: Page, control: Locator, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if ((await control.and(page.locator(':focus')).count()) === 1) return;
  }
  assert.fail(`${control} was not reached in ${limit} presses of Tab`);
}

/** A field by its label alone, exactly; a required one by its label and the mark that says so. */
const labelled = (page: Page, tr: Translate, key: MessageKey, required = false) =>
  page.getByLabel(required ? `${tr(key)} (${tr('form.required')})` : tr(key), { exact: true });

describe('the public reporting portal in a browser without JavaScript', { skip }, () => {
  let node: TestNode;
  let browser: Browser;
  let screenshots: string;

  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 1000 } });
    browser = await launchBrowser();
    screenshots = await mkdtemp(join(tmpdir(), 'entraide-portal-screenshots-'));
  });
  after(async () => {
    await browser?.close();
    await node?.close();
  });

  const reportCount = async () => (await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM reports')).rows[0]!.n;
  const overflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  for (const locale of LOCALES) {
    test(`${locale}: choose, be told what is missing, report, keep the codes, follow the report; each page light, in the language, and without fault for axe-core`, async (t) => {
      const tr = translator(locale);
      await asReader(browser, locale, async (page) => {
        const assertPublicPage = (name: string, served: Served, status: number) =>
          assertServedPublicPage({ browser, page, locale, screenshots, diagnostic: (message) => t.diagnostic(message) }, name, served, status);

        const start = await load(page, () => page.goto(`${node.url}/report`));
        await assertPublicPage('start', start, 200);
        assert.equal(await heading(page), tr('start.title'));
        assert.ok((await page.title()).startsWith(tr('start.title')));
        for (const type of INCIDENT_TYPES) {
          assert.equal(await page.getByRole('link', { name: tr(`type.${type}`), exact: true }).count(), 1, `no link to ${type}`);
        }

        const form = await load(page, () => page.getByRole('link', { name: tr('type.online-fraud'), exact: true }).click());
        assert.equal(new URL(form.url).pathname, '/report/online-fraud');
        await assertPublicPage('form', form, 200);
        assert.equal(await heading(page), tr('form.title', { type: tr('type.online-fraud') }));
        const what = labelled(page, tr, 'field.what', true);
        assert.equal(await what.count(), 1, `one field is labelled ${tr('field.what')}, marked as required`);
        for (const key of ['field.amount', 'field.currency', 'ident.iban', 'contact.email'] as const) {
          assert.equal(await labelled(page, tr, key).count(), 1, `one field is labelled ${tr(key)}`);
        }
        assert.equal(await page.locator('form.report').getByRole('link', { name: tr('form.privacy.link'), exact: true }).getAttribute('href'), '/privacy');
        // The box for scripts takes no room on screen, and is not in the accessibility tree (axe-core checks it is not reachable either).
        const trap = await page.locator('div:has(> #f-homepage)').boundingBox();
        assert.ok(trap === null || (trap.width <= 1 && trap.height <= 1), `the hidden box is ${JSON.stringify(trap)}`);
        assert.equal(await page.getByRole('textbox', { name: tr('form.extra') }).count(), 0);

        // Sent with the one required answer missing: refused, told why in the reader's language, nothing stored.
        const before_ = await reportCount();
        const submit = page.getByRole('button', { name: tr('form.submit'), exact: true });
        const refused = await load(page, () => submit.click());
        await assertPublicPage('form-error', refused, 400);
        assert.equal(await reportCount(), before_, 'a refused report is not stored');
        const summary = page.getByRole('alert');
        assert.equal(await summary.getByRole('heading').innerText(), tr('error.summary', { count: 1 }));
        const toField = summary.getByRole('link', { name: tr('error.what.missing'), exact: true });
        assert.equal(await toField.getAttribute('href'), '#f-what');
        assert.equal(await page.locator('#f-what-error').innerText(), tr('error.what.missing'));
        assert.equal(await what.getAttribute('aria-invalid'), 'true');
        assert.match((await what.getAttribute('aria-describedby')) ?? '', /\bf-what-error\b/);
        // The summary has the focus, and its link takes the reader to the field.
        assert.ok(await isFocused(page, '.error-summary'), 'the error summary has the focus');
        await page.keyboard.press('Tab');
        assert.ok(await isFocused(page, '.error-summary a[href="#f-what"]'));
        await page.keyboard.press('Enter');
        assert.ok(await isFocused(page, '#f-what'), 'the link to the error takes the focus to the field');

        await what.fill('I paid 480 euros for a sofa on a website. It never came and the seller does not answer.');
        const receipt = await load(page, () => submit.click());
        await assertPublicPage('receipt', receipt, 201);
        assert.equal(receipt.headers['cache-control'], 'no-store', 'the code is never kept by a cache');
        assert.equal(await reportCount(), before_ + 1);
        assert.equal(await heading(page), tr('done.title'));
        const codeFor = (label: string) => page.locator('dl.codes > div').filter({ has: page.getByText(label, { exact: true }) }).locator('code');
        const reference = await codeFor(tr('done.reference')).innerText();
        const accessCode = await codeFor(tr('done.code')).innerText();
        assert.match(reference, REFERENCE);
        assert.match(accessCode, ACCESS_CODE);

        const lookup = await load(page, () => page.getByRole('link', { name: tr('done.follow'), exact: true }).click());
        await assertPublicPage('status-lookup', lookup, 200);
        assert.equal(await heading(page), tr('status.title'));
        await labelled(page, tr, 'field.reference', true).fill(reference);
        await labelled(page, tr, 'field.code', true).fill(accessCode);
        const status = await load(page, () => page.getByRole('button', { name: tr('status.submit'), exact: true }).click());
        await assertPublicPage('status', status, 200);
        assert.equal(await heading(page), tr('status.heading', { reference }));
        assert.equal(await page.locator('dl.facts strong').innerText(), tr('state.received'));

        const child = await load(page, () => page.goto(`${node.url}/report/child-abuse`));
        await assertPublicPage('child-abuse', child, 200);
        assert.equal(await heading(page), tr('child.title'));
        assert.equal(await page.locator('form, input, textarea').count(), 0, 'the page takes nothing: no form, no upload');
        assert.equal(await page.getByRole('link', { name: tr('child.hotline.link'), exact: true }).getAttribute('href'), node.config.prevention.childHotlineUrl);

        const privacy = await load(page, () => page.locator('footer').getByRole('link', { name: tr('footer.privacy.link'), exact: true }).click());
        assert.equal(new URL(privacy.url).pathname, '/privacy');
        await assertPublicPage('privacy', privacy, 200);
        assert.equal(await heading(page), tr('privacy.title'));
        const periodOf = (type: (typeof INCIDENT_TYPES)[number]) =>
          page.locator('table.retention tbody tr').filter({ has: page.getByRole('rowheader', { name: tr(`type.${type}`), exact: true }) }).locator('td').innerText();
        assert.equal(await periodOf('phishing'), tr('privacy.keep.years', { count: 1 }));
        assert.equal(await periodOf('online-fraud'), tr('privacy.keep.years', { count: 2 }));
        assert.equal(await page.locator('table.retention tbody tr').count(), INCIDENT_TYPES.length);
        assert.equal(await page.getByRole('link', { name: tr('privacy.rights.link'), exact: true }).getAttribute('href'), '/report/status');

        const missing = await load(page, () => page.goto(`${node.url}/report/no-such-type`));
        await assertPublicPage('not-found', missing, 404);
        assert.equal(await heading(page), tr('error.title'));
        assert.equal(await page.getByRole('alert').innerText(), tr('error.404'));
      });
      if (locale === 'ar' || locale === 'en') t.diagnostic(`screenshots in ${screenshots}`);
    });
  }

  for (const locale of ['fr', 'ar'] as const) {
    test(`${locale}: with the keyboard alone, a report is made and then followed`, async () => {
      const tr = translator(locale);
      await asReader(browser, locale, async (page) => {
        await page.goto(`${node.url}/report`);
        // The first stop is the skip link, which takes the focus to the content.
        await page.keyboard.press('Tab');
        assert.ok(await isFocused(page, 'a.skip'));
        await page.keyboard.press('Enter');
        assert.ok(await isFocused(page, 'main'));

        await tabTo(page, page.getByRole('link', { name: tr('type.online-fraud'), exact: true }));
        await load(page, () => page.keyboard.press('Enter'));
        assert.equal(new URL(page.url()).pathname, '/report/online-fraud');

        await tabTo(page, labelled(page, tr, 'field.what', true));
        await page.keyboard.type('Un faux site de meubles a pris mon argent. Le vendeur ne répond plus.');
        await tabTo(page, labelled(page, tr, 'field.amount'));
        await page.keyboard.type('1 200,50');
        await tabTo(page, labelled(page, tr, 'field.currency'));
        await page.keyboard.type('eur');
        const phoneCall = page.getByRole('radio', { name: tr('channel.phone'), exact: true });
        await tabTo(page, phoneCall);
        await page.keyboard.press('Space');
        assert.ok(await phoneCall.isChecked());
        // Within the group the arrows choose: two down from a phone call is an e-mail.
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        assert.ok(await page.getByRole('radio', { name: tr('channel.email'), exact: true }).isChecked());
        await tabTo(page, labelled(page, tr, 'ident.url'));
        await page.keyboard.type('www.sofa-bargains.example/checkout/');
        // On to the button, never through the box for scripts.
        const send = page.getByRole('button', { name: tr('form.submit'), exact: true });
        for (let presses = 0; (await send.and(page.locator(':focus')).count()) === 0; presses += 1) {
          assert.ok(presses < 40, 'the button was not reached');
          await page.keyboard.press('Tab');
          assert.ok(!(await isFocused(page, '#f-homepage')), 'the hidden box took the focus');
        }
        const receipt = await load(page, () => page.keyboard.press('Enter'));
        assert.equal(receipt.status, 201, receipt.body.toString().slice(0, 300));
        assert.equal(await heading(page), tr('done.title'));

        const [reference, accessCode] = await page.locator('dl.codes code').allInnerTexts();
        assert.match(reference ?? '', REFERENCE);
        assert.match(accessCode ?? '', ACCESS_CODE);
        // What was typed is what was stored.
        const { rows } = await node.database.db.query<{ incident_type: string; amount_lost: string; currency: string; contact_channel: string; locale: string; normalised: string }>(
          `SELECT r.incident_type, r.amount_lost::text AS amount_lost, r.currency, r.contact_channel, r.locale, i.normalised
             FROM reports r JOIN report_identifiers i ON i.report_id = r.id WHERE r.reference = $1`,
          [reference],
        );
        assert.deepEqual(rows.map((row) => ({ ...row, amount_lost: Number(row.amount_lost) })), [
          { incident_type: 'online-fraud', amount_lost: 1200.5, currency: 'EUR', contact_channel: 'email', locale, normalised: 'https://www.sofa-bargains.example/checkout/' },
        ]);

        await tabTo(page, page.getByRole('link', { name: tr('done.follow'), exact: true }));
        await load(page, () => page.keyboard.press('Enter'));
        assert.equal(await heading(page), tr('status.title'));
        // Typed as a reader copies it from paper: small letters, spaces for hyphens.
        await tabTo(page, labelled(page, tr, 'field.reference', true));
        await page.keyboard.type(reference!.toLowerCase().replaceAll('-', ' '));
        await tabTo(page, labelled(page, tr, 'field.code', true));
        await page.keyboard.type(accessCode!.toLowerCase().replaceAll('-', ''));
        const status = await load(page, () => page.keyboard.press('Enter'));
        assert.equal(status.status, 200, status.body.toString().slice(0, 300));
        assert.equal(await heading(page), tr('status.heading', { reference: reference! }));
        assert.equal(await page.locator('dl.facts strong').innerText(), tr('state.received'));
        assert.equal(await page.locator('dl.facts dd').nth(1).innerText(), tr('type.online-fraud'));
      });
    });
  }

  test('in the dark colour scheme too, axe-core finds no serious fault on the start page, a refused form and a receipt', async () => {
    await asReader(browser, 'en', async (page) => {
      const dark = { locale: 'en', colorScheme: 'dark' } as const;
      await assertAccessibleAsServed(browser, await load(page, () => page.goto(`${node.url}/report`)), 'the start page, dark', dark);
      await page.goto(`${node.url}/report/phishing`);
      const submit = page.getByRole('button', { name: translator('en')('form.submit'), exact: true });
      await page.locator('#f-iban').fill('GB00 0000 0000 0000 0000 00');
      await assertAccessibleAsServed(browser, await load(page, () => submit.click()), 'a refused form, dark', dark);
      await page.locator('#f-iban').fill('');
      await page.locator('#f-what').fill('A text message sent me to a false bank page.');
      await assertAccessibleAsServed(browser, await load(page, () => submit.click()), 'a receipt, dark', dark);
    }, { colorScheme: 'dark' });
  });

  test('on a 320 px wide screen nothing scrolls sideways (WCAG 1.4.10), even with long addresses quoted back, in Arabic and in English', async () => {
    const wallet = '0x52908400098527886E0F7030069857D2E4169EE7!';
    const link = 'https://secure-login.example-bank-customer-verification.example.com/account/verify?session=1234567890';
    for (const locale of ['ar', 'en'] as const) {
      const tr = translator(locale);
      await asReader(browser, locale, async (page) => {
        await page.goto(`${node.url}/report`);
        assert.equal(await overflow(page), 0, `/report in ${locale}`);
        await page.goto(`${node.url}/report/crypto-scam`);
        assert.equal(await overflow(page), 0, `the form in ${locale}`);
        // A mistyped wallet address is quoted in the summary and beside the field: long words must break.
        await labelled(page, tr, 'field.what', true).fill('I sent bitcoin to a trading platform that vanished.');
        await labelled(page, tr, 'ident.wallet').fill(wallet);
        const submit = page.getByRole('button', { name: tr('form.submit'), exact: true });
        assert.equal((await load(page, () => submit.click())).status, 400);
        assert.equal(await overflow(page), 0, `the refused form in ${locale}`);
        await labelled(page, tr, 'ident.wallet').fill('');
        assert.equal((await load(page, () => submit.click())).status, 201);
        assert.equal(await overflow(page), 0, `the receipt in ${locale}`);
        const [reference, accessCode] = await page.locator('dl.codes code').allInnerTexts();
        await page.goto(`${node.url}/report/status`);
        assert.equal(await overflow(page), 0, `the status form in ${locale}`);
        await labelled(page, tr, 'field.reference', true).fill(reference!);
        await labelled(page, tr, 'field.code', true).fill(accessCode!);
        await load(page, () => page.getByRole('button', { name: tr('status.submit'), exact: true }).click());
        // What the reader added is shown back to them, a long link included.
        await labelled(page, tr, 'status.add.label').fill(`The platform also used ${link}`);
        const added = await load(page, () => page.getByRole('button', { name: tr('status.add.submit'), exact: true }).click());
        assert.equal(added.status, 200);
        assert.equal(await page.getByRole('status').innerText(), tr('status.added'));
        assert.equal(await overflow(page), 0, `the status page with an addition in ${locale}`);
        await page.goto(`${node.url}/report/child-abuse`);
        assert.equal(await overflow(page), 0, `the child abuse page in ${locale}`);
        await page.goto(`${node.url}/privacy`);
        assert.equal(await overflow(page), 0, `the privacy notice in ${locale}`);
      }, { viewport: { width: 320, height: 640 } });
    }
  });

  for (const locale of ['fr', 'ar'] as const) {
    test(`${locale}: save a draft, open it with its code, attach a PNG and send`, async (t) => {
      const tr = translator(locale);
      const what = locale === 'fr' ? 'Un SMS m’a demandé de payer un colis.' : 'طلبت مني رسالة نصية دفع رسوم طرد.';
      await asReader(browser, locale, async (page) => {
        const check = (name: string, served: Served, status: number) =>
          assertServedPublicPage({ browser, page, locale, screenshots, diagnostic: (message) => t.diagnostic(message) }, name, served, status);

        await load(page, () => page.goto(`${node.url}/report/phishing`));
        await page.getByLabel(`${tr('field.what')} (${tr('form.required')})`, { exact: true }).fill(what);
        const saved = await load(page, () => page.getByRole('button', { name: tr('form.draft') }).click());
        await check('draft-saved', saved, 201);
        assert.equal(await heading(page), tr('draft.title'));
        const draftCode = await page.locator('code.reference').innerText();

        await load(page, () => page.getByRole('link', { name: tr('start.draft') }).click());
        await page.getByLabel(`${tr('field.draftCode')} (${tr('form.required')})`, { exact: true }).fill(draftCode);
        const resumed = await load(page, () => page.getByRole('button', { name: tr('draft.resume.submit') }).click());
        await check('draft-resumed', resumed, 200);
        assert.equal(await page.getByLabel(`${tr('field.what')} (${tr('form.required')})`, { exact: true }).inputValue(), what);

        await page.getByLabel(tr('files.label'), { exact: true }).setInputFiles({ name: 'capture.png', mimeType: 'image/png', buffer: PNG });
        const sent = await load(page, () => page.getByRole('button', { name: tr('form.submit') }).click());
        assert.equal(sent.status, 201);
        assert.equal(await heading(page), tr('done.title'));
        const reference = await page.locator('code.reference').first().innerText();
        const { rows } = await node.database.db.query<{ n: number; drafts: number }>(
          'SELECT (SELECT count(*)::int FROM report_attachments a JOIN reports r ON r.id = a.report_id WHERE r.reference = $1) AS n, (SELECT count(*)::int FROM report_drafts) AS drafts',
          [reference],
        );
        assert.deepEqual(rows[0], { n: 1, drafts: 0 });
      });
    });
  }
});
