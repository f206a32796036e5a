/**
 * The analysts' page of the business survey: for each question a table of how many answers chose
 * each choice, and the latest comments. It reads what the API reads, audited the same way.
 */
import { type NodeIdentity, page, pageContext } from '../console/layout.ts';
import type { Database } from '../platform/db/database.ts';
import { html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { SURVEY_PAGE } from './layout.ts';
import { sendStaffPage } from './staff-forms.ts';
import { type StaffContext, staffContext } from './staff-pages.ts';
import { surveyKey } from './survey-pages.ts';
import { QUESTIONS, QUESTION_NAMES, SURVEY_PURPOSE, SURVEY_READERS, type SurveySummary, surveySummary } from './survey.ts';

export const SURVEY_STAFF_PAGE = '/prevention/survey';

/** A month given as YYYY-MM, as the reader's language names it. */
const monthName = ({ console: { locale } }: StaffContext, month: string) =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

function summaryPage(context: StaffContext, summary: SurveySummary): string {
  const { t } = context;
  const { from, to } = summary;
  return page(context.console, t('staffSurvey.title'), html`
<h1>${t('staffSurvey.title')}</h1>
<p>${t('staffSurvey.intro')} <a href="${SURVEY_PAGE}">${t('staffSurvey.public')}</a></p>
<p><strong>${t('staffSurvey.responses', { count: summary.responses })}</strong>${from && to ? html` · ${t('staffSurvey.period', { from: monthName(context, from), to: monthName(context, to) })}` : ''}</p>
${QUESTION_NAMES.map((question) => html`<table>
<caption>${t(surveyKey(question))}</caption>
<thead><tr><th scope="col">${t('staffSurvey.choice')}</th><th scope="col">${t('staffSurvey.count')}</th></tr></thead>
<tbody>${QUESTIONS[question].options.map((choice) => html`<tr><th scope="row">${t(surveyKey(question, choice))}</th><td>${summary.counts[question][choice] ?? 0}</td></tr>`)}</tbody>
</table>`)}
<h2>${t('staffSurvey.comments')}</h2>
${summary.comments.length === 0 ? html`<p>${t('staffSurvey.comments.none')}</p>` : html`<ul>${summary.comments.map((comment) => html`<li>${monthName(context, comment.month)}: <span dir="auto">${comment.text}</span></li>`)}</ul>`}`);
}

export function surveyStaffPage(app: HttpServer, db: Database, node: NodeIdentity): void {
  app.get(SURVEY_STAFF_PAGE, { config: { access: { roles: SURVEY_READERS, purpose: SURVEY_PURPOSE }, page: true }, schema: { hide: true } }, async (request, reply) =>
    sendStaffPage(reply, 200, summaryPage(staffContext(pageContext(request, node)), await surveySummary(db, { actor: request.actor, id: request.id }))));
}
