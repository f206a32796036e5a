/** What is wrong with a wallet entry or lookup, told in the reader's language on a page and in the API. */
import { IDENTIFIER_PROBLEM_CODES } from '../../platform/identifiers/index.ts';
import { HttpProblem } from '../../platform/http/problem.ts';
import type { FieldProblem } from '../../requests/field-problems.ts';
import { problemMessage } from '../../requests/page-common.ts';
import type { MessageKey, WalletsContext } from './messages.ts';

const IDENTIFIER_CODES = new Set<string>(IDENTIFIER_PROBLEM_CODES);

export function problemText(context: WalletsContext, problem: FieldProblem): string {
  if (IDENTIFIER_CODES.has(problem.problem)) return problemMessage(context.shared, problem);
  return context.t(`problem.${problem.problem}` as MessageKey, problem.params as Record<string, string | number>);
}

/** A 400 naming each field at fault, with its code for programs and its message for people. */
export function refusal(context: WalletsContext, problems: readonly FieldProblem[]): HttpProblem {
  const errors = problems.map((problem) => ({ pointer: problem.field, code: problem.problem, detail: problemText(context, problem) }));
  return new HttpProblem(400, 'invalid-wallet', errors.map((error) => error.detail).join(' '), { extra: { errors } });
}
