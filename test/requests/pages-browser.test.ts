import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LOCALES } from '../../src/platform/i18n/locales.ts';
import { en } from '../../src/requests/locales/en.ts';
import { catalogs, messages } from '../../src/requests/messages.ts';
import {
  assertAccessible, assertLanguage, CATALOGS, heading, isFocused, launchBrowser, skipWithoutBrowser as skip, submitted,
} from '../support/browser.ts';
import { Consoles, openFromList, reachesState, said, shutDown, stateText, step, tabTo } from '../support/request-pages.ts';
import { type Party, party } from '../support/federation.ts';
import { mutualTrust } from '../support/requests.ts';
import { type Api, userWith } from '../support/node.ts';


/** Today plus some days, YYYY-MM-DD. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const CASE = 'XA-CYB-2026-0042';
const SUMMARY = 'A hospital in State A was encrypted on 2 March; the ransom note names an e-mail account held by the provider.';
const EMAIL = 'Decrypt-Now@MAIL.example';
const WALLET = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
/** A valid Ethereum address with the case of one letter changed: its EIP-55 checksum fails. */
const BAD_WALLET = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD';

describe('the console pages of requests: a preservation across four nodes, done in the browser', { skip }, () => {
  let police: Party;
  let a247: Party;
  let b247: Party;
  let provider: Party;
  let investigatorApi: Api;
  let browser: Browser;
  let consoles: Consoles;

  before(async () => {
    [police, a247, b247, provider] = await Promise.all([
      party('a-police', 'XA'), party('a-247', 'XA'), party('b-247', 'XB'), party('provider', 'XB'),
    ]);
    await mutualTrust([police, a247], [a247, b247], [b247, provider]);
    for (const p of [police, a247, b247, provider]) p.node.federation.worker.start();
    investigatorApi = await userWith(police.admin, 'ines', ['investigator']);
    await userWith(a247.admin, 'omar', ['contact_point']);
    await userWith(b247.admin, 'olga', ['contact_point']);
    await userWith(provider.admin, 'pat', ['provider_responder']);
    browser = await launchBrowser();
    consoles = new Consoles(browser);
  });
  after(() => shutDown(consoles, browser, [police, a247, b247, provider]));


  const count = async (at: Party) => (await at.node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM requests')).rows[0]!.n;


  let id = '';
  let ines: Page;

  test('the investigator drafts the request with the keyboard alone, then submits it', async () => {
    ines = await consoles.signedIn(police, 'ines');
    assert.equal(await heading(ines), en['list.title']);
    assert.ok(await ines.getByText(en['list.none'], { exact: true }).isVisible());
    // The console's home page leads to the requests.
    await ines.goto(`${police.node.url}/`);
    await ines.getByRole('link', { name: en['home.link'], exact: true }).focus();
    await Promise.all([ines.waitForURL('**/requests'), ines.keyboard.press('Enter')]);
    await ines.getByRole('link', { name: said('en', 'list.new', { kind: en['kind.preservation'] }), exact: true }).focus();
    await Promise.all([ines.waitForURL('**/requests/new?kind=preservation'), ines.keyboard.press('Enter')]);
    assert.equal(await heading(ines), said('en', 'draft.title', { kind: en['kind.preservation'] }));

    // First the State asked for help: the node proposes the legal basis, and fills the form with it.
    await ines.keyboard.press('Tab');
    assert.ok(await isFocused(ines, 'a.skip'));
    await ines.keyboard.press('Enter');
    await tabTo(ines, '#proposal-state');
    await ines.keyboard.type('XB');
    await ines.keyboard.press('Tab');
    await Promise.all([ines.waitForURL('**/requests/new?kind=preservation&state=XB'), ines.keyboard.press('Enter')]);
    assert.match(await ines.locator('#proposal-result').innerText(), /ets-185/);
    assert.equal(await ines.locator('#requested-state').inputValue(), 'XB');

    await tabTo(ines, '#executor', 60);
    await ines.keyboard.press('ArrowDown');
    assert.equal(await ines.locator('#executor').inputValue(), 'a-247');
    await tabTo(ines, '#case-reference');
    await ines.keyboard.type(CASE);
    await tabTo(ines, '#offence');
    await ines.keyboard.type('Ransomware');
    assert.equal(await ines.locator('#offence').inputValue(), 'ransomware-extortion');
    await tabTo(ines, '#summary');
    await ines.keyboard.type(SUMMARY);
    await tabTo(ines, '#identifier-0-kind');
    await ines.keyboard.type('E-mail');
    await tabTo(ines, '#identifier-0-value');
    await ines.keyboard.type(EMAIL);
    await tabTo(ines, '#identifier-1-kind');
    await ines.keyboard.type('Crypto');
    await tabTo(ines, '#identifier-1-value');
    await ines.keyboard.type(WALLET);
    await tabTo(ines, '#identifier-1-chain');
    await ines.keyboard.type('Bitcoin');
    assert.deepEqual(
      [await ines.locator('#identifier-0-kind').inputValue(), await ines.locator('#identifier-1-kind').inputValue(), await ines.locator('#identifier-1-chain').inputValue()],
      ['email', 'wallet', 'bitcoin'],
    );
    await tabTo(ines, '#data-subscriber', 60);
    await ines.keyboard.press('Space');
    await tabTo(ines, '#data-traffic');
    await ines.keyboard.press('Space');
    // A date field is typed in the order the browser's locale shows it: month, day, year in English.
    const from = inDays(-30);
    const to = inDays(-2);
    const typed = (day: string) => `${day.slice(5, 7)}${day.slice(8, 10)}${day.slice(0, 4)}`;
    await tabTo(ines, '#period-from');
    await ines.keyboard.type(typed(from));
    await tabTo(ines, '#period-to');
    await ines.keyboard.type(typed(to));
    assert.deepEqual([await ines.locator('#period-from').inputValue(), await ines.locator('#period-to').inputValue()], [from, to]);
    await tabTo(ines, '#provider');
    await ines.keyboard.type('Example Mail');
    await tabTo(ines, 'form.draft button[type=submit]', 30);
    assert.equal(await ines.locator(':focus').innerText(), en['draft.save']);
    const saved = await submitted(ines, () => ines.keyboard.press('Enter'));
    assert.equal(saved.status(), 303, await ines.locator('main').innerText());

    id = new URL(ines.url()).pathname.split('/').at(-1)!;
    assert.equal(await ines.getByRole('status').innerText(), en['notice.drafted']);
    assert.equal(await stateText(ines), en['state.draft']);
    assert.ok(await ines.getByText(said('en', 'check.ok', { node: 'a-247' }), { exact: true }).isVisible(), 'checked against the requirements of a-247');
    // What was typed is what is stored, identifiers in their normal form, and the basis the node proposed.
    const row = (await police.node.database.db.query<{ fields: any; legal_basis: any; executor: string }>('SELECT fields, legal_basis, executor FROM requests WHERE id = $1', [id])).rows[0]!;
    assert.equal(row.executor, 'a-247');
    assert.deepEqual(row.fields.identifiers, [{ kind: 'email', value: 'Decrypt-Now@mail.example' }, { kind: 'wallet', chain: 'bitcoin', value: WALLET }]);
    assert.deepEqual([row.fields.caseReference, row.fields.offence, row.fields.dataCategories, row.fields.period], [CASE, 'ransomware-extortion', ['subscriber', 'traffic'], { from, to }]);
    assert.deepEqual([row.legal_basis.type, row.legal_basis.treatyId, row.legal_basis.to], ['treaty', 'ets-185', 'XB']);
    assert.equal(await ines.locator('#identifiers-caption').innerText(), messages.t('en', 'request.identifiers', { count: 2 }));

    await ines.locator('#action-submit').focus();
    assert.equal((await submitted(ines, () => ines.keyboard.press('Enter'))).status(), 303);
    assert.equal(await stateText(ines), en['state.submitted']);
    assert.equal(await ines.getByRole('status').innerText(), said('en', 'notice.done', { step: en['event.submit'] }));
    assert.match(await ines.locator('.timeline').innerText(), new RegExp(en['event.submit']));
  });

  test('both 24/7 points forward it, the provider preserves, and the investigator sees the confirmation arrive', async () => {
    assert.ok(id, 'the draft of the first test');
    const omar = await consoles.signedIn(a247, 'omar');
    await openFromList(omar, id);
    assert.equal(await stateText(omar), en['state.submitted']);
    assert.match(await omar.locator('.timeline').innerText(), /ines/, 'the step names who took it, on which node');
    assert.match(await omar.locator('.timeline').innerText(), /a-police/);
    await step(omar, 'acknowledge');
    assert.equal(await stateText(omar), en['state.acknowledged']);
    await step(omar, 'forward', (page) => page.locator('#forward-to').selectOption('b-247'));
    assert.equal(await stateText(omar), en['state.forwarded']);
    const abroad = (await omar.locator('#forwarded-heading + .wide a').getAttribute('href'))!.split('/').at(-1)!;

    const olga = await consoles.signedIn(b247, 'olga');
    await openFromList(olga, abroad);
    await step(olga, 'forward', (page) => page.locator('#forward-to').selectOption('provider'));
    const toProvider = (await olga.locator('#forwarded-heading + .wide a').getAttribute('href'))!.split('/').at(-1)!;

    const pat = await consoles.signedIn(provider, 'pat');
    await openFromList(pat, toProvider);
    await step(pat, 'acknowledge');
    const until = inDays(60);
    await step(pat, 'confirm-preserved', async (page) => {
      await page.locator('#confirm-preserved-preservedUntil').fill(until);
      await page.locator('#confirm-preserved-providerReference').fill('EM-PRES-7781');
    });
    assert.equal(await stateText(pat), en['state.preserved']);

    await ines.goto(`${police.node.url}/requests/${id}`);
    await reachesState(ines, en['state.preserved']);
    const history = await ines.locator('.timeline li').last().innerText();
    assert.match(history, new RegExp(en['event.confirm-preserved']));
    assert.match(history, /EM-PRES-7781/);
    const preservedUntil = ines.locator('dl.facts div', { hasText: en['fact.preservedUntil'] });
    assert.match(await preservedUntil.innerText(), new RegExp(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${until}T12:00:00Z`))));
    assert.deepEqual(await ines.locator('section.action h3').allInnerTexts(), [en['action.request-renewal'], en['action.release']]);

    // The list puts it with its deadline, absolute and relative, and says whose step it is.
    await ines.goto(`${police.node.url}/requests?side=requester`);
    const row = ines.locator(`tr#row-${id}`);
    assert.match(await row.innerText(), new RegExp(en['state.preserved']));
    assert.match(await row.innerText(), /in \d+ days/);
  });

  test('a wrong step is told in the reader’s words and changes nothing: a refusal without reason, a step already taken', async () => {
    const drafted = await investigatorApi.post('/api/v1/requests', {
      kind: 'preservation', executor: 'a-247', requestedState: 'XB',
      fields: { offence: 'phishing', summary: 'Phishing pages hosted abroad.', identifiers: [{ kind: 'domain', value: 'login-bank.example' }], dataCategories: ['subscriber'], period: { from: inDays(-10), to: inDays(-1) } },
    });
    assert.equal(drafted.status, 201, drafted.text);
    const second = drafted.body.id as string;
    assert.equal((await investigatorApi.post(`/api/v1/requests/${second}/actions/submit`, {})).status, 200);

    // Without JavaScript: the pages are plain forms.
    const omar = await consoles.signedIn(a247, 'omar', 'fr', { javaScriptEnabled: false });
    const fr = catalogs.fr;
    await openFromList(omar, second);
    const stale = await omar.context().newPage();
    await stale.goto(omar.url());

    const refused = await submitted(omar, () => omar.locator('#action-refuse').click());
    assert.equal(refused.status(), 400);
    assert.equal(await omar.locator('#refuse-reason-error').innerText(), fr['schema.required']);
    assert.equal(await omar.locator('#refuse-reason').getAttribute('aria-invalid'), 'true');
    assert.equal(await stateText(omar), fr['state.submitted']);

    await step(omar, 'acknowledge');
    const late = await submitted(stale, () => stale.locator('#action-acknowledge').click());
    assert.equal(late.status(), 409);
    assert.equal(await stale.locator('#step-error').innerText(), said('fr', 'error.transition', { step: fr['action.acknowledge'], state: fr['state.acknowledged'] }));
    const events = (await a247.node.database.db.query<{ action: string }>('SELECT action FROM request_events WHERE request_id = $1 ORDER BY seq', [second])).rows;
    assert.deepEqual(events.map((event) => event.action), ['submit', 'acknowledge']);

    // A deadline passed is said in words on the list, not by a colour alone, with how long ago and when.
    await a247.node.database.db.query("UPDATE requests SET due_at = now() - interval '3 hours' WHERE id = $1", [second]);
    await omar.goto(`${a247.node.url}/requests?side=executor&state=acknowledged`);
    const due = omar.locator(`tr#row-${second} td`).nth(5);
    assert.equal(await due.locator('strong').innerText(), fr['due.overdue']);
    assert.match(await due.innerText(), /il y a 3 heures/);
    assert.match(await due.innerText(), /UTC/);
  });

  test('a draft its recipient would send back is told so before it leaves, refused when submitted, and changed from its page', async () => {
    const t = catalogs.es;
    const page = await consoles.signedIn(police, 'ines', 'es', { javaScriptEnabled: false });
    await page.goto(`${police.node.url}/requests/new?kind=preservation&state=XB`);
    // The request is written in the reader's language unless they say otherwise; a-247 publishes that it reads English only.
    assert.equal(await page.locator('#language').inputValue(), 'es');
    await page.locator('#executor').selectOption('a-247');
    await page.locator('#offence').selectOption('phishing');
    await page.locator('#summary').fill('Páginas de suplantación alojadas en el extranjero.');
    await page.locator('#identifier-0-kind').selectOption('domain');
    await page.locator('#identifier-0-value').fill('login-bank.example');
    await page.locator('#data-subscriber').check();
    await page.locator('#period-from').fill(inDays(-9));
    await page.locator('#period-to').fill(inDays(-1));
    assert.equal((await submitted(page, () => page.locator('form.draft button[type=submit]').click())).status(), 303);
    const draft = new URL(page.url()).pathname.split('/').at(-1)!;
    const reason = said('es', 'errors.item', { field: t['draft.language'], message: said('es', 'req.language-not-accepted', { accepted: 'English' }) });
    assert.deepEqual(await page.locator('#check-problems li').allInnerTexts(), [reason]);

    const refused = await submitted(page, () => page.locator('#action-submit').click());
    assert.equal(refused.status(), 422);
    assert.equal(await page.locator('#step-error p').innerText(), said('es', 'error.requirements', { node: 'a-247' }));
    assert.deepEqual(await page.locator('#step-error li').allInnerTexts(), [reason]);
    assert.equal(await stateText(page), t['state.draft']);
    assert.equal((await police.node.database.db.query('SELECT 1 FROM request_events WHERE request_id = $1', [draft])).rows.length, 0, 'nothing left');

    await Promise.all([page.waitForURL(`**/requests/${draft}/edit`), page.getByRole('link', { name: t['draft.edit'], exact: true }).first().click()]);
    assert.equal(await heading(page), said('es', 'draft.editTitle', { kind: t['kind.preservation'] }));
    assert.equal(await page.locator('#identifier-0-value').inputValue(), 'login-bank.example');
    assert.equal(await page.locator('#requested-state').inputValue(), 'XB');
    await page.locator('#language').selectOption('en');
    assert.equal((await submitted(page, () => page.locator('form.draft button[type=submit]').click())).status(), 303);
    assert.equal(await page.getByRole('status').innerText(), t['notice.revised']);
    assert.ok(await page.getByText(said('es', 'check.ok', { node: 'a-247' }), { exact: true }).isVisible());
    await step(page, 'submit');
    assert.equal(await stateText(page), t['state.submitted']);
    // A request that has left cannot be changed any more: its page says so.
    const late = await page.goto(`${police.node.url}/requests/${draft}/edit`);
    assert.equal(late?.status(), 409);
    assert.equal(await page.locator('#step-error p').innerText(), t['error.notDraft']);
    await page.context().close();
  });

  test('a malformed identifier is told beside its field, in the reader’s language; what was typed is kept and nothing is stored', async () => {
    const before_ = await count(police);
    for (const locale of ['fr', 'ar'] as const) {
      const t = catalogs[locale];
      const page = await consoles.signedIn(police, 'ines', locale);
      await page.goto(`${police.node.url}/requests/new?kind=preservation&state=XB`);
      await assertLanguage(page, locale);
      await page.locator('#executor').selectOption('a-247');
      await page.locator('#offence').selectOption('ransomware-extortion');
      await page.locator('#summary').fill(SUMMARY);
      await page.locator('#identifier-0-kind').selectOption('email');
      await page.locator('#identifier-0-value').fill(EMAIL);
      // The second row is left empty, and ignored; the third names a wallet whose checksum is wrong.
      await page.locator('#identifier-2-kind').selectOption('wallet');
      await page.locator('#identifier-2-chain').selectOption('ethereum');
      await page.locator('#identifier-2-value').fill(BAD_WALLET);
      await page.locator('#data-traffic').check();
      await page.locator('#period-from').fill(inDays(-9));
      await page.locator('#period-to').fill(inDays(-1));
      const refused = await submitted(page, () => page.locator('form.draft button[type=submit]').click());
      assert.equal(refused.status(), 400);
      assert.equal(await page.locator('#identifier-2-value-error').innerText(), t['problem.wallet-bad-checksum']);
      assert.equal(await page.locator('#identifier-2-value').getAttribute('aria-invalid'), 'true');
      assert.match((await page.locator('#identifier-2-value').getAttribute('aria-describedby')) ?? '', /identifier-2-value-error/);
      // The summary at the top has the focus and leads to the field.
      assert.ok(await isFocused(page, '#error-summary'));
      const link = page.locator('#error-summary a');
      assert.equal(await link.count(), 1);
      assert.equal(await link.getAttribute('href'), '#identifier-2-value');
      assert.equal(await link.innerText(), said(locale, 'errors.item', {
        field: said(locale, 'draft.identifier.field', { n: 3, field: t['ident.value'] }), message: t['problem.wallet-bad-checksum'],
      }));
      assert.equal(await page.locator('#identifier-2-value').inputValue(), BAD_WALLET);
      assert.equal(await page.locator('#summary').inputValue(), SUMMARY);
      assert.equal(await page.locator('#identifier-0-value').inputValue(), EMAIL);
      assert.ok(await page.locator('#data-traffic').isChecked());
      if (locale === 'ar') {
        assert.equal(await heading(page), said('ar', 'draft.title', { kind: t['kind.preservation'] }));
        await assertAccessible(page, 'the draft form with an error, in Arabic');
      }
      await page.context().close();
    }
    assert.equal(await count(police), before_);
  });

  test('in Arabic the draft form and the request page are right to left and readable', async () => {
    const page = await consoles.signedIn(police, 'ines', 'ar');
    const t = catalogs.ar;
    await assertLanguage(page, 'ar');
    assert.equal(await heading(page), t['list.title']);
    await page.goto(`${police.node.url}/requests/new?kind=preservation`);
    await assertLanguage(page, 'ar');
    assert.equal(await page.locator('label[for=summary]').innerText(), `${t['draft.summary']} ${t['form.required']}`);
    // The form of another kind, read from its schema, in the kind's own words: what an order discloses, and whether its user is told.
    await page.goto(`${police.node.url}/requests/new?kind=disclosure`);
    assert.equal(await heading(page), said('ar', 'draft.title', { kind: t['kind.disclosure'] }));
    assert.equal(await page.locator('fieldset:has(#data-subscriber) legend').innerText(), `${t['draft.disclosure.data']} ${t['form.required']}`);
    assert.equal(await page.locator('label[for=link]').innerText(), `${t['draft.link']} ${t['form.required']}`);
    assert.match(await page.locator('label[for=confidential]').innerText(), new RegExp(t['draft.disclosure.confidential']));
    assert.ok(await page.locator('#confidential').isChecked());
    await assertAccessible(page, 'the draft form of a disclosure order, in Arabic');
    await page.goto(`${police.node.url}/requests/${id}`);
    await assertLanguage(page, 'ar');
    assert.equal(await stateText(page), t['state.preserved']);
    assert.equal(await page.locator('#action-release').innerText(), t['action.release']);
    assert.equal(await page.locator('#identifier-0-kind').count(), 0);
    await page.context().close();
  });

  for (const locale of LOCALES) {
    test(`${locale}: axe-core finds no serious fault on the list, the draft form (blank and refused) and a request, and on a 320 px screen nothing scrolls sideways`, async () => {
      const t = CATALOGS[locale];
      const page = await consoles.signedIn(police, 'ines', locale, { viewport: { width: 320, height: 800 } });
      const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.equal(await heading(page), catalogs[locale]['list.title']);
      assert.equal(await page.getByRole('button', { name: t.logout, exact: true }).count(), 1);
      await assertAccessible(page, `the list in ${locale}`);
      assert.equal(await overflow(), 0, `the list in ${locale}`);
      await page.goto(`${police.node.url}/requests/new?kind=preservation&state=XB`);
      await assertAccessible(page, `the draft form in ${locale}`);
      assert.equal(await overflow(), 0, `the draft form in ${locale}`);
      await submitted(page, () => page.locator('form.draft button[type=submit]').click());
      assert.ok(await page.locator('#error-summary').isVisible());
      await assertAccessible(page, `the draft form refused in ${locale}`);
      assert.equal(await overflow(), 0, `the refused draft form in ${locale}`);
      await page.goto(`${police.node.url}/requests/${id}`);
      await assertAccessible(page, `a request in ${locale}`);
      assert.equal(await overflow(), 0, `the request page in ${locale}`);
      await page.context().close();
    });
  }
});
