/**
 * The 24/7 desk's pages: the open alerts, emergencies first, each acknowledged with a button; who is
 * on call, and a form to go on or off call; and the code the desk reads out on the telephone to a
 * provider confirming an emergency request, shown on a page of its own after a deliberate step, so
 * that each reading is recorded and the code never sits on the request's page.
 */
import { Type } from 'typebox';
import type { NodeIdentity } from '../console/layout.ts';
import type { Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { type AlertRow, acknowledgeAlert, onCallNow, openAlerts, setOnCall } from './alerts.ts';
import { DESK, mayVouchFor, readConfirmationCode } from './desk-routes.ts';
import {
  HTML, LIST_PAGE, type RequestsContext, csrf, due, kindLabel, requestPath, requestsContext, requestsPage, shortId, stateLabel, when, whenText,
} from './page-common.ts';
import { actorOf } from './routes.ts';
import { REQUESTS_PURPOSE, type Requests } from './service.ts';
import type { RequestRow } from './store.ts';
import { kindOf } from './kinds.ts';

export const ALERTS_PAGE = `${LIST_PAGE}/alerts`;
const ON_CALL_PATH = `${LIST_PAGE}/on-call`;
/** The shifts one can go on call for, in hours: up to the week the API allows. */
const SHIFTS = ['8', '12', '24', '48', '72', '168'] as const;

const config = { access: { roles: DESK, purpose: REQUESTS_PURPOSE }, page: true };
const AlertParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const RequestParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const AlertsQuery = Type.Object({ done: Type.Optional(StringEnum(['acknowledged', 'on-call', 'off-call'] as const)) }, { additionalProperties: false });
/** What the on-call form posts: a shift, or leaving; anything else is told as a mistake in the form. */
const OnCallBody = Type.Object({ hours: Type.Optional(Type.String({ maxLength: 10 })), leave: Type.Optional(Type.String({ maxLength: 10 })) });

/** Whether the reader is of the desk: the alerts link on the requests' list is for them. */
export const isDesk = (roles: readonly Role[]) => roles.some((role) => DESK.includes(role));

const ALERT_WORDS = { emergency: 'alert.emergency', confirmation: 'alert.confirmation', overdue: 'alert.overdue' } as const;

function alertsPage(context: RequestsContext, alerts: AlertRow[], onCall: { username: string; until: Date }[], done: string | undefined, mistake: boolean): string {
  const { t, locale } = context;
  const inHours = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  const notice = done === 'acknowledged' ? t('alerts.acknowledged')
    : done === 'on-call' && onCall.length > 0 ? t('onCall.taken', { until: whenText(context, onCall[0]!.until) })
      : done === 'off-call' ? t('onCall.left') : undefined;
  const me = context.console.request.principal?.username;
  const mine = onCall.find((officer) => officer.username === me);
  return requestsPage(context, t('alerts.title'), html`
<p><a href="${LIST_PAGE}">${t('back.list')}</a></p>
<h1>${t('alerts.title')}</h1>
<p>${t('alerts.intro')}</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${alerts.length === 0 ? html`<p id="alerts-none">${t('alerts.none')}</p>` : html`
<div class="wide" role="region" aria-labelledby="alerts-caption" tabindex="0">
<table class="alerts">
<caption id="alerts-caption">${t('alerts.caption', { count: alerts.length })}</caption>
<thead><tr>
  <th scope="col">${t('list.request')}</th><th scope="col">${t('alerts.reason')}</th><th scope="col">${t('fact.kind')}</th><th scope="col">${t('fact.state')}</th>
  <th scope="col">${t('fact.due')}</th><th scope="col">${t('alerts.raised')}</th><th scope="col">${t('alerts.paged')}</th><th scope="col"><span class="visually-hidden">${t('alerts.acknowledge')}</span></th>
</tr></thead>
<tbody>${alerts.map((alert) => html`
<tr id="alert-${alert.id}" ${alert.reason === 'emergency' ? html`class="urgent"` : ''}>
  <th scope="row"><a href="${requestPath(alert.request_id)}"><code dir="ltr">${shortId(alert.request_id)}</code></a></th>
  <td>${alert.reason === 'emergency' ? html`<strong>${t(ALERT_WORDS[alert.reason])}</strong>` : t(ALERT_WORDS[alert.reason])}</td>
  <td>${kindLabel(context, alert.kind)}</td><td>${stateLabel(context, alert.state, alert.kind)}</td>
  <td>${due(context, { kind: alert.kind, state: alert.state, due_at: alert.request_due_at })}</td>
  <td>${when(context, alert.raised_at)}</td>
  <td>${alert.paged_name ? html`<bdi>${alert.paged_name}</bdi>` : t('alerts.nobody')}</td>
  <td><form method="post" action="${ALERTS_PAGE}/${alert.id}/acknowledge">${csrf(context)}
    <button type="submit" aria-label="${t('alerts.acknowledge.label', { request: shortId(alert.request_id) })}">${t('alerts.acknowledge')}</button></form></td>
</tr>`)}</tbody>
</table>
</div>`}
<h2 id="on-call-heading">${t('onCall.heading')}</h2>
${onCall.length === 0 ? html`<p id="on-call-none">${t('onCall.none')}</p>`
    : html`<ul id="on-call">${onCall.map((officer) => html`<li>${t('onCall.who', { name: officer.username, until: whenText(context, officer.until) })}</li>`)}</ul>`}
<form class="filters" method="post" action="${ON_CALL_PATH}" aria-labelledby="on-call-heading" novalidate>
${csrf(context)}
${mistake ? html`<p class="error" role="alert" id="hours-error">${t('error.on-call-until')}</p>` : ''}
<div><label for="hours">${t('onCall.until')}</label>
<span class="hint" id="hours-hint">${t('onCall.until.hint')}</span>
<select id="hours" name="hours" aria-describedby="hours-hint${mistake ? ' hours-error' : ''}" ${mistake ? html`aria-invalid="true"` : ''}>
  ${SHIFTS.map((hours) => html`<option value="${hours}" ${hours === '12' ? html`selected` : ''}>${inHours.format(Number(hours), 'hour')}</option>`)}
</select></div>
<div><button type="submit" id="go-on-call">${t('onCall.take')}</button></div>
${mine ? html`<div><button type="submit" name="leave" value="true" id="go-off-call">${t('onCall.leave')}</button></div>` : ''}
</form>`, true);
}

function codePage(context: RequestsContext, id: string, executor: string, code: string): string {
  const { t } = context;
  return requestsPage(context, t('confirmation.heading'), html`
<p><a href="${requestPath(id)}">${t('back.request')}</a></p>
<h1>${t('confirmation.heading')}</h1>
<p>${t('confirmation.intro', { node: executor })}</p>
<dl class="facts"><div><dt>${t('confirmation.code')}</dt><dd><code dir="ltr" class="confirmation-code" id="confirmation-code">${code}</code></dd></div></dl>
<p class="hint">${t('confirmation.read.hint')}</p>`);
}

/** The part of a request's page that leads the desk to the code: a button, not the code itself. */
export function confirmationSection(context: RequestsContext, id: string, executor: string): SafeHtml {
  const { t } = context;
  return html`
<h2 id="confirmation-heading">${t('confirmation.heading')}</h2>
<p>${t('confirmation.intro', { node: executor })}</p>
<form method="post" action="${requestPath(id)}/confirmation-code" aria-labelledby="confirmation-heading">
${csrf(context)}
<p class="hint" id="read-code-hint">${t('confirmation.read.hint')}</p>
<button type="submit" id="read-code" aria-describedby="read-code-hint">${t('confirmation.read')}</button>
</form>`;
}

export function deskPages(app: HttpServer, db: Database, requests: Requests, node: NodeIdentity): void {
  async function showAlerts(request: Parameters<typeof requestsContext>[0], done: string | undefined, mistake = false): Promise<string> {
    const [alerts, onCall] = await Promise.all([openAlerts(db), onCallNow(db)]);
    return alertsPage(requestsContext(request, node), alerts, onCall, done, mistake);
  }

  app.get(ALERTS_PAGE, { config, schema: { hide: true, querystring: AlertsQuery } }, async (request, reply) =>
    reply.type(HTML).send(await showAlerts(request, request.query.done)));

  app.post(`${ALERTS_PAGE}/:id/acknowledge`, { config, schema: { hide: true, params: AlertParams } }, async (request, reply) => {
    await db.transaction((tx) => acknowledgeAlert(tx, request.params.id, request.actor.name));
    return reply.redirect(`${ALERTS_PAGE}?done=acknowledged`, 303);
  });

  app.post(ON_CALL_PATH, { config, schema: { hide: true, body: OnCallBody } }, async (request, reply) => {
    const userId = request.principal!.userId;
    if (request.body.leave === 'true') {
      await db.transaction((tx) => setOnCall(tx, userId, null));
      return reply.redirect(`${ALERTS_PAGE}?done=off-call`, 303);
    }
    const hours = request.body.hours ?? '';
    if (!(SHIFTS as readonly string[]).includes(hours)) return reply.code(400).type(HTML).send(await showAlerts(request, undefined, true));
    await db.transaction((tx) => setOnCall(tx, userId, new Date(Date.now() + Number(hours) * 3_600_000)));
    return reply.redirect(`${ALERTS_PAGE}?done=on-call`, 303);
  });

  app.post(`${LIST_PAGE}/:id/confirmation-code`, { config, schema: { hide: true, params: RequestParams } }, async (request, reply) => {
    const { code, row } = await readConfirmationCode(db, requests, actorOf(request), request.params.id);
    return reply.type(HTML).header('cache-control', 'no-store').send(codePage(requestsContext(request, node), row.id, row.executor, code));
  });
}

/** Whether the reader may be shown the way to the code: the desk of the requesting node, neither its drafter nor its approver, while the provider may still call. */
export function mayReadCode(row: Pick<RequestRow, 'kind' | 'side' | 'state' | 'created_by' | 'approval'>, roles: readonly Role[], name: string): boolean {
  const kind = kindOf(row.kind);
  const confirmable = kind?.machine.transitions.find((transition) => transition.action === 'confirm-origin')?.from ?? [];
  return kind?.confirmation === true && row.side === 'requester' && confirmable.includes(row.state)
    && roles.includes('contact_point') && mayVouchFor(row, name);
}

