import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Locale } from '../../src/platform/i18n/locales.ts';
import { catalogs } from '../../src/requests/messages.ts';
import { assertAccessible, assertLanguage, heading, isFocused, launchBrowser, skipWithoutBrowser as skip, submitted } from '../support/browser.ts';
import { Consoles, centralAuthorities, openFromList, reachesState, said, shutDown, stateText, step, tabTo } from '../support/request-pages.ts';
import type { Party } from '../support/federation.ts';

/**
 * Issue 6's journey, in the browser, across two central authorities: an MLA request drafted with
 * the keyboard, approved by a prosecutor (four-eyes), acknowledged, more information asked for and
 * given, and a partial answer with evidence that the requesting State downloads. Each page is
 * checked with axe-core, in English and in Arabic (right to left).
 */

const en = catalogs.en;
const ar = catalogs.ar;
const CASE = 'XA-CYB-2026-0200';
const SUMMARY = 'A ransomware group encrypted the networks of three hospitals in State A; the ransom was paid to addresses controlled from servers in State B.';
const LINK = 'The servers in State B hosted the leak site and the negotiation panel named in the ransom notes.';
const ASSISTANCE = 'Search the hosting company at the address given, image the two servers named and return the images with the chain of custody.';
const PROVISIONS = 'Criminal Code of State A, art. 323-1 and 312-10 (extortion): up to 10 years.';
const QUESTIONS = '1. Give the IP addresses of the servers and the dates on which they were seen.';
const ANSWER = '203.0.113.7 seen on 2 March 2026 at 01:12 UTC; 198.51.100.23 seen on 2 March 2026 at 01:40 UTC.';
/** Larger than the node's limit for a request body (1 MiB): a file is streamed, not read into memory as a form is. */
const EVIDENCE = Buffer.alloc(1_500_000, 'server one disk image (a stand-in for the test)\n');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');


