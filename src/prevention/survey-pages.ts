/**
 * The business-impact survey for the public: one plain form of choices and an optional comment,
 * posted without script, answered with a thank-you page, or shown again with what to fix.
 */
import { type Static, Type } from 'typebox';
import { CSRF_FIELD } from '../identity/guard.ts';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { html } from '../platform/http/html.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { PRIVACY_PAGE, type PublicContext, START_PAGE, SURVEY_PAGE, helpPath, publicContext, publicPage, sessionToken } from './layout.ts';
import type { MessageKey } from './locales/en.ts';
import {
  type FormState, FormText, HONEYPOT_FIELD, type ChoiceSpec, choiceGroup, errorSummary, field, filledHoneypot, formError, honeypot, maySubmit, refuseCrossSite, textarea,
} from './public-forms.ts';
import { sendPublic } from './public-lists.ts';
import type { SubmissionLimiter } from './submissions.ts';
import { COMMENT_MAX_LENGTH, QUESTIONS, type Question, checkSurvey, storeSurvey } from './survey.ts';

/** A key of the survey's convention (`survey.<question>`, `.hint`, `.<choice>`); the help test proves each one exists. */
export const surveyKey = (...parts: string[]) => ['survey', ...parts].join('.') as MessageKey;
/** The questions that have a hint under their legend. */
const HINTED: readonly Question[] = ['incidents', 'cost', 'reported', 'whyNot'];

/** Every key the survey's pages use, for the test that checks the catalogs. */
export const surveyKeys = (): MessageKey[] =>
  (Object.keys(QUESTIONS) as Question[]).flatMap((question) => [
    surveyKey(question), ...(HINTED.includes(question) ? [surveyKey(question, 'hint')] : []), ...QUESTIONS[question].options.map((choice) => surveyKey(question, choice)),
  ]);

const several = Type.Union([FormText, Type.Array(FormText, { maxItems: 20 })]);
/** As the form sends it: a choice, several checkboxes of one name, text; nothing else. */
const SurveyForm = Type.Object({
  sector: Type.Optional(FormText), size: Type.Optional(FormText), incidents: Type.Optional(several), downtime: Type.Optional(FormText), cost: Type.Optional(FormText),
  reported: Type.Optional(several), whyNot: Type.Optional(several), comment: Type.Optional(FormText), [HONEYPOT_FIELD]: Type.Optional(FormText),
  // A member of staff signed in on the same browser posts with their session's token.
  [CSRF_FIELD]: Type.Optional(FormText),
}, { additionalProperties: false });
type SurveyValues = Static<typeof SurveyForm>;

function question(context: PublicContext, form: FormState<SurveyValues>, name: Question, required = false) {
  const spec: ChoiceSpec = {
    name, legend: surveyKey(name), hint: HINTED.includes(name) ? surveyKey(name, 'hint') : undefined, several: QUESTIONS[name].several, required,
    options: QUESTIONS[name].options.map((choice) => [choice, surveyKey(name, choice)]),
  };
  return choiceGroup(context, form, spec);
}

function surveyPage(context: PublicContext, form: FormState<SurveyValues>): string {
  const { t } = context;
  return publicPage(context, t('survey.title'), html`
<h1>${t('survey.title')}</h1>
<p>${t('survey.intro')}</p>
${formError(form.error)}
${errorSummary(context, form.issues)}
<form class="report" method="post" action="${SURVEY_PAGE}" novalidate>
${sessionToken(context)}
<h2>${t('survey.about')}</h2>
${question(context, form, 'sector', true)}
${question(context, form, 'size', true)}
<h2>${t('survey.year')}</h2>
${question(context, form, 'incidents', true)}
<h2 id="impact">${t('survey.impact')}</h2>
<p>${t('survey.impact.hint')}</p>
${question(context, form, 'downtime')}
${question(context, form, 'cost')}
${question(context, form, 'reported')}
${question(context, form, 'whyNot')}
${field(context, form, { name: 'comment', label: 'survey.comment', hint: 'survey.comment.hint', control: textarea(4, html`maxlength="${COMMENT_MAX_LENGTH}"`) })}
${honeypot(context)}
<p>${t('survey.privacy')} <a href="${PRIVACY_PAGE}">${t('form.privacy.link')}</a></p>
<div><button type="submit">${t('survey.submit')}</button></div>
</form>`);
}

function thanksPage(context: PublicContext): string {
  const { t } = context;
  return publicPage(context, t('survey.thanks.title'), html`
<h1>${t('survey.thanks.title')}</h1>
<p role="status">${t('survey.thanks.text')}</p>
<ul>
<li><a href="${helpPath('businesses')}">${t('survey.thanks.help')}</a></li>
<li><a href="${START_PAGE}">${t('help.report')}</a></li>
</ul>`);
}

export function surveyPages(app: HttpServer, db: Database, limiter: SubmissionLimiter): void {
  const config = { access: PUBLIC, page: true };
  const empty = { values: {}, issues: [] };

  app.get(SURVEY_PAGE, { config, schema: { hide: true } }, (request, reply) => sendPublic(reply, 200, surveyPage(publicContext(request), empty)));

  app.post(SURVEY_PAGE, { config, onRequest: refuseCrossSite, schema: { hide: true, body: SurveyForm } }, async (request, reply) => {
    const context = publicContext(request);
    const values = request.body;
    const checked = checkSurvey({ ...values, locale: context.locale });
    if (!checked.answers) return sendPublic(reply, 400, surveyPage(context, { values, issues: checked.issues }));
    if (!maySubmit(limiter, request, reply)) return sendPublic(reply, 429, surveyPage(context, { values, issues: [], error: context.t('error.survey.busy') }));
    if (!filledHoneypot(request, values[HONEYPOT_FIELD], 'a survey answer')) await storeSurvey(db, checked.answers);
    limiter.record(request.ip);
    return sendPublic(reply, 201, thanksPage(context));
  });
}
