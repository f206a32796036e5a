import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { CSRF_FIELD, SESSION_COOKIE } from '../identity/guard.ts';
import type { LoginService } from '../identity/login.ts';
import { ANY_ROLE, ROLES } from '../identity/roles.ts';
import { endSession } from '../identity/sessions.ts';
import type { Database } from '../platform/db/database.ts';
import { LOCALES } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { type SafeHtml, html } from '../platform/http/html.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { REPORT_HANDLERS } from '../prevention/routes.ts';
import { QUEUE_PAGE } from '../prevention/staff-pages.ts';
import { requestsLink } from '../requests/pages.ts';
import { ADVISORY_STAFF } from '../prevention/advisories.ts';
import { ADVISORIES_STAFF_PAGE } from '../prevention/advisory-staff-pages.ts';
import { PRACTICE_EDITORS } from '../prevention/practices.ts';
import { PRACTICES_STAFF_PAGE } from '../prevention/practice-staff-pages.ts';
import { SURVEY_READERS } from '../prevention/survey.ts';
import { SURVEY_STAFF_PAGE } from '../prevention/survey-staff-page.ts';
import { STATISTICS_PAGE } from '../statistics/pages.ts';
import { ANALYSIS_PAGE } from '../observatory/pages.ts';
import { WALLETS_PAGE } from '../intelligence/wallets/pages.ts';
import { WALLET_USERS } from '../intelligence/wallets/store.ts';
import { COLLECTIONS_PAGE } from '../intelligence/admin/common.ts';
import { COLLECTION_READERS } from '../intelligence/collection-routes.ts';
import { STATISTICS_READERS } from '../statistics/routes.ts';
import { federationLinks } from './federation-pages.ts';
import { type NodeIdentity, type PageContext, page, pageContext } from './layout.ts';
import { LOCALE_COOKIE, safeLocalPath } from './locale.ts';
import { type MessageKey, messages } from './messages.ts';

const STYLESHEET = readFileSync(new URL('./console.css', import.meta.url), 'utf8');
const YEAR = 365 * 24 * 3600;

