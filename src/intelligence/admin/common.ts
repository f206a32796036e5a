/** What the console's intelligence pages share: their paths, their frame, and refusals placed beside the controls at fault. */
import { type TSchema, Type } from 'typebox';
import type { Role } from '../../identity/roles.ts';
import { type SafeHtml, html } from '../../platform/http/html.ts';
import { HttpProblem } from '../../platform/http/problem.ts';
import { type PlacedProblem, requestsPage } from '../../requests/page-common.ts';
import { DESCRIPTION_MAX, TITLE_MAX } from '../collections.ts';
import { type IntelligenceContext, type MessageKey, messages } from './messages.ts';

export const COLLECTIONS_PAGE = '/intelligence/collections';
export const SUBSCRIPTIONS_PAGE = '/intelligence/subscriptions';
export const WALLET_SHARING_PAGE = `${COLLECTIONS_PAGE}/wallets`;
export const collectionPage = (id: string) => `${COLLECTIONS_PAGE}/${id}`;

/** Checkboxes of one name, as a form sends them: none, one, or several. */
export const Ticked = <T extends TSchema>(item: T) => Type.Optional(Type.Union([item, Type.Array(item, { maxItems: 200 })]));
export const ticked = (given: string | readonly string[] | undefined): string[] => (given === undefined ? [] : [...new Set([given].flat())]);

export const roleName = ({ shared }: IntelligenceContext, role: Role) => shared.console.t(`role.${role}`);

/** A page with the two pages' links, the current one marked for assistive technology. */
export function frame(context: IntelligenceContext, current: string, title: string, body: SafeHtml): string {
  const { t } = context;
  const links = [[COLLECTIONS_PAGE, t('intel.collections.title')], [SUBSCRIPTIONS_PAGE, t('intel.subscriptions.title')]] as const;
  return requestsPage(context.shared, title, html`
<h1>${title}</h1>
<nav class="local" aria-label="${t('intel.nav')}"><ul>${links.map(([href, label]) => html`<li><a href="${href}" ${href === current ? html`aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>
${body}`, true);
}

export const notice = (text: string | undefined) => (text ? html`<p class="notice" role="status">${text}</p>` : '');

const LIMITS: Partial<Record<string, number>> = { 'title-too-long': TITLE_MAX, 'description-too-long': DESCRIPTION_MAX };

/**
 * The problems a refusal names, each at the control its pointer designates, in the reader's
 * language; undefined for anything else (the error page tells it).
 */
export function refusedWith(context: IntelligenceContext, error: unknown, controlOf: (pointer: string) => { id: string | undefined; label: string }): { status: number; problems: PlacedProblem[] } | undefined {
  const errors = error instanceof HttpProblem ? error.extra.errors : undefined;
  if (!Array.isArray(errors)) return undefined;
  const problems = (errors as { pointer: string; code?: string; detail: string }[]).map(({ pointer, code, detail }) => {
    const key = `problem.${code}`;
    const known = (messages.keys as string[]).includes(key);
    return { ...controlOf(pointer), message: known ? context.t(key as MessageKey, { max: LIMITS[code!] ?? 0 }) : detail };
  });
  return { status: (error as HttpProblem).status, problems };
}
