/**
 * The public portal's pages: choose what happened, report it, keep the reference and code, follow
 * the report later. Plain forms posted to the server; no script anywhere.
 */
import { readFileSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { newAccessCode, newReference } from './codes.ts';
import { IDENTIFIER_KINDS, type IdentifierKind, type IdentifierOptions } from './identifiers.ts';
import { CHILD_PATH, CONTACT_CHANNELS, TAKE_IT_DOWN, INCIDENT_TYPES, type IncidentType, asksMoney, guidanceFor, isIncidentType } from './incidents.ts';
import { type Issue, checkReport, identifiersFromLines } from './intake.ts';
import { ADVISORIES_PAGE, HELP_PAGE, OBSERVATORY_PAGE, PRACTICES_PAGE, VERIFY_PAGE, PRIVACY_PAGE, type PublicContext, START_PAGE, STATUS_PAGE, code, helpPath, publicContext, publicPage, sessionToken } from './layout.ts';
import type { MessageKey } from './locales/en.ts';
import { messages } from './messages.ts';
import { type Credentials, InvalidInput, type ReporterView, addToReport, followReport, submitReport, withdrawReport } from './reports.ts';
import type { RetentionPolicy } from './retention.ts';
import {
  type FieldSpec, type FormState, HONEYPOT_FIELD, choiceGroup, errorSummary, field, fieldId, filledHoneypot, formError, formSchema, honeypot, input, isProblem,
  maySubmit, refuseCrossSite, textarea, verbatim,
} from './public-forms.ts';
import type { SubmissionLimiter } from './submissions.ts';
import type { Attachment } from '../federation/attachments.ts';
import type { BlobStore } from '../platform/blobs.ts';
import { type CheckedFile, checkFiles, discardSealed, sealFiles } from './attachments.ts';
import { DRAFT_FIELDS, DRAFT_PAGE, type DraftValues, draftLookupPage, draftSavedPage } from './draft-pages.ts';
import { DRAFT_DAYS, draftExpiry, newDraftCode, openDraft, parseDraftCode, saveDraft } from './drafts.ts';
import { fileField, fileIssue } from './file-field.ts';
import { filesOf, takingFiles } from './uploads.ts';

const STYLESHEET = readFileSync(new URL('./report.css', import.meta.url), 'utf8');
const HTML = 'text/html; charset=utf-8';
const ANSWER_FIELDS = ['what', 'when', 'amount', 'currency', 'channel', ...IDENTIFIER_KINDS, 'contactName', 'contactEmail', 'contactPhone'] as const;
/** Besides the answers: the button pressed (send, or save for later), and the code of the draft being finished. */
const REPORT_FIELDS = [...ANSWER_FIELDS, HONEYPOT_FIELD, 'action', 'draft'] as const;
type ReportValues = Partial<Record<(typeof REPORT_FIELDS)[number], string>>;
const STATUS_FIELDS = ['reference', 'accessCode', 'addition', 'confirm'] as const;
type StatusValues = Partial<Record<(typeof STATUS_FIELDS)[number], string>>;

const hasKey = (key: string): key is MessageKey => (messages.keys as string[]).includes(key);

function startPage(context: PublicContext): string {
  const { t } = context;
  return publicPage(context, t('start.title'), html`
<h1>${t('start.title')}</h1>
<p>${t('start.intro')}</p>
<h2 id="choose">${t('start.choose')}</h2>
<ul class="types" aria-labelledby="choose">
${INCIDENT_TYPES.map((type) => html`<li><a href="${START_PAGE}/${type}" aria-describedby="hint-${type}">${t(`type.${type}`)}</a> <span class="hint" id="hint-${type}">${t(`type.${type}.hint`)}</span></li>`)}
<li class="child"><a href="${CHILD_PATH}" aria-describedby="hint-child">${t('start.child')}</a> <span class="hint" id="hint-child">${t('start.child.hint')}</span></li>
</ul>
<p>${t('start.help')} <a href="${helpPath('disabilities', 'someone')}">${t('start.help.link')}</a></p>
<h2>${t('start.follow')}</h2>
<p><a href="${STATUS_PAGE}">${t('start.status')}</a></p>
<p><a href="${DRAFT_PAGE}">${t('start.draft')}</a></p>`);
}

function reportPage(context: PublicContext, type: IncidentType, form: FormState<ReportValues>, notice?: MessageKey): string {
  const { t } = context;
  const title = t('form.title', { type: t(`type.${type}`) });
  const at = (spec: FieldSpec) => field(context, form, spec);
  const identifier = (kind: IdentifierKind) => {
    const hint = `ident.${kind}.hint`;
    return at({ name: kind, label: `ident.${kind}`, hint: hasKey(hint) ? hint : undefined, control: textarea(2, html`dir="auto" spellcheck="false" autocapitalize="none"`) });
  };
  return publicPage(context, title, html`
<h1>${title}</h1>
<p>${t(`type.${type}.hint`)}</p>
<p>${t('form.intro')}</p>
${notice ? html`<p class="notice" role="status">${t(notice)}</p>` : ''}
${formError(form.error)}
${errorSummary(context, form.issues)}
<form class="report" method="post" action="${START_PAGE}/${type}" enctype="multipart/form-data" novalidate>
${sessionToken(context)}
${form.values.draft ? html`<input type="hidden" name="draft" value="${form.values.draft}">` : ''}
${at({ name: 'what', label: 'field.what', hint: 'field.what.hint', required: true, control: textarea(6) })}
${at({ name: 'when', label: 'field.when', hint: 'field.when.hint', control: input(html`type="date" max="${new Date().toISOString().slice(0, 10)}" dir="ltr"`) })}
${asksMoney(type) ? html`<div class="money">
${at({ name: 'amount', label: 'field.amount', hint: 'field.amount.hint', control: input(html`inputmode="decimal" autocomplete="off" dir="ltr"`) })}
${at({ name: 'currency', label: 'field.currency', hint: 'field.currency.hint', control: input(html`maxlength="3" autocomplete="off" autocapitalize="characters" spellcheck="false" dir="ltr" class="short"`) })}
</div>` : ''}
${choiceGroup(context, form, { name: 'channel', legend: 'field.channel', options: CONTACT_CHANNELS.map((option) => [option, `channel.${option}`]) })}
<fieldset>
<legend>${t('idents.legend')}</legend>
<p class="hint">${t('idents.hint')}</p>
${IDENTIFIER_KINDS.map(identifier)}
</fieldset>
${honeypot(context)}
<fieldset>
<legend>${t('contact.legend')}</legend>
<p class="hint">${t('contact.hint')}</p>
${at({ name: 'contactName', label: 'contact.name', control: input(html`autocomplete="name"`) })}
${at({ name: 'contactEmail', label: 'contact.email', control: input(html`type="email" autocomplete="email" dir="ltr"`) })}
${at({ name: 'contactPhone', label: 'contact.phone', control: input(html`type="tel" autocomplete="tel" dir="ltr"`) })}
</fieldset>
${fileField(context, form)}
<p>${t('form.privacy')} <a href="${PRIVACY_PAGE}">${t('form.privacy.link')}</a></p>
<div class="actions"><button type="submit" name="action" value="send">${t('form.submit')}</button>
<button type="submit" name="action" value="draft" class="secondary" aria-describedby="draft-hint">${t('form.draft')}</button></div>
<p class="hint" id="draft-hint">${t('form.draft.hint', { days: DRAFT_DAYS })}</p>
</form>`);
}

function guidance({ t }: PublicContext, type: IncidentType): SafeHtml {
  return html`<h2>${t('guide.heading')}</h2>
<ol class="steps">${guidanceFor(type).map((step) => html`<li>${t(step.text)}${step.link ? html` <a href="${step.link.href}">${t(step.link.label)}</a>` : ''}</li>`)}</ol>`;
}

function receiptPage(context: PublicContext, type: IncidentType, receipt: { reference: string; accessCode: string }, anonymous: boolean): string {
  const { t } = context;
  return publicPage(context, t('done.title'), html`
<h1>${t('done.title')}</h1>
<dl class="codes">
<div><dt>${t('done.reference')}</dt><dd>${code(receipt.reference)}</dd></div>
<div><dt>${t('done.code')}</dt><dd>${code(receipt.accessCode)}</dd></div>
</dl>
<p class="notice">${t('done.keep')}</p>
<p>${t(anonymous ? 'done.anonymous' : 'done.contact')}</p>
${guidance(context, type)}
<p><a href="${STATUS_PAGE}">${t('done.follow')}</a></p>`);
}

function childPage(context: PublicContext, hotline: string): string {
  const { t } = context;
  return publicPage(context, t('child.title'), html`
<h1>${t('child.title')}</h1>
<p class="error">${t('child.danger')}</p>
<p><strong>${t('child.never')}</strong></p>
<p>${t('child.hotline')}</p>
<p><a href="${hotline}">${t('child.hotline.link')}</a></p>
<p>${t('child.young')} <a href="${TAKE_IT_DOWN}">${t('child.young.link')}</a></p>`);
}

function lookupPage(context: PublicContext, form: FormState<StatusValues>): string {
  const { t } = context;
  const at = (spec: FieldSpec) => field(context, form, spec);
  return publicPage(context, t('status.title'), html`
<h1>${t('status.title')}</h1>
<p>${t('status.intro')}</p>
${formError(form.error)}
${errorSummary(context, form.issues)}
<form class="stack" method="post" action="${STATUS_PAGE}" novalidate>
${sessionToken(context)}
${at({ name: 'reference', label: 'field.reference', hint: 'field.reference.hint', required: true, control: input(verbatim) })}
${at({ name: 'accessCode', label: 'field.code', hint: 'field.code.hint', required: true, control: input(verbatim) })}
<div><button type="submit">${t('status.submit')}</button></div>
</form>
<p>${t('status.lost')}</p>`);
}

interface StatusExtras {
  notice?: MessageKey;
  error?: MessageKey;
  issues?: readonly Issue<string>[];
  addition?: string;
}

function statusPage(context: PublicContext, view: ReporterView, credentials: Credentials, extras: StatusExtras = {}): string {
  const { t, locale } = context;
  const issues = extras.issues ?? [];
  const form: FormState<StatusValues> = { values: { addition: extras.addition }, issues };
  // No session: each form carries the reference and the code, and the page is never stored.
  const hidden = html`${sessionToken(context)}<input type="hidden" name="reference" value="${credentials.reference}"><input type="hidden" name="accessCode" value="${credentials.accessCode}">`;
  const said = view.entries.filter((entry) => entry.body !== null);
  const confirmError = issues.find((issue) => issue.field === 'confirm');
  const title = t('status.heading', { reference: view.reference });
  return publicPage(context, title, html`
<h1>${title}</h1>
${extras.notice ? html`<p class="notice" role="status">${t(extras.notice)}</p>` : ''}
${extras.error ? html`<p class="error" role="alert">${t(extras.error)}</p>` : ''}
${errorSummary(context, issues)}
<dl class="facts">
<div><dt>${t('status.current')}</dt><dd><strong>${t(`state.${view.status}`)}</strong></dd></div>
<div><dt>${t('status.type')}</dt><dd>${t(`type.${view.type}`)}</dd></div>
<div><dt>${t('status.sent')}</dt><dd>${new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(view.submittedAt)}</dd></div>
</dl>
<h2>${t('status.messages')}</h2>
${said.length === 0 ? html`<p>${t('status.noMessages')}</p>` : html`<ol class="entries">${said.map((entry) => html`<li>
<p class="meta">${t(entry.author === 'staff' ? 'status.fromStaff' : 'status.fromYou', { at: entry.at })}</p>
<p class="body">${entry.body}</p></li>`)}</ol>`}
${view.status === 'closed' || view.status === 'withdrawn' ? '' : html`
<h2 id="add-heading">${t('status.add.heading')}</h2>
<form class="stack wide-form" method="post" action="${STATUS_PAGE}/add" enctype="multipart/form-data" aria-labelledby="add-heading" novalidate>
${hidden}
${field(context, form, { name: 'addition', label: 'status.add.label', control: textarea(5) })}
${fileField(context, form)}
<div><button type="submit">${t('status.add.submit')}</button></div>
</form>`}
${view.status === 'withdrawn' ? '' : html`
<h2 id="withdraw-heading">${t('status.withdraw.heading')}</h2>
<p id="withdraw-intro">${t('status.withdraw.intro')}</p>
<form class="stack" method="post" action="${STATUS_PAGE}/withdraw" aria-labelledby="withdraw-heading" novalidate>
${hidden}
${confirmError ? html`<p class="field-error" id="${fieldId('confirm')}-error">${t(confirmError.message)}</p>` : ''}
<div class="choice"><input type="checkbox" id="${fieldId('confirm')}" name="confirm" value="yes" required aria-describedby="withdraw-intro${confirmError ? ` ${fieldId('confirm')}-error` : ''}" ${confirmError ? html`aria-invalid="true"` : ''}><label for="${fieldId('confirm')}">${t('status.withdraw.confirm')}</label></div>
<div><button type="submit" class="secondary">${t('status.withdraw.submit')}</button></div>
</form>`}`);
}

/** A period in days as people say it: years, or months, or days. */
function period({ t }: PublicContext, days: number): string {
  if (days % 365 === 0) return t('privacy.keep.years', { count: days / 365 });
  if (days % 30 === 0) return t('privacy.keep.months', { count: days / 30 });
  return t('privacy.keep.days', { count: days });
}

/** Where the public asks about their data, as the node's configuration gives it. */
function contactLink(contact: string): SafeHtml {
  const href = contact.startsWith('https://') ? contact : `mailto:${contact}`;
  return html`<a href="${href}" dir="ltr">${contact}</a>`;
}

/** The privacy notice: what is collected, why, who sees it, how long it is kept (the node's periods), the reader's rights, whom to ask. */
function privacyPage(context: PublicContext, retention: RetentionPolicy, contact: string | undefined): string {
  const { t } = context;
  return publicPage(context, t('privacy.title'), html`
<h1>${t('privacy.title')}</h1>
<p>${t('privacy.intro')}</p>
<h2>${t('privacy.collect.heading')}</h2>
<ul class="notice-list">
<li>${t('privacy.collect.report')}</li>
<li>${t('privacy.collect.contact')}</li>
<li>${t('privacy.collect.code')}</li>
<li>${t('privacy.collect.technical')}</li>
</ul>
<h2>${t('privacy.why.heading')}</h2>
<p>${t('privacy.why')}</p>
<h2>${t('privacy.who.heading')}</h2>
<ul class="notice-list">
<li>${t('privacy.who.staff')}</li>
<li>${t('privacy.who.links')}</li>
<li>${t('privacy.who.investigation')}</li>
</ul>
<h2 id="keep-heading">${t('privacy.keep.heading')}</h2>
<p>${t('privacy.keep.intro')}</p>
<table class="retention" aria-labelledby="keep-heading">
<thead><tr><th scope="col">${t('privacy.keep.type')}</th><th scope="col">${t('privacy.keep.period')}</th></tr></thead>
<tbody>${INCIDENT_TYPES.map((type) => html`<tr><th scope="row">${t(`type.${type}`)}</th><td>${period(context, retention[type])}</td></tr>`)}</tbody>
</table>
<p>${t('privacy.keep.withdrawn')}</p>
<p>${t('privacy.keep.audit')}</p>
<h2>${t('privacy.rights.heading')}</h2>
<p>${t('privacy.rights.report')} <a href="${STATUS_PAGE}">${t('privacy.rights.link')}</a></p>
<p>${t('privacy.rights.law')}</p>
<h2>${t('privacy.contact.heading')}</h2>
<p>${contact ? html`${t('privacy.contact.given')} ${contactLink(contact)}` : t('privacy.contact.none')}</p>`);
}

const ERROR_PAGES: Partial<Record<number, MessageKey>> = { 404: 'error.404', 413: 'error.413', 429: 'error.429' };

/** Errors on the portal's pages, in the portal's frame: a reader sent to the staff's sign-in page would be lost. */
export function renderPublicErrorPage(request: FastifyRequest, status: number): string {
  const context = publicContext(request, START_PAGE);
  const { t } = context;
  return publicPage(context, t('error.title'), html`
<h1>${t('error.title')}</h1>
<p role="alert">${t(ERROR_PAGES[status] ?? (status >= 500 ? 'error.500' : 'error.400'))}</p>
<p><a href="${START_PAGE}">${t('error.back')}</a></p>`);
}

const PUBLIC_SECTIONS = [START_PAGE, PRIVACY_PAGE, HELP_PAGE, ADVISORIES_PAGE, PRACTICES_PAGE, VERIFY_PAGE, OBSERVATORY_PAGE];

export function isPublicPage(url: string): boolean {
  const path = url.split('?')[0]!;
  return PUBLIC_SECTIONS.some((section) => path === section || path.startsWith(`${section}/`));
}

/** The reporter's answers as the intake takes them; a choice that is not on the form is no choice. */
function reportInput(type: IncidentType, values: ReportValues, context: PublicContext) {
  const channel = CONTACT_CHANNELS.find((option) => option === values.channel);
  return {
    type, whatHappened: values.what ?? '', occurredOn: values.when, amountLost: values.amount, currency: values.currency, contactChannel: channel,
    identifiers: identifiersFromLines(values), contact: { name: values.contactName, email: values.contactEmail, phone: values.contactPhone }, locale: context.locale,
  };
}

export interface PortalOptions {
  /** Where the public is sent to report child sexual abuse material. */
  childHotline: string;
  /** How the identifiers a reporter gives are read (the region of national phone numbers). */
  intake?: IdentifierOptions | undefined;
  /** The periods the privacy notice tells. */
  retention: RetentionPolicy;
  /** Whom the public asks about their data, if the node names someone. */
  privacyContact?: string | undefined;
  /** Where the files sent with reports are kept, encrypted. */
  store: BlobStore;
}

export function preventionPages(app: HttpServer, db: Database, limiter: SubmissionLimiter, options: PortalOptions): void {
  const { childHotline, intake = {}, retention, privacyContact, store } = options;
  const config = { access: PUBLIC, page: true };
  const posted = { config, onRequest: refuseCrossSite };
  const send = (reply: FastifyReply, status: number, page: string) => reply.code(status).type(HTML).send(page);
  // What only the reporter may see is never kept by a browser or a proxy.
  const sendPrivate = (reply: FastifyReply, status: number, page: string) => send(reply.header('cache-control', 'no-store'), status, page);


  app.get('/assets/report.css', { config: { access: PUBLIC }, schema: { hide: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  app.get(START_PAGE, { config, schema: { hide: true } }, (request, reply) => send(reply, 200, startPage(publicContext(request))));

  app.get(CHILD_PATH, { config, schema: { hide: true } }, (request, reply) => send(reply, 200, childPage(publicContext(request), childHotline)));

  app.get(STATUS_PAGE, { config, schema: { hide: true } }, (request, reply) => send(reply, 200, lookupPage(publicContext(request), { values: {}, issues: [] })));

  app.get(PRIVACY_PAGE, { config, schema: { hide: true } }, (request, reply) => send(reply, 200, privacyPage(publicContext(request), retention, privacyContact)));

  /** Runs a reporter's act; a reference or code that does not open the report sends them back to the lookup form, told why. */
  async function asReporter(request: FastifyRequest, reply: FastifyReply, act: (context: PublicContext, credentials: Credentials) => Promise<string>) {
    const context = publicContext(request, STATUS_PAGE);
    const values = request.body as StatusValues;
    const credentials = { reference: values.reference ?? '', accessCode: values.accessCode ?? '' };
    const lookup = (status: number, form: Omit<FormState<StatusValues>, 'values'>) => sendPrivate(reply, status, lookupPage(context, { values: credentials, ...form }));
    try {
      const page = await act(context, credentials);
      // A refused addition or withdrawal is shown on the report's page, with the status the act set (400, 409).
      return sendPrivate(reply, reply.statusCode, page);
    } catch (error) {
      if (error instanceof InvalidInput && error.issues.some((issue) => issue.field === 'reference' || issue.field === 'accessCode')) {
        return lookup(400, { issues: error.issues });
      }
      if (isProblem(error, 403)) return lookup(403, { issues: [], error: context.t('error.access') });
      if (isProblem(error, 429)) {
        const seconds = Number((error as HttpProblem).extra.retryAfter);
        reply.header('retry-after', String(seconds));
        return lookup(429, { issues: [], error: context.t('error.locked', { seconds }) });
      }
      throw error;
    }
  }

  app.post(STATUS_PAGE, { ...posted, schema: { hide: true, body: formSchema(STATUS_FIELDS) } }, (request, reply) =>
    asReporter(request, reply, async (context, credentials) => statusPage(context, await followReport(db, credentials, request.id), credentials)),
  );

  app.post(`${STATUS_PAGE}/withdraw`, { ...posted, schema: { hide: true, body: formSchema(STATUS_FIELDS) } }, (request, reply) =>
    asReporter(request, reply, async (context, credentials) => {
      if ((request.body as StatusValues).confirm !== 'yes') {
        const view = await followReport(db, credentials, request.id);
        reply.code(400);
        return statusPage(context, view, credentials, { issues: [{ field: 'confirm', pointer: '/confirm', message: 'error.withdraw.confirm' }] });
      }
      return statusPage(context, await withdrawReport(db, credentials, request.id), credentials, { notice: 'status.withdrawn' });
    }),
  );

  const typeOf = (typed: string): IncidentType => {
    if (!isIncidentType(typed)) throw new HttpProblem(404, 'not-found', `no incident type ${typed}`);
    return typed;
  };

  app.get(`${START_PAGE}/:type`, { config, schema: { hide: true, params: Type.Object({ type: Type.String({ maxLength: 40 }) }) } }, (request, reply) =>
    send(reply, 200, reportPage(publicContext(request), typeOf(request.params.type), { values: {}, issues: [] })),
  );

  /** The files a form carried, checked: all taken, or the reason none is. */
  const checkedFiles = (request: FastifyRequest) => {
    const received = filesOf(request);
    return 'refused' in received ? received : checkFiles(received.files);
  };

  /** Seals the files, then runs what keeps them; if that fails, the sealed copies are removed: nothing is kept of a refused post. */
  async function withSealed<T>(files: readonly CheckedFile[], keep: (sealed: Attachment[]) => Promise<T>): Promise<T> {
    const sealed = await sealFiles(store, files);
    try {
      return await keep(sealed);
    } catch (error) {
      await discardSealed(store, sealed);
      throw error;
    }
  }

  app.get(DRAFT_PAGE, { config, schema: { hide: true } }, (request, reply) => send(reply, 200, draftLookupPage(publicContext(request), { values: {}, issues: [] })));

  app.post(DRAFT_PAGE, { ...posted, schema: { hide: true, body: formSchema(DRAFT_FIELDS) } }, async (request, reply) => {
    const context = publicContext(request, DRAFT_PAGE);
    const values = request.body as DraftValues;
    const typed = values.draftCode ?? '';
    const parsed = parseDraftCode(typed);
    const again = (status: number, form: Omit<FormState<DraftValues>, 'values'>) => sendPrivate(reply, status, draftLookupPage(context, { values, ...form }));
    if (!parsed.ok) return again(400, { issues: [{ field: 'draftCode', pointer: '/draftCode', message: typed.trim() === '' ? 'draft.code.missing' : `draft.code.${parsed.reason}` }] });
    const opened = await openDraft(db, typed, request.id);
    if ('missing' in opened) return again(opened.missing === 'expired' ? 410 : 404, { issues: [], error: context.t(`draft.${opened.missing}`, { days: DRAFT_DAYS }) });
    const { type, answers } = opened.found;
    return sendPrivate(reply, 200, reportPage(publicContext(request, `${START_PAGE}/${type}`), type, { values: { ...answers, draft: typed }, issues: [] }, 'draft.resumed'));
  });

  void app.register(async (scope: HttpServer) => {
    // A report's path that is no incident type, among them that of child sexual abuse material, takes no file: refused before a byte is read.
    await takingFiles(scope, (request) => {
      const { type } = request.params as { type?: string };
      if (type !== undefined) typeOf(type);
    });

    scope.post(`${STATUS_PAGE}/add`, { ...posted, schema: { hide: true, body: formSchema(STATUS_FIELDS) } }, (request, reply) =>
      asReporter(request, reply, async (context, credentials) => {
        const addition = (request.body as StatusValues).addition ?? '';
        // The code is checked before any file is stored; a report found finished removes the files stored for it.
        const view = await followReport(db, credentials, request.id);
        const files = checkedFiles(request);
        if ('refused' in files) {
          reply.code(400);
          return statusPage(context, view, credentials, { issues: [fileIssue(files.refused)], addition });
        }
        // Files fill the node's store: adding them counts against the same limit as sending reports.
        if (files.files.length > 0 && !maySubmit(limiter, request, reply)) {
          reply.code(429);
          return statusPage(context, view, credentials, { error: 'error.busy', addition });
        }
        try {
          const added = await withSealed(files.files, (sealed) => addToReport(db, credentials, addition, request.id, sealed));
          if (files.files.length > 0) limiter.record(request.ip);
          return statusPage(context, added, credentials, { notice: 'status.added' });
        } catch (error) {
          const refused = error instanceof InvalidInput ? { issues: error.issues, addition } : isProblem(error, 409) ? { error: 'error.finished' as const } : undefined;
          if (!refused) throw error;
          reply.code(error instanceof InvalidInput ? 400 : 409);
          return statusPage(context, await followReport(db, credentials, request.id), credentials, refused);
        }
      }),
    );

    scope.post(`${START_PAGE}/:type`, {
      ...posted,
      // For a form without files; a multipart form is bounded by the limits of its parts.
      bodyLimit: 256 * 1024,
      schema: { hide: true, params: Type.Object({ type: Type.String({ maxLength: 40 }) }), body: formSchema(REPORT_FIELDS) },
    }, async (request, reply) => {
      const type = typeOf(request.params.type);
      const context = publicContext(request);
      const values = request.body as ReportValues;
      const files = checkedFiles(request);
      const again = (status: number, form: Omit<FormState<ReportValues>, 'values'>) => send(reply, status, reportPage(context, type, { values, ...form }));
      if (values.action === 'draft') {
        // Saved as typed, checked when sent; files are not kept with a draft.
        if (!maySubmit(limiter, request, reply)) return again(429, { issues: [], error: context.t('error.busy') });
        const answers = Object.fromEntries(ANSWER_FIELDS.flatMap((name) => (values[name] ? [[name, values[name]]] : [])));
        const saved = filledHoneypot(request, values[HONEYPOT_FIELD], 'a draft')
          ? { code: newDraftCode(), expiresAt: draftExpiry() }
          : await saveDraft(db, { code: values.draft, type, locale: context.locale, answers }, request.id);
        limiter.record(request.ip);
        return sendPrivate(reply, 201, draftSavedPage(context, saved.code, saved.expiresAt));
      }
      const checked = checkReport(reportInput(type, values, context), intake);
      const issues = [...checked.issues, ...('refused' in files ? [fileIssue(files.refused)] : [])];
      if (!checked.report || !('files' in files) || issues.length > 0) return again(400, { issues });
      if (!maySubmit(limiter, request, reply)) return again(429, { issues: [], error: context.t('error.busy') });
      const report = checked.report;
      const receipt = filledHoneypot(request, values[HONEYPOT_FIELD], 'a report')
        ? { reference: newReference(), accessCode: newAccessCode() }
        : await withSealed(files.files, (sealed) => submitReport(db, report, request.id, { files: sealed, draft: values.draft }));
      limiter.record(request.ip);
      const anonymous = Object.values(report.contact).every((value) => value === null);
      return sendPrivate(reply, 201, receiptPage(context, type, receipt, anonymous));
    });
  });
}