describe('an MLA request with a request for additional information and a partial answer, done in the browser', { skip }, () => {
  let caA: Party;
  let caB: Party;
  let browser: Browser;
  let consoles: Consoles;
  let id = '';
  let alice: Page;
  let bruno: Page;

  before(async () => {
    [caA, caB] = await centralAuthorities();
    browser = await launchBrowser();
    consoles = new Consoles(browser);
  });
  after(() => shutDown(consoles, browser, [caA, caB]));






  /** The same page in another language, through the console's language switch. */
  async function inLanguage(page: Page, locale: Locale): Promise<void> {
    const here = new URL(page.url());
    await page.goto(`${here.origin}/lang/${locale}?next=${encodeURIComponent(here.pathname + here.search)}`);
    await assertLanguage(page, locale);
  }

  test('State A’s officer drafts the request with the keyboard alone, is told what is missing, and asks for approval', async () => {
    alice = await consoles.signedIn(caA, 'alice', 'en');
    await assertAccessible(alice, 'the list, in English');
    // A central authority drafts MLA requests, not preservations (the 24/7 point's) nor disclosure orders.
    const starts = await alice.locator('ul.start a').allInnerTexts();
    assert.ok(starts.includes(said('en', 'list.new', { kind: en['kind.mla'] })), starts.join('; '));
    assert.ok(!starts.includes(said('en', 'list.new', { kind: en['kind.preservation'] })) && !starts.includes(said('en', 'list.new', { kind: en['kind.disclosure'] })));
    await tabTo(alice, `a[href="/requests/new?kind=mla"]`);
    await Promise.all([alice.waitForURL('**/requests/new?kind=mla'), alice.keyboard.press('Enter')]);
    assert.equal(await heading(alice), said('en', 'draft.title', { kind: en['kind.mla'] }));
    assert.equal(await alice.locator('#requested-state').inputValue(), 'XB', 'the one foreign State among the peers is proposed');

    await tabTo(alice, '#executor');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await alice.locator('#executor').inputValue(), 'b-ca');
    await tabTo(alice, '#case-reference');
    await alice.keyboard.type(CASE);
    await tabTo(alice, '#offence');
    await alice.keyboard.type('Ransomware');
    assert.equal(await alice.locator('#offence').inputValue(), 'ransomware-extortion');
    // Reached with Tab; the long texts are put in as one input, as a paste would (typing them key by key only costs time).
    await tabTo(alice, '#summary');
    await alice.keyboard.insertText(SUMMARY);
    await tabTo(alice, '#link');
    await alice.keyboard.insertText(LINK);
    await tabTo(alice, '#assistance');
    await alice.keyboard.insertText(ASSISTANCE);
    await tabTo(alice, '#provisions');
    await alice.keyboard.insertText(PROVISIONS);
    await tabTo(alice, '#max-penalty-years');
    await alice.keyboard.type('10');
    assert.ok(await alice.locator('#confidential').isChecked(), 'confidential unless said otherwise');
    await tabTo(alice, 'form.draft button[type=submit]', 30);
    const refused = await submitted(alice, () => alice.keyboard.press('Enter'));
    assert.equal(refused.status(), 400);

    // No measure ticked: told at the top, with the focus, and beside the measures; what was typed is kept.
    assert.ok(await isFocused(alice, '#error-summary'));
    const link = alice.locator('#error-summary a');
    assert.deepEqual(await link.allInnerTexts(), [said('en', 'errors.item', { field: en['draft.measures'], message: en['schema.minItems.one'] })]);
    assert.equal(await link.getAttribute('href'), '#measures-obtain-stored-data');
    assert.equal(await alice.locator('#measures-obtain-stored-data-error').innerText(), en['schema.minItems.one']);
    assert.equal(await alice.locator('#assistance').inputValue(), ASSISTANCE);
    await assertAccessible(alice, 'the MLA draft form refused, in English');

    await tabTo(alice, '#measures-obtain-stored-data');
    await alice.keyboard.press('Space');
    await tabTo(alice, '#measures-search-and-seizure');
    await alice.keyboard.press('Space');
    await tabTo(alice, 'form.draft button[type=submit]', 80);
    const saved = await submitted(alice, () => alice.keyboard.press('Enter'));
    assert.equal(saved.status(), 303, await alice.locator('main').innerText());
    id = new URL(alice.url()).pathname.split('/').at(-1)!;
    assert.equal(await alice.getByRole('status').innerText(), en['notice.drafted.fourEyes']);
    assert.equal(await stateText(alice), en['state.draft']);
    assert.ok(await alice.getByText(said('en', 'check.ok', { node: 'b-ca' }), { exact: true }).isVisible(), 'checked against the requirements of b-ca');
    assert.equal(await alice.locator('#approval-heading + p').innerText(), en['approval.needed']);
    const row = (await caA.node.database.db.query<{ fields: any; legal_basis: any }>('SELECT fields, legal_basis FROM requests WHERE id = $1', [id])).rows[0]!;
    assert.deepEqual(
      [row.fields.caseReference, row.fields.offence, row.fields.measures, row.fields.maxPenaltyYears, row.fields.confidential, row.fields.identifiers, row.fields.period],
      [CASE, 'ransomware-extortion', ['obtain-stored-data', 'search-and-seizure'], 10, true, [], undefined],
    );
    assert.deepEqual([row.legal_basis.type, row.legal_basis.treatyId], ['treaty', 'xa-xb-mla-2018']);
    await assertAccessible(alice, 'a draft MLA request, in English');

    await alice.locator('#action-ask-approval').focus();
    assert.equal((await submitted(alice, () => alice.keyboard.press('Enter'))).status(), 303);
    assert.equal(await stateText(alice), en['state.awaiting-approval']);
    assert.equal(await alice.locator('section.action h3').count(), 0, 'an officer does not approve');

    // The list and the draft form of an MLA request, in Arabic, right to left.
    await inLanguage(alice, 'ar');
    await alice.goto(`${caA.node.url}/requests`);
    assert.match(await alice.locator(`tr#row-${id}`).innerText(), new RegExp(ar['state.awaiting-approval']));
    await assertAccessible(alice, 'the list, in Arabic');
    await alice.goto(`${caA.node.url}/requests/new?kind=mla`);
    assert.equal(await heading(alice), said('ar', 'draft.title', { kind: ar['kind.mla'] }));
    assert.equal(await alice.locator('#measures-search-and-seizure + label').innerText(), ar['measure.search-and-seizure']);
    await assertAccessible(alice, 'the MLA draft form, in Arabic');
    await inLanguage(alice, 'en');
  });

  test('a prosecutor approves it, in Arabic: it leaves signed with the key the node issued them', async () => {
    assert.ok(id, 'the draft of the first test');
    const paul = await consoles.signedIn(caA, 'paul', 'ar');
    await openFromList(paul, id);
    await assertLanguage(paul, 'ar');
    assert.equal(await stateText(paul), ar['state.awaiting-approval']);
    assert.deepEqual(await paul.locator('section.action h3').allInnerTexts(), [ar['action.send-back'], ar['action.approve']]);
    await assertAccessible(paul, 'an MLA request awaiting approval, in Arabic');
    await step(paul, 'approve');
    assert.equal(await stateText(paul), ar['state.submitted']);
    assert.equal(await paul.locator('#approval-official').innerText(), 'paul');
    assert.equal(await paul.locator('#approval-check').innerText(), said('ar', 'approval.signed', { official: 'paul' }));
    assert.match(await paul.locator('#request-digest').innerText(), /^[0-9a-f]{64}$/);
    await paul.context().close();
  });

  test('State B acknowledges it, sees the approval verified, and asks for more information; State A supplies it', async () => {
    bruno = await consoles.signedIn(caB, 'bruno', 'en');
    await openFromList(bruno, id);
    assert.equal(await stateText(bruno), en['state.submitted']);
    const digestA = (await caA.node.database.db.query<{ digest: string }>('SELECT digest FROM requests WHERE id = $1', [id])).rows[0]!.digest;
    assert.equal(await bruno.locator('#request-digest').innerText(), digestA, 'both copies have the same digest');
    assert.equal(await bruno.locator('#approval-check').innerText(), said('en', 'approval.verified', { node: 'a-ca', official: 'paul' }));
    await step(bruno, 'acknowledge', (page) => page.locator('#acknowledge-reference').fill('XB-MLA-2026-17'));
    await step(bruno, 'request-information', (page) => page.locator('#request-information-questions').fill(QUESTIONS));
    assert.equal(await stateText(bruno), en['state.information-requested']);

    await alice.goto(`${caA.node.url}/requests/${id}`);
    await reachesState(alice, en['state.information-requested']);
    assert.match(await alice.locator('.timeline > li').last().innerText(), new RegExp(QUESTIONS.slice(0, 20)));
    await step(alice, 'supply-information', (page) => page.locator('#supply-information-answer').fill(ANSWER));
    assert.equal(await stateText(alice), en['state.acknowledged']);
  });

  test('State B adds the evidence and sends a partial answer; State A sees it listed and downloads it', async () => {
    await reachesState(bruno, en['state.acknowledged']);
    assert.match(await bruno.locator('.timeline > li').last().innerText(), new RegExp(ANSWER.slice(0, 20)));

    // Without a file chosen, the form says so beside its field.
    const empty = await submitted(bruno, () => bruno.locator('#upload-file').click());
    assert.equal(empty.status(), 400);
    assert.equal(await bruno.locator('#file-input-error').innerText(), en['error.file-missing']);
    assert.ok(await isFocused(bruno, '#error-summary'));

    await bruno.locator('#file-input').setInputFiles({ name: 'server-1.img', mimeType: 'application/octet-stream', buffer: EVIDENCE });
    const added = await submitted(bruno, () => bruno.locator('#upload-file').click());
    assert.equal(added.status(), 303);
    assert.equal(new URL(bruno.url()).searchParams.get('added'), sha256(EVIDENCE));
    assert.equal(await bruno.getByRole('status').innerText(), said('en', 'files.added', { name: 'server-1.img' }));
    assert.match(await bruno.locator(`tr#file-${sha256(EVIDENCE)}`).innerText(), new RegExp(en['files.staged']));
    await assertAccessible(bruno, 'an MLA request with a file waiting to be sent, in English');

    await step(bruno, 'execute-partially', async (page) => {
      await page.locator('#execute-partially-summary').fill('The first server was imaged on 12 October.');
      await page.locator('#execute-partially-remaining').fill('The second server is being located.');
      await page.locator(`#execute-partially-files-${sha256(EVIDENCE)}`).check();
    });
    assert.equal(await stateText(bruno), en['state.partially-executed']);

    await reachesState(alice, en['state.partially-executed']);
    const listed = alice.locator(`tr#file-${sha256(EVIDENCE)}`);
    assert.match(await listed.innerText(), /server-1\.img/);
    assert.match(await listed.innerText(), new RegExp(en['event.execute-partially']));
    assert.match(await alice.locator('.timeline > li').last().innerText(), /The second server is being located/);
    await assertAccessible(alice, 'a partial answer with its file, in English');

    // The page's session opens the file: it is downloaded, never shown, and it is the very file sent.
    const [download] = await Promise.all([alice.waitForEvent('download'), listed.getByRole('link', { name: 'server-1.img' }).click()]);
    assert.equal(download.suggestedFilename(), 'server-1.img');
    assert.equal(sha256(await readFile((await download.path())!)), sha256(EVIDENCE));
    const read = await caA.node.database.db.query("SELECT 1 FROM audit_log WHERE action = 'requests.file-read' AND subject_id = $1", [id]);
    assert.equal(read.rows.length, 1, 'the download is recorded');

    await inLanguage(alice, 'ar');
    assert.equal(await stateText(alice), ar['state.partially-executed']);
    assert.equal(await alice.locator('#files-caption').innerText(), said('ar', 'files.caption', { count: 1 }));
    await assertAccessible(alice, 'a partial answer with its file, in Arabic');
    // On a 320 px screen the digests and keys break rather than make the page scroll sideways (its tables scroll on their own).
    await alice.setViewportSize({ width: 320, height: 800 });
    assert.equal(await alice.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'), 0);
  });
});
