/**
 * The business-impact survey (14(cc)): a few questions with fixed choices and an optional short
 * comment, checked the same way from the form and the API, stored anonymously, and counted for the
 * analysts and the observatory. Answers carry no name, no network address and no audit record
 * (which would tie them to a request, and through it to the server's logs); reading the counts and
 * comments is audited, like any read by staff.
 */
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import type { Locale } from '../platform/i18n/locales.ts';
import type { Issue } from './intake.ts';
import type { MessageKey } from './locales/en.ts';

export const SURVEY_PURPOSE = 'observation of the impact of online crime on businesses';
/** Analysts watch the trends (14(ff)). */
export const SURVEY_READERS: readonly Role[] = ['analyst'];
export const COMMENT_MAX_LENGTH = 500;
/** The latest comments shown to staff; the counts cover every answer. */
const COMMENTS_SHOWN = 50;

/** Each question's choices, in the form's order; `several` questions take any number of them. */
export const QUESTIONS = {
  sector: { several: false, options: ['retail', 'manufacturing', 'construction', 'transport', 'hospitality', 'finance', 'health', 'ict', 'professional', 'education', 'agriculture', 'nonprofit', 'public', 'other'] },
  size: { several: false, options: ['micro', 'small', 'medium', 'large'] },
  incidents: { several: true, options: ['phishing', 'ransomware', 'business-email', 'account-takeover', 'online-fraud', 'data-breach', 'denial-of-service', 'other', 'none'] },
  downtime: { several: false, options: ['none', 'hours', 'days', 'weeks', 'unknown'] },
  cost: { several: false, options: ['none', 'under-1k', '1k-10k', '10k-100k', 'over-100k', 'unknown'] },
  reported: { several: true, options: ['police', 'cert', 'data-protection', 'bank', 'insurer', 'it-provider', 'nobody'] },
  whyNot: { several: true, options: ['not-serious', 'no-use', 'not-know', 'reputation', 'internal', 'no-time', 'other'] },
} as const;
export type Question = keyof typeof QUESTIONS;
export const QUESTION_NAMES = Object.keys(QUESTIONS) as Question[];
type Choice<Q extends Question> = (typeof QUESTIONS)[Q]['options'][number];
/** Choices that exclude every other of their question. */
const ALONE: Partial<Record<Question, { choice: string; message: MessageKey }>> = {
  incidents: { choice: 'none', message: 'error.survey.none' },
  reported: { choice: 'nobody', message: 'error.survey.nobody' },
};
/** Questions that must be answered, and what the reader is told when they are not. */
const REQUIRED: Partial<Record<Question, MessageKey>> = { sector: 'error.survey.sector', size: 'error.survey.size', incidents: 'error.survey.incidents' };
/** Asked about the incidents: left unanswered, and not stored, when there was none. */
const ABOUT_INCIDENTS: readonly Question[] = ['downtime', 'cost', 'reported', 'whyNot'];

export type SurveyField = Question | 'comment';

/** The answers as posted: one choice or several, as the form or the API sends them. */
export type SurveyInput = Partial<Record<Question, string | readonly string[]>> & { comment?: string | undefined; locale: Locale };

export interface SurveyAnswers {
  locale: Locale;
  sector: Choice<'sector'>;
  size: Choice<'size'>;
  incidents: Choice<'incidents'>[];
  downtime: Choice<'downtime'> | null;
  cost: Choice<'cost'> | null;
  reported: Choice<'reported'>[];
  whyNot: Choice<'whyNot'>[];
  comment: string | null;
}

const listOf = (given: string | readonly string[] | undefined): string[] => (given === undefined ? [] : typeof given === 'string' ? [given] : [...new Set(given)]);

