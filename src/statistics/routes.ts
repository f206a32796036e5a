import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { HttpProblem, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum } from '../platform/schema.ts';
import { KIND_NAMES } from '../requests/kinds.ts';
import { REQUEST_ROLES } from '../requests/routes.ts';
import { statisticsCsv } from './csv.ts';
import { type FilterProblem, type StatisticsFilter, type StatisticsQuery, readFilter } from './filter.ts';
import { OUTCOMES } from './outcomes.ts';
import { DIRECTIONS, LEVELS, UNKNOWN_STATE, requestStatistics } from './requests-statistics.ts';

/** Those who handle requests, and the node's administrator. The figures are counts and times, with no personal data, so reading them is not audited. */
export const STATISTICS_READERS: readonly Role[] = [...REQUEST_ROLES, 'node_admin'];
export const STATISTICS_PURPOSE = 'statistics';
export const STATISTICS_API = '/api/v1/statistics/requests';
export const CSV_TYPE = 'text/csv; charset=utf-8';

const tags = ['statistics'];
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
const Hours = Nullable(Type.Number({ minimum: 0 }));

export const StatisticsQuerySchema = Type.Object({
  from: Type.Optional(Type.String({ format: 'date', description: 'the first day of the period (YYYY-MM-DD); by default twelve months before `to`' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'the last day of the period, included; by default today' })),
  kind: Type.Optional(StringEnum(KIND_NAMES, { description: 'only requests of this kind' })),
  state: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', description: `only requests to or from this State (ISO 3166-1 alpha-2; ${UNKNOWN_STATE}: a node no longer on the trust list)` })),
}, { additionalProperties: false });

const GroupSchema = Type.Object({
  direction: StringEnum(DIRECTIONS), level: StringEnum(LEVELS, { description: 'total: all requests of the direction; state, kind, state-kind: one group of them' }),
  state: Nullable(Type.String({ description: 'the counterpart State, at the levels state and state-kind' })), kind: Nullable(Type.String()),
  requests: Type.Integer({ description: 'requests sent (or received) in the period' }),
  open: Type.Integer({ description: 'of those, still open: the backlog' }), overdue: Type.Integer({ description: 'open and past the date by which the party whose turn it is had to act' }),
  closed: Type.Integer(),
  ...Object.fromEntries(OUTCOMES.map((outcome) => [outcome, Type.Integer({ description: `closed requests whose outcome is ${outcome}` })])),
  successRate: Rate, refusalRate: Rate,
  medianHours: Hours, p90Hours: Hours,
});

const StatisticsSchema = Type.Object({
  from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }), kind: Nullable(Type.String()), state: Nullable(Type.String()),
  groups: Type.Array(GroupSchema),
  refusals: Type.Array(Type.Object({
    direction: StringEnum(DIRECTIONS), reason: Type.String({ description: 'a ground for refusal, or `unstated`' }), count: Type.Integer(),
  }), { description: 'refusals by the grounds they named: a refusal naming several counts under each' }),
});

const CsvSchema = Type.String({ description: 'the groups, then one line per refusal ground; a header line, comma-separated, UTF-8' });

/** Whether an Accept header ranks text/csv above JSON (RFC 9110 §12.5.1): a spreadsheet asks for it, a browser or a script gets JSON. */
export function prefersCsv(accept: string | undefined): boolean {
  const weight = (type: string) => Math.max(0, ...(accept ?? '').split(',').map((range) => {
    const [media = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return media === type ? (q ? Number(q.slice(2)) || 0 : 1) : 0;
  }));
  return weight('text/csv') > weight('application/json');
}

/** A query the schema let through but that makes no sense as a whole (a period that ends before it starts). */
export function checkedFilter(query: StatisticsQuery): StatisticsFilter {
  const read = readFilter(query);
  if ('filter' in read) return read.filter;
  throw new HttpProblem(400, 'validation', 'the query does not describe a period and filters', {
    extra: { errors: read.problems.map((p: FilterProblem) => ({ pointer: `/${p.field}`, detail: p.problem })) },
  });
}

/** The statistics of the requests this node sent and received, as JSON or CSV. */
export function statisticsRoutes(app: HttpServer, db: Database): void {
  const config = { access: { roles: STATISTICS_READERS, purpose: STATISTICS_PURPOSE } };

  async function answer(query: StatisticsQuery, csv: boolean, reply: FastifyReply) {
    const filter = checkedFilter(query);
    const statistics = await requestStatistics(db, filter);
    if (!csv) return { from: filter.from, to: filter.to, kind: filter.kind ?? null, state: filter.state ?? null, ...statistics };
    return reply.type(CSV_TYPE)
      .header('content-disposition', `attachment; filename="requests-${filter.from}-${filter.to}.csv"`)
      .send(statisticsCsv(statistics));
  }

  app.get(STATISTICS_API, {
    config,
    schema: {
      tags,
      summary: 'Requests sent and received in a period by counterpart State and kind: outcomes, backlog, overdue, success and refusal rates, time taken (median, 90th percentile); CSV with Accept: text/csv',
      querystring: StatisticsQuerySchema,
      response: { 200: { content: { 'application/json': { schema: StatisticsSchema }, 'text/csv': { schema: CsvSchema } } }, ...problemResponses },
    },
  }, (request, reply) => answer(request.query, prefersCsv(request.headers.accept), reply));

  app.get(`${STATISTICS_API}.csv`, {
    config,
    schema: {
      tags,
      summary: 'The same statistics as CSV, for a spreadsheet',
      querystring: StatisticsQuerySchema,
      response: { 200: { content: { 'text/csv': { schema: CsvSchema } } }, ...problemResponses },
    },
  }, (request, reply) => answer(request.query, true, reply));
}
