/** The public lists' parts: a filter form that works without script, sent as a GET so that a result can be linked to. */
import type { FastifyReply } from 'fastify';
import { type SafeHtml, html } from '../platform/http/html.ts';
import type { PublicContext } from './layout.ts';

const HTML = 'text/html; charset=utf-8';

export const sendPublic = (reply: FastifyReply, status: number, page: string) => reply.code(status).type(HTML).send(page);

export interface FilterOption {
  name: string;
  label: string;
  /** Value and label. */
  options: readonly (readonly [string, string])[];
}

export interface SearchBox {
  name: string;
  label: string;
  hint: string;
  maxLength: number;
}

export function filterForm({ t }: PublicContext, action: string, values: Record<string, string | undefined>, choices: readonly FilterOption[], search?: SearchBox): SafeHtml {
  return html`<form class="filters" method="get" action="${action}" role="search" aria-label="${t('filter.heading')}">
${search ? html`<div class="field"><label for="filter-${search.name}">${search.label}</label>
<span class="hint" id="filter-${search.name}-hint">${search.hint}</span>
<input type="search" id="filter-${search.name}" name="${search.name}" value="${values[search.name] ?? ''}" maxlength="${search.maxLength}" aria-describedby="filter-${search.name}-hint" dir="auto"></div>` : ''}
${choices.map(({ name, label, options }) => html`<div><label for="filter-${name}">${label}</label>
<select id="filter-${name}" name="${name}"><option value="">${t('filter.all')}</option>
${options.map(([value, text]) => html`<option value="${value}" ${values[name] === value ? html`selected` : ''}>${text}</option>`)}</select></div>`)}
<div><button type="submit">${t(search ? 'filter.search' : 'filter.submit')}</button></div>
</form>`;
}
