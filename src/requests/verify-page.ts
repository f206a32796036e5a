/**
 * The public page where whoever holds a request said to come from this node (a provider that got
 * it by e-mail, a court) checks that the node sent it and that it has not changed since: its
 * reference and digest in, "genuine" or "not confirmed" out, with the node's signed answer to keep.
 * The same check as `POST /api/v1/verify`, in the portal's frame, without script.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Federation } from '../federation/service.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { VERIFY_PAGE, publicContext, publicPage, sessionToken } from '../prevention/layout.ts';
import type { Database } from '../platform/db/database.ts';
import { HTML, type RequestsContext, kindLabel, requestsContext, stateName, whenText } from './page-common.ts';
import { type Verification, verifyRequest } from './verify.ts';

const REFERENCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DIGEST = /^[0-9a-f]{64}$/;

/** Any form: what is wrong in it is told on the page, in the reader's language, never as a bare error. */
const VerifyBody = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 10 });

interface Typed {
  reference: string;
  digest: string;
}

interface Answer {
  verification: Verification;
  signed: string;
}

function verifyPage(request: FastifyRequest, context: RequestsContext, typed: Typed, problems: Partial<Record<keyof Typed, string>>, answer: Answer | undefined): string {
  const { t } = context;
  const frame = publicContext(request, VERIFY_PAGE);
  const field = (name: keyof Typed, label: string, hint: string, attributes: SafeHtml) => html`
<div class="field"><label for="${name}">${label}</label>
<span class="hint" id="${name}-hint">${hint}</span>
${problems[name] ? html`<p class="error" id="${name}-error">${problems[name]}</p>` : ''}
<input id="${name}" name="${name}" value="${typed[name]}" dir="ltr" autocomplete="off" spellcheck="false" required ${attributes}
  aria-describedby="${name}-hint${problems[name] ? ` ${name}-error` : ''}" ${problems[name] ? html`aria-invalid="true"` : ''}></div>`;
  const wrong = Object.values(problems).filter(Boolean);
  return publicPage(frame, t('verify.title'), html`
<h1>${t('verify.title')}</h1>
<p>${t('verify.intro', { name: stateName(context, context.console.node.state) })}</p>
${wrong.length > 0 ? html`<div class="error" role="alert" id="verify-errors"><ul>${wrong.map((message) => html`<li>${message}</li>`)}</ul></div>` : ''}
${answer ? result(context, answer) : ''}
<form method="post" action="${VERIFY_PAGE}" class="stack" novalidate>
${sessionToken(frame)}
${field('reference', t('verify.reference'), t('verify.reference.hint'), html`maxlength="36"`)}
${field('digest', t('verify.digest'), t('verify.digest.hint'), html`maxlength="64"`)}
<div><button type="submit">${t('verify.submit')}</button></div>
</form>`);
}

function result(context: RequestsContext, { verification, signed }: Answer): SafeHtml {
  const { t } = context;
  if (!verification.genuine) {
    return html`<div class="error" role="status" id="verify-result"><p><strong>${t('verify.notGenuine', { state: stateName(context, verification.state ?? '') })}</strong></p></div>`;
  }
  return html`<div class="notice" role="status" id="verify-result">
<p><strong>${t('verify.genuine', { kind: kindLabel(context, verification.kind ?? ''), date: verification.sentAt ? whenText(context, new Date(verification.sentAt)) : '' })}</strong></p>
${verification.approved ? html`<p>${t('verify.approved')}</p>` : ''}
<p>${verification.inForce ? t('verify.inForce') : html`<strong>${t('verify.notInForce')}</strong>`}</p>
<div class="field"><label for="signed">${t('verify.signed')}</label>
<textarea id="signed" readonly rows="4" dir="ltr" spellcheck="false">${signed}</textarea></div>
</div>`;
}

const textOf = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase().slice(0, 200) : '');

export function verifyPages(app: HttpServer, db: Database, federation: Federation): void {
  const node = { nodeId: federation.config.nodeId, state: federation.config.state };
  const blank: Typed = { reference: '', digest: '' };

  app.get(VERIFY_PAGE, { config: { access: PUBLIC }, schema: { hide: true } }, async (request, reply) =>
    reply.type(HTML).send(verifyPage(request, requestsContext(request, node), blank, {}, undefined)));

  app.post(VERIFY_PAGE, { config: { access: PUBLIC }, schema: { hide: true, body: VerifyBody } }, async (request, reply) => {
    const context = requestsContext(request, node);
    const typed: Typed = { reference: textOf(request.body.reference), digest: textOf(request.body.digest) };
    const problems: Partial<Record<keyof Typed, string>> = {};
    if (!REFERENCE.test(typed.reference)) problems.reference = context.t('verify.error.reference');
    if (!DIGEST.test(typed.digest)) problems.digest = context.t('verify.error.digest');
    if (Object.keys(problems).length > 0) return reply.code(400).type(HTML).send(verifyPage(request, context, typed, problems, undefined));
    const answer = await verifyRequest(db, federation, typed.reference, typed.digest);
    return reply.type(HTML).header('cache-control', 'no-store').send(verifyPage(request, context, typed, {}, answer));
  });
}