/** The answers checked, or the issues, each on its question, in the form's order. */
export function checkSurvey(input: SurveyInput): { answers: SurveyAnswers; issues: [] } | { answers?: undefined; issues: Issue<SurveyField>[] } {
  const issues: Issue<SurveyField>[] = [];
  const chosen: Partial<Record<Question, string[]>> = {};
  for (const question of QUESTION_NAMES) {
    const { several, options } = QUESTIONS[question];
    const given = listOf(input[question]);
    const refuse = (message: MessageKey) => issues.push({ field: question, pointer: `/${question}`, message });
    if (given.length === 0) {
      if (REQUIRED[question]) refuse(REQUIRED[question]);
    } else if ((!several && given.length > 1) || given.some((choice) => !(options as readonly string[]).includes(choice))) {
      refuse('error.survey.choice');
    } else if (ALONE[question] && given.length > 1 && given.includes(ALONE[question].choice)) {
      refuse(ALONE[question].message);
    } else {
      chosen[question] = given;
    }
  }
  const comment = input.comment?.trim() ?? '';
  if (comment.length > COMMENT_MAX_LENGTH) issues.push({ field: 'comment', pointer: '/comment', message: 'error.tooLong', values: { max: COMMENT_MAX_LENGTH } });
  if (issues.length > 0) return { issues };
  const noIncident = chosen.incidents!.includes('none');
  const about = (question: Question) => (noIncident && ABOUT_INCIDENTS.includes(question) ? [] : chosen[question] ?? []);
  return {
    issues: [],
    answers: {
      locale: input.locale,
      sector: chosen.sector![0] as Choice<'sector'>,
      size: chosen.size![0] as Choice<'size'>,
      incidents: chosen.incidents as Choice<'incidents'>[],
      downtime: (about('downtime')[0] ?? null) as Choice<'downtime'> | null,
      cost: (about('cost')[0] ?? null) as Choice<'cost'> | null,
      reported: about('reported') as Choice<'reported'>[],
      whyNot: about('whyNot') as Choice<'whyNot'>[],
      comment: comment === '' ? null : comment,
    },
  };
}

export async function storeSurvey(db: Database, answers: SurveyAnswers): Promise<void> {
  await db.query(
    `INSERT INTO survey_responses (locale, sector, size, incidents, downtime, cost, reported, why_not, comment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [answers.locale, answers.sector, answers.size, answers.incidents, answers.downtime, answers.cost, answers.reported, answers.whyNot, answers.comment],
  );
}

/** Each question's column; those of several choices are arrays, counted choice by choice. */
const COLUMNS: Record<Question, string> = { sector: 'sector', size: 'size', incidents: 'incidents', downtime: 'downtime', cost: 'cost', reported: 'reported', whyNot: 'why_not' };

export interface SurveySummary {
  responses: number;
  /** The first and last months answers came in (YYYY-MM), if any did. */
  from: string | null;
  to: string | null;
  /** For each question, how many answers chose each of its choices (every choice, zero included). */
  counts: Record<Question, Record<string, number>>;
  comments: { month: string; text: string }[];
}

/** The counts of every answer, and the latest comments; the read is audited, as comments may say more than they should. */
export function surveySummary(db: Database, act: { actor: Actor; id: string }): Promise<SurveySummary> {
  return db.transaction(async (tx) => {
    const totals = (await tx.query<{ responses: number; from: string | null; to: string | null }>(
      `SELECT count(*)::int AS responses, to_char(min(received_in), 'YYYY-MM') AS "from", to_char(max(received_in), 'YYYY-MM') AS "to" FROM survey_responses`,
    )).rows[0]!;
    // The column names come from COLUMNS above, never from a request.
    const { rows } = await tx.query<{ question: Question; choice: string; n: number }>(QUESTION_NAMES.map((question) => {
      const column = COLUMNS[question];
      return QUESTIONS[question].several
        ? `SELECT '${question}' AS question, choice, count(*)::int AS n FROM survey_responses, unnest(${column}) AS choice GROUP BY choice`
        : `SELECT '${question}' AS question, ${column} AS choice, count(*)::int AS n FROM survey_responses WHERE ${column} IS NOT NULL GROUP BY ${column}`;
    }).join('\nUNION ALL\n'));
    const counts = Object.fromEntries(QUESTION_NAMES.map((question) => [question, Object.fromEntries(QUESTIONS[question].options.map((choice) => [choice, 0]))])) as SurveySummary['counts'];
    for (const row of rows) counts[row.question][row.choice] = row.n;
    const comments = (await tx.query<{ month: string; text: string }>(
      `SELECT to_char(received_in, 'YYYY-MM') AS month, comment AS text FROM survey_responses WHERE comment IS NOT NULL ORDER BY received_in DESC, id LIMIT ${COMMENTS_SHOWN}`,
    )).rows;
    await recordAudit(tx, {
      actor: act.actor, action: 'prevention.survey.read', subject: { type: 'survey' }, purpose: SURVEY_PURPOSE, requestId: act.id,
      details: { responses: totals.responses, comments: comments.length },
    });
    return { ...totals, counts, comments };
  });
}
