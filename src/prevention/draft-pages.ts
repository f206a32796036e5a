/** The pages of a report saved to finish later: its code once saved, and the form that opens it again. */
import { html } from '../platform/http/html.ts';
import { DRAFT_DAYS } from './drafts.ts';
import { type PublicContext, START_PAGE, code, publicPage, sessionToken } from './layout.ts';
import { type FormState, errorSummary, field, formError, input, verbatim } from './public-forms.ts';

export const DRAFT_PAGE = `${START_PAGE}/draft`;
export const DRAFT_FIELDS = ['draftCode'] as const;
export type DraftValues = Partial<Record<(typeof DRAFT_FIELDS)[number], string>>;

export function draftSavedPage(context: PublicContext, draftCode: string, expiresAt: Date): string {
  const { t, locale } = context;
  return publicPage(context, t('draft.title'), html`
<h1>${t('draft.title')}</h1>
<dl class="codes">
<div><dt>${t('draft.code')}</dt><dd>${code(draftCode)}</dd></div>
</dl>
<p class="notice">${t('draft.keep')}</p>
<p>${t('draft.until', { date: new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(expiresAt) })}</p>
<p>${t('draft.files')}</p>
<p><a href="${DRAFT_PAGE}">${t('start.draft')}</a></p>`);
}

export function draftLookupPage(context: PublicContext, form: FormState<DraftValues>): string {
  const { t } = context;
  return publicPage(context, t('start.draft'), html`
<h1>${t('start.draft')}</h1>
<p>${t('draft.resume.intro', { days: DRAFT_DAYS })}</p>
${formError(form.error)}
${errorSummary(context, form.issues)}
<form class="stack" method="post" action="${DRAFT_PAGE}" novalidate>
${sessionToken(context)}
${field(context, form, { name: 'draftCode', label: 'field.draftCode', hint: 'field.draftCode.hint', required: true, control: input(verbatim) })}
<div><button type="submit">${t('draft.resume.submit')}</button></div>
</form>`);
}
