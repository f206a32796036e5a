import { Type, type Static } from 'typebox';

/** RFC 9457 problem details, the body of every API error. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof ProblemSchema>;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** An error a handler throws on purpose; it becomes a problem+json response. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly slug: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    slug: string,
    detail: string,
    options: { extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}

export function problem(status: number, slug: string, detail?: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `/problems/${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

export const notFound = (what: string) => new HttpProblem(404, 'not-found', `${what} does not exist`);
export const conflict = (detail: string) => new HttpProblem(409, 'conflict', detail);
export const unprocessable = (detail: string) => new HttpProblem(422, 'unprocessable', detail);

/** A refusal naming the fields at fault, with a code for programs (and pages) and a sentence for people. */
export function fieldRefusal(status: number, slug: string, errors: readonly { pointer: string; code: string; detail: string }[], detail = errors.map((error) => error.detail).join(' ')): HttpProblem {
  return new HttpProblem(status, slug, detail, { extra: { errors } });
}

/** The failure responses every API route documents: problem details for client and server errors. */
export const problemResponses = { '4xx': { $ref: 'Problem#' }, '5xx': { $ref: 'Problem#' } } as const;