const LoginForm = Type.Object(
  {
    username: Type.String({ maxLength: 64 }),
    password: Type.String({ maxLength: 256 }),
    otp: Type.Optional(Type.String({ maxLength: 6 })),
    next: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

function loginPage(context: PageContext, state: { username?: string; error?: string; next?: string; otpFocus?: boolean }): string {
  const { t } = context;
  const described = state.error ? 'login-error' : undefined;
  return page(context, t('login.title'), html`
<h1>${t('login.title')}</h1>
<p>${t('login.intro')}</p>
${state.error ? html`<p class="error" id="login-error" role="alert">${state.error}</p>` : ''}
<form class="stack" method="post" action="/login">
  <input type="hidden" name="next" value="${state.next ?? '/'}">
  <div><label for="username">${t('login.username')}</label>
  <input id="username" name="username" autocomplete="username" required value="${state.username ?? ''}" ${state.otpFocus ? '' : html`autofocus`} ${described ? html`aria-describedby="${described}"` : ''}></div>
  <div><label for="password">${t('login.password')}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required></div>
  <div><label for="otp">${t('login.otp')}</label>
  <span class="hint" id="otp-hint">${t('login.otp.hint')}</span>
  <input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" aria-describedby="otp-hint" ${state.otpFocus ? html`autofocus` : ''}></div>
  <div><button type="submit">${t('login.submit')}</button></div>
</form>`);
}

const LOGIN_ERRORS: Record<string, MessageKey> = {
  'login-failed': 'login.error.failed',
  locked: 'login.error.locked',
  'second-factor-required': 'login.error.otp',
  'account-disabled': 'login.error.disabled',
};

function homePage(context: PageContext): string {
  const { t, request } = context;
  const principal = request.principal!;
  const roles = ROLES.filter((role) => principal.roles.includes(role));
  const expires = new Date(principal.expiresAt);
  const tasks: SafeHtml[] = roles.map((role) => html`<li><strong>${t(`role.${role}`)}</strong>: ${t(`task.${role}`)}</li>`);
  return page(context, t('home.title', { name: principal.displayName }), html`
<h1>${t('home.title', { name: principal.displayName })}</h1>
<h2>${t('home.roles')}</h2>
${roles.length ? html`<ul>${roles.map((role) => html`<li>${t(`role.${role}`)}</li>`)}</ul>` : html`<p>${t('home.noRoles')}</p>`}
<h2>${t('home.tasks')}</h2>
<ul>${tasks}</ul>
${roles.includes('node_admin') ? html`<h2>${t('home.federation')}</h2>
${federationLinks(context)}` : ''}
${roles.some((role) => REPORT_HANDLERS.includes(role)) ? html`<p><a href="${QUEUE_PAGE}">${t('home.reports')}</a></p>` : ''}
${roles.some((role) => ADVISORY_STAFF.includes(role)) ? html`<p><a href="${ADVISORIES_STAFF_PAGE}">${t('home.advisories')}</a></p>` : ''}
${roles.some((role) => PRACTICE_EDITORS.includes(role)) ? html`<p><a href="${PRACTICES_STAFF_PAGE}">${t('home.practices')}</a></p>` : ''}
${roles.some((role) => SURVEY_READERS.includes(role)) ? html`<p><a href="${SURVEY_STAFF_PAGE}">${t('home.survey')}</a></p>` : ''}
${requestsLink(context)}
${roles.some((role) => STATISTICS_READERS.includes(role)) ? html`<p><a href="${STATISTICS_PAGE}">${t('home.statistics')}</a></p>` : ''}
${roles.some((role) => REPORT_HANDLERS.includes(role)) ? html`<p><a href="${ANALYSIS_PAGE}">${t('home.observatory')}</a></p>` : ''}
${roles.some((role) => WALLET_USERS.includes(role)) ? html`<p><a href="${WALLETS_PAGE}">${t('home.wallets')}</a></p>` : ''}
${roles.some((role) => COLLECTION_READERS.includes(role)) ? html`<p><a href="${COLLECTIONS_PAGE}">${t('home.intelligence')}</a></p>` : ''}
<p><a href="/api/docs">${t('home.api')}</a></p>
<p>${t('home.session', { time: expires })}</p>`);
}

export function renderErrorPage(node: NodeIdentity) {
  return (request: FastifyRequest, status: number): string => {
    const context = pageContext(request, node);
    const exact = `error.${status}` as MessageKey;
    const message = context.t(messages.keys.includes(exact) ? exact : status >= 500 ? 'error.500' : 'error.400');
    return page(context, context.t('error.title'), html`
<h1>${context.t('error.title')}</h1>
<p role="alert">${message}</p>
<p><a href="/">${context.t('error.home')}</a></p>`);
  };
}

/** The staff console's shell: sign-in, home, sign-out, language choice. */
export function consolePages(app: HttpServer, db: Database, login: LoginService, node: NodeIdentity, secureCookies: boolean): void {
  const sessionCookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: secureCookies };

  app.get('/assets/console.css', { config: { access: PUBLIC }, schema: { hide: true } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );

  app.get('/lang/:locale', {
    config: { access: PUBLIC, page: true },
    schema: { hide: true, params: Type.Object({ locale: StringEnum(LOCALES) }), querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) }) },
  }, (request, reply) => {
    reply.setCookie(LOCALE_COOKIE, request.params.locale, { path: '/', maxAge: YEAR, sameSite: 'lax', secure: secureCookies });
    return reply.redirect(safeLocalPath(request.query.next), 303);
  });

  app.get('/login', {
    config: { access: PUBLIC, page: true },
    schema: { hide: true, querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) }) },
  }, (request, reply) => {
    if (request.principal?.via === 'cookie') return reply.redirect(safeLocalPath(request.query.next), 303);
    return reply.type('text/html; charset=utf-8').send(loginPage(pageContext(request, node), { next: safeLocalPath(request.query.next) }));
  });

  app.post('/login', {
    config: { access: PUBLIC, page: true },
    schema: { hide: true, body: LoginForm },
  }, async (request, reply) => {
    const context = pageContext(request, node);
    const { username, password, next } = request.body;
    const otp = request.body.otp?.trim() || undefined;
    const back = safeLocalPath(next);
    if (!username.trim() || !password) {
      return reply.code(400).type('text/html; charset=utf-8').send(loginPage(context, { username, next: back, error: context.t('login.error.invalid') }));
    }
    try {
      const session = await login.login({ username: username.trim(), password, otp }, 'cookie', request.id);
      reply.setCookie(SESSION_COOKIE, session.token, { ...sessionCookie, expires: new Date(session.expiresAt) });
      return reply.redirect(back, 303);
    } catch (error) {
      if (!(error instanceof HttpProblem) || !LOGIN_ERRORS[error.slug]) throw error;
      const seconds = Number(error.extra.retryAfter ?? 0);
      if (error.headers['retry-after']) reply.header('retry-after', error.headers['retry-after']);
      return reply.code(error.status).type('text/html; charset=utf-8').send(
        loginPage(context, { username, next: back, error: context.t(LOGIN_ERRORS[error.slug]!, { seconds }), otpFocus: error.slug === 'second-factor-required' }),
      );
    }
  });

  app.post('/logout', {
    config: { access: { roles: ANY_ROLE, purpose: 'authentication' }, page: true },
    schema: { hide: true, body: Type.Object({ [CSRF_FIELD]: Type.String({ maxLength: 100 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    await endSession(db, request.principal!, request.actor, request.id);
    reply.clearCookie(SESSION_COOKIE, sessionCookie);
    return reply.redirect('/login', 303);
  });

  app.get('/', { config: { access: { roles: ANY_ROLE, purpose: 'own account' }, page: true }, schema: { hide: true } }, (request, reply) =>
    reply.type('text/html; charset=utf-8').send(homePage(pageContext(request, node))),
  );
}
