/**
 * The business survey's API: anyone answers it (as the form does), and analysts and the
 * observatory read the counts of all answers.
 */
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { LOCALES, negotiateLocale } from '../platform/i18n/locales.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum } from '../platform/schema.ts';
import { InvalidInput } from './reports.ts';
import type { SubmissionLimiter } from './submissions.ts';
import { COMMENT_MAX_LENGTH, QUESTIONS, QUESTION_NAMES, SURVEY_PURPOSE, SURVEY_READERS, checkSurvey, storeSurvey, surveySummary } from './survey.ts';

const tags = ['prevention'];
export const SURVEY_API = '/api/v1/survey';

/** Each question as the API takes it: the list of its choices, or one of them. */
const answerSchema = (question: (typeof QUESTION_NAMES)[number]) => {
  const { several, options } = QUESTIONS[question];
  return several ? Type.Array(Type.String({ maxLength: 40 }), { maxItems: options.length, description: `any of: ${options.join(', ')}` }) : Type.String({ maxLength: 40, description: `one of: ${options.join(', ')}` });
};

const SurveyBody = Type.Object({
  ...Object.fromEntries(QUESTION_NAMES.map((question) => [question, Type.Optional(answerSchema(question))])),
  comment: Type.Optional(Type.String({ maxLength: COMMENT_MAX_LENGTH * 4, description: `at most ${COMMENT_MAX_LENGTH} characters once trimmed; no personal data` })),
  locale: Type.Optional(StringEnum(LOCALES, { description: 'the language the answer was given in; by default from Accept-Language' })),
}, { additionalProperties: false });

const Counts = (options: readonly string[]) => Type.Object(Object.fromEntries(options.map((choice) => [choice, Type.Integer({ minimum: 0 })])));
const SummarySchema = Type.Object({
  responses: Type.Integer({ minimum: 0 }),
  from: Nullable(Type.String({ description: 'first month with an answer, YYYY-MM' })),
  to: Nullable(Type.String({ description: 'last month with an answer, YYYY-MM' })),
  counts: Type.Object(Object.fromEntries(QUESTION_NAMES.map((question) => [question, Counts(QUESTIONS[question].options)]))),
  comments: Type.Array(Type.Object({ month: Type.String(), text: Type.String() }), { description: 'the latest, newest first' }),
});

export function surveyRoutes(app: HttpServer, db: Database, limiter: SubmissionLimiter): void {
  app.post(`${SURVEY_API}/responses`, {
    config: { access: PUBLIC },
    schema: { tags, summary: 'Answer the business-impact survey (anyone, anonymously: nothing identifies who answered)', body: SurveyBody, response: { 201: Type.Object({ received: Type.Literal(true) }), ...problemResponses } },
  }, async (request, reply) => {
    const { locale, ...answers } = request.body;
    const checked = checkSurvey({ ...answers, locale: locale ?? negotiateLocale(request.headers['accept-language']) });
    if (!checked.answers) throw new InvalidInput(checked.issues);
    limiter.check(request.ip);
    await storeSurvey(db, checked.answers);
    limiter.record(request.ip);
    return reply.code(201).send({ received: true as const });
  });

  app.get(`${SURVEY_API}/summary`, {
    config: { access: { roles: SURVEY_READERS, purpose: SURVEY_PURPOSE } },
    schema: { tags, summary: 'How many answers chose each choice of each question, and the latest comments (the read is audited)', response: { 200: SummarySchema, ...problemResponses } },
  }, (request) => surveySummary(db, { actor: request.actor, id: request.id }));
}
