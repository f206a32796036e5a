import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { SURVEY_PAGE } from '../../src/prevention/layout.ts';
import { QUESTIONS, QUESTION_NAMES, type Question } from '../../src/prevention/survey.ts';
import { type Defect, type Field, anyText, assertRefusedReadably, field, formDefects, postsOf, run } from '../support/form-posts.ts';
import { type TestNode, startTestNode } from '../support/node.ts';

/**
 * Whatever the survey's form receives, the reader gets a page in their language that tells what
 * went wrong, and nothing is stored. As in form-fuzz.test.ts, each post carries one defect that
 * noise may add to but never repair.
 */

const SURVEY_FIELDS = [...QUESTION_NAMES, 'comment'];
const SEVERAL = QUESTION_NAMES.filter((question) => QUESTIONS[question].several);
const SINGLE = QUESTION_NAMES.filter((question) => !QUESTIONS[question].several);
const REQUIRED: Question[] = ['sector', 'size', 'incidents'];
/** A complete answer, into which each defect is put. */
const VALID: Record<string, string> = { sector: 'retail', size: 'small', incidents: 'phishing' };

const options = (question: Question): readonly string[] => QUESTIONS[question].options;
/** Anything but one of the question's choices. */
const notAChoice = (question: Question) =>
  fc.oneof(fc.constantFrom('', ' ', 'Retail', 'retail ', 'none,phishing', '0', 'true', 'null', '[]', 'autre', '零售'), anyText(30)).filter((value) => !options(question).includes(value));

/** The valid answer with `fields` in place of those of the same names, the rest kept. */
function answer(why: string, fields: readonly Field[], extra: Partial<Defect> = {}): Defect {
  const names = new Set(fields.map(([name]) => name));
  const kept = Object.entries(VALID).filter(([name]) => !names.has(name)).map(([name, value]) => field(name, value));
  return { why, path: SURVEY_PAGE, fields: [...kept, ...fields], reserved: [...names], ...extra };
}

const surveyDefects: fc.Arbitrary<Defect>[] = [
  fc.constantFrom(...REQUIRED).map((question) => ({
    why: `no answer to ${question}`, path: SURVEY_PAGE, fields: Object.entries(VALID).filter(([name]) => name !== question).map(([name, value]) => field(name, value)), reserved: [question],
  })),
  fc.constantFrom(...QUESTION_NAMES).chain((question) => notAChoice(question).map((value) => answer(`${question} = ${JSON.stringify(value)}`, [field(question, value)]))),
  fc.constantFrom(...SINGLE).chain((question) =>
    fc.uniqueArray(fc.constantFrom(...options(question)), { minLength: 2, maxLength: 3 }).map((values) => answer(`${question} given ${values.join(' and ')}`, values.map((value) => field(question, value))))),
  fc.tuple(fc.constantFrom(['incidents', 'none'] as const, ['reported', 'nobody'] as const), fc.nat()).map(([[question, alone], pick]) => {
    const others = options(question).filter((choice) => choice !== alone);
    return answer(`${alone} with another ${question}`, [field(question, alone), field(question, others[pick % others.length]!)]);
  }),
  fc.constantFrom(...SEVERAL).chain((question) => fc.integer({ min: 21, max: 40 }).map((count) => answer(`${count} boxes of ${question}`, Array.from({ length: count }, () => field(question, options(question)[0]!))))),
  run(501, 5000).map((comment) => answer(`a comment of ${comment.length} characters`, [field('comment', `  ${comment}  `)])),
  // A complete answer, sent from another site: a script using visitors' browsers.
  fc.constant(answer('an answer posted from another site', [], { reserved: SURVEY_FIELDS, crossSite: true })),
];

describe('malformed posts of the business survey: a readable page in the reader’s language, and nothing stored', () => {
  let node: TestNode;
  const stored = async () => (await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM survey_responses')).rows[0]!.n;

  before(async () => {
    node = await startTestNode({ prevention: { reportsPerHour: 100_000 } });
  });
  after(() => node?.close());

  test('four hundred malformed posts to the survey: each a 4xx page in the language asked for, and no answer stored', async (t) => {
    const schemaBroken = formDefects(SURVEY_FIELDS, node.config.bodyLimit, SEVERAL).map((broken) => answer(broken.why, broken.fields, { reserved: SURVEY_FIELDS }));
    const posts = postsOf(fc.oneof({ arbitrary: fc.oneof(...surveyDefects), weight: 4 }, { arbitrary: schemaBroken, weight: 1 }), SURVEY_FIELDS, () => SURVEY_FIELDS);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(posts, async (post) => {
        const status = await assertRefusedReadably(node.url, post);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        assert.equal(await stored(), 0, `${post.path} with ${post.why}: an answer was stored`);
      }),
      { numRuns: 400, includeErrorInReport: true },
    );
    t.diagnostic(`answers: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status} ×${n}`).join(', ')}`);
    for (const status of [400, 403, 413]) assert.ok(statuses.has(status), `no ${status} in the run`);
  });

  test('the same form takes a complete answer: the refusals above are not blanket ones', async () => {
    const response = await fetch(`${node.url}${SURVEY_PAGE}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(VALID) });
    await response.arrayBuffer();
    assert.equal(response.status, 201);
    assert.equal(await stored(), 1);
  });
});
