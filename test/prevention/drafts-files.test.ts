import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { deleteExpiredDrafts } from '../../src/prevention/drafts.ts';
import { FILE_MAX_BYTES } from '../../src/prevention/attachments.ts';
import { translator } from '../../src/prevention/layout.ts';
import { ADMIN, Api, type TestNode, startTestNode, userWith } from '../support/node.ts';
import { PNG } from './sample-files.ts';

const HEADERS = 'Received: from mail.example.org\r\nFrom: "Bank" <security@bank-verify.example>\r\nSubject: Your account is locked\r\n';
const fr = translator('fr');

type Part = [name: string, value: string] | [name: string, bytes: Uint8Array, filename: string, type: string];

function form(parts: readonly Part[]): FormData {
  const data = new FormData();
  for (const part of parts) {
    if (part.length === 2) data.append(part[0], part[1]);
    else data.append(part[0], new Blob([part[1]], { type: part[3] }), part[2]);
  }
  return data;
}

describe('drafts, files and case links on the public portal, through the pages and the API', () => {
  let node: TestNode;
  let investigator: Api;
  const anyone = () => new Api(node.url);

  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 10_000 } });
    const admin = await new Api(node.url).login(ADMIN.username, ADMIN.password);
    investigator = await userWith(admin, 'ines', ['investigator']);
  });
  after(() => node.close());

  const post = async (path: string, body: FormData | URLSearchParams, locale = 'fr') => {
    const response = await fetch(`${node.url}${path}`, { method: 'POST', body, headers: { 'accept-language': locale }, redirect: 'manual' });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };
  const count = async (table: string) => (await node.database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const blobs = () => {
    const root = join(node.config.blobDir, 'sha256');
    try {
      return readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
    } catch {
      return 0;
    }
  };
  const stored = async () => ({ reports: await count('reports'), files: await count('report_attachments'), drafts: await count('report_drafts'), blobs: blobs() });
  const codeOn = (page: string, pattern: RegExp) => page.match(pattern)?.[0];

  test('a draft is saved, never shown to staff, resumed with its answers, then sent with a PNG that staff download safely', async () => {
    const before_ = await stored();
    const saved = await post('/report/phishing', form([['what', 'Un faux message de ma banque.'], ['email', 'security@bank-verify.example'], ['action', 'draft'], ['files', PNG, 'ecran.png', 'image/png']]));
    assert.equal(saved.status, 201, saved.text);
    assert.ok(saved.text.includes(fr('draft.title')));
    const draftCode = codeOn(saved.text, /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)!;
    assert.ok(draftCode);
    assert.deepEqual(await stored(), { ...before_, drafts: before_.drafts + 1 }, 'a draft is no report, and keeps no file');
    const queue = await investigator.get('/api/v1/prevention/reports');
    assert.equal(queue.body.items.length, before_.reports);

    const resumed = await post('/report/draft', new URLSearchParams({ draftCode: draftCode.toLowerCase().replaceAll('-', ' ') }));
    assert.equal(resumed.status, 200, resumed.text);
    assert.ok(resumed.text.includes('Un faux message de ma banque.') && resumed.text.includes('security@bank-verify.example') && resumed.text.includes(fr('draft.resumed')));
    assert.match(resumed.text, /<form class="report" method="post" action="\/report\/phishing" enctype="multipart\/form-data"/);

    const sent = await post('/report/phishing', form([
      ['draft', draftCode], ['what', 'Un faux message de ma banque.'], ['email', 'security@bank-verify.example'], ['action', 'send'],
      ['files', PNG, 'ecran.png', 'image/png'], ['files', Buffer.from(HEADERS), 'en-tetes.eml', 'message/rfc822'],
    ]));
    assert.equal(sent.status, 201, sent.text);
    const reference = codeOn(sent.text, /ENT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)!;
    assert.deepEqual(await stored(), { reports: before_.reports + 1, files: before_.files + 2, drafts: before_.drafts, blobs: before_.blobs + 2 }, 'the draft is gone once sent');
    const again = await post('/report/draft', new URLSearchParams({ draftCode }));
    assert.equal(again.status, 404);
    assert.ok(again.text.includes(fr('draft.unknown')));

    const view = await investigator.get(`/api/v1/prevention/reports/${reference}`);
    assert.deepEqual(view.body.files.map((file: { name: string; mediaType: string; size: number }) => [file.name, file.mediaType, file.size]).sort(), [
      ['ecran.png', 'image/png', PNG.length], ['en-tetes.eml', 'text/plain', Buffer.byteLength(HEADERS)],
    ]);
    const png = view.body.files.find((file: { name: string }) => file.name === 'ecran.png');
    const download = await fetch(`${node.url}/api/v1/prevention/reports/${reference}/files/${png.sha256}`, { headers: { authorization: `Bearer ${investigator.token}` } });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
    assert.match(download.headers.get('content-disposition')!, /^attachment; filename="ecran\.png"/);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PNG, 'decrypted as sent');
    const audited = await node.database.db.query("SELECT details FROM audit_log WHERE action = 'prevention.report.file.read' AND subject_id = $1", [reference]);
    assert.deepEqual(audited.rows.map((row) => row.details), [{ sha256: png.sha256 }]);
    assert.equal((await anyone().get(`/api/v1/prevention/reports/${reference}/files/${png.sha256}`)).status, 401);

    const page = await fetch(`${node.url}/prevention/reports/${reference}`, { headers: { authorization: `Bearer ${investigator.token}` } });
    assert.ok((await page.text()).includes(`/api/v1/prevention/reports/${reference}/files/${png.sha256}`), 'the staff page links the download');
  });

  test('an expired draft opens nothing, with a readable page; the retention job deletes it and records that it did', async () => {
    const saved = await post('/report/harassment', form([['what', 'Des messages menaçants.'], ['action', 'draft']]));
    const draftCode = codeOn(saved.text, /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/)!;
    await node.database.db.query("UPDATE report_drafts SET expires_at = now() - interval '1 day'");
    const expired = await post('/report/draft', new URLSearchParams({ draftCode }));
    assert.equal(expired.status, 410);
    assert.ok(expired.text.includes(fr('draft.expired', { days: 30 })), expired.text);
    const typo = await post('/report/draft', new URLSearchParams({ draftCode: `${draftCode.slice(0, -1)}${draftCode.endsWith('0') ? '1' : '0'}` }));
    assert.equal(typo.status, 400);
    assert.ok(typo.text.includes(fr('draft.code.typo')));
    const deleted = await deleteExpiredDrafts(node.database.db);
    assert.ok(deleted >= 1);
    assert.equal(await count('report_drafts'), 0);
    const audit = await node.database.db.query<{ details: { deleted: number } }>("SELECT details FROM audit_log WHERE action = 'prevention.draft.expire'");
    assert.equal(audit.rows.at(-1)!.details.deleted, deleted);
    assert.equal(await deleteExpiredDrafts(node.database.db), 0, 'running it again deletes nothing');
  });

  test('too big, wrong kind, a web page named as a picture, too many, and any file on the child abuse path: refused, readable, nothing stored', async () => {
    const what: Part = ['what', 'On m’a volé mon compte.'];
    const cases: [why: string, parts: Part[], message: string, status: number][] = [
      ['too big', [what, ['files', Buffer.concat([PNG, Buffer.alloc(FILE_MAX_BYTES)]), 'big.png', 'image/png']], fr('file.tooBig', { size: 5 }), 400],
      ['a program', [what, ['files', Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), 'photo.png', 'image/png']], fr('file.type'), 400],
      ['HTML declared as PNG', [what, ['files', Buffer.from('<!doctype html><script>alert(1)</script>'), 'photo.png', 'image/png']], fr('file.type'), 400],
      ['HTML declared as text', [what, ['files', Buffer.from('  <html><body onload="x()">'), 'notes.txt', 'text/plain']], fr('file.type'), 400],
      ['a PDF named as a picture', [what, ['files', Buffer.from('%PDF-1.7\n'), 'photo.jpg', 'image/jpeg']], fr('file.type'), 400],
      ['too many', [what, ...Array.from({ length: 6 }, (_, i): Part => ['files', PNG, `p${i}.png`, 'image/png'])], fr('file.tooMany', { count: 5 }), 400],
      ['a file under another name', [what, ['other', PNG, 'p.png', 'image/png']], fr('file.type'), 400],
    ];
    for (const [why, parts, message, status] of cases) {
      const before_ = await stored();
      const refused = await post('/report/account-takeover', form(parts));
      assert.equal(refused.status, status, `${why}: ${refused.text.slice(0, 300)}`);
      assert.ok(refused.text.includes(message), `${why}: the reason is told in French`);
      assert.ok(refused.text.includes('On m’a volé mon compte.'), `${why}: what was typed is kept`);
      assert.deepEqual(await stored(), before_, `${why}: nothing stored`);
    }
    const before_ = await stored();
    const child = await post('/report/child-abuse', form([what, ['files', PNG, 'p.png', 'image/png']]));
    assert.equal(child.status, 404);
    assert.match(child.headers.get('content-type')!, /^text\/html/);
    assert.deepEqual(await stored(), before_, 'the child abuse path takes no file');
  });

  test('the reporter adds a file with the access code; a report linked to a case shows the reporter its status, not the case', async () => {
    const sent = await anyone().post('/api/v1/prevention/reports', { type: 'crypto-scam', whatHappened: 'A fake exchange took my bitcoins.', identifiers: [] });
    const { reference, accessCode } = sent.body;
    const added = await post('/report/status/add', form([['reference', reference], ['accessCode', accessCode], ['addition', ''], ['files', Buffer.from(HEADERS), 'headers.txt', 'text/plain']]));
    assert.equal(added.status, 200, added.text);
    assert.equal((await investigator.get(`/api/v1/prevention/reports/${reference}`)).body.files.length, 1);
    const before_ = await stored();
    const wrongCode = await post('/report/status/add', form([['reference', reference], ['accessCode', accessCode.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A'))], ['files', PNG, 'p.png', 'image/png']]));
    assert.ok(wrongCode.status === 400 || wrongCode.status === 403, wrongCode.text.slice(0, 200));
    assert.deepEqual(await stored(), before_, 'a wrong code stores no file');

    const opened = await investigator.post('/api/v1/cases', { offence: 'computer-related-fraud', summary: 'Fake exchange', identifiers: [] });
    assert.equal(opened.status, 201, opened.text);
    const caseReference: string = opened.body.reference;
    const unknown = await investigator.post(`/api/v1/prevention/reports/${reference}/cases`, { case: 'no-such-case' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.headers.get('content-type')!, /problem\+json/);
    const linked = await investigator.post(`/api/v1/prevention/reports/${reference}/cases`, { case: caseReference });
    assert.deepEqual(linked.body, { reference, status: 'linked', case: caseReference });
    assert.deepEqual((await investigator.get(`/api/v1/prevention/reports/${reference}`)).body.cases, [caseReference]);
    const seen = await anyone().post('/api/v1/prevention/my-report', { reference, accessCode });
    assert.equal(seen.body.status, 'linked');
    assert.ok(!seen.text.includes(caseReference), 'the reporter never sees the case');
    const provider = await userWith(await new Api(node.url).login(ADMIN.username, ADMIN.password), 'pat', ['provider_responder']);
    assert.equal((await provider.post(`/api/v1/prevention/reports/${reference}/cases`, { case: caseReference })).status, 403);

    // Withdrawn, the report keeps no file: screenshots show their writer as much as contact details do.
    const withdrawn = await anyone().post('/api/v1/prevention/my-report/withdrawal', { reference, accessCode });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.deepEqual((await investigator.get(`/api/v1/prevention/reports/${reference}`)).body.files, []);
  });

  test('random multipart posts with a file that is none of the kinds taken: never a server error, never stored', async () => {
    const notAKind = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.concat([Buffer.from([0]), bytes]));
    const part = fc.oneof(
      fc.tuple(fc.constantFrom('what', 'when', 'amount', 'email', 'action', 'draft', 'homepage', 'x'), fc.string({ maxLength: 40 })).map(([name, value]): Part => [name, value]),
      fc.tuple(fc.constantFrom('files', 'file', 'what'), notAKind, fc.string({ maxLength: 30 }), fc.constantFrom('image/png', 'text/plain', 'application/pdf', 'text/html', '')).map(([name, bytes, filename, type]): Part => [name, bytes, filename || 'f', type]),
    );
    const before_ = await stored();
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('/report/phishing', '/report/other', '/report/child-abuse', '/report/status/add', '/report/nothing'),
      fc.array(part, { maxLength: 6 }),
      notAKind,
      fc.boolean(),
      async (path, parts, bytes, truncate) => {
        const data = form([...parts.filter((p) => p[0] !== 'action'), ['files', bytes, 'photo.png', 'image/png'], ['action', 'send']]);
        const encoded = new Response(data);
        const body = Buffer.from(await encoded.arrayBuffer());
        const response = await fetch(`${node.url}${path}`, {
          method: 'POST', body: truncate ? body.subarray(0, Math.floor(body.length / 2)) : body,
          headers: { 'content-type': encoded.headers.get('content-type')!, 'accept-language': 'ar' },
        });
        await response.arrayBuffer();
        assert.ok(response.status < 500, `${path} answered ${response.status}`);
      },
    ), { numRuns: 80 });
    const after_ = await stored();
    assert.equal(after_.reports, before_.reports);
    assert.equal(after_.files, before_.files);
    assert.equal(after_.blobs, before_.blobs);
  });
});
