/** The observatory's open data: what the public page shows, and the shareable intelligence, as JSON and CSV. */
import { Type } from 'typebox';
import type { NodeIdentity } from '../console/layout.ts';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum } from '../platform/schema.ts';
import { OBSERVATORY_PAGE } from '../prevention/layout.ts';
import { MEASURES, openData, openDataCsv } from './open-data.ts';
import { DEFAULT_MONTHS, MONTH_CHOICES, periodOf } from './trends.ts';

export const OBSERVATORY_DATA = `${OBSERVATORY_PAGE}/data`;
/** Open data changes slowly: an hour in caches spares the node on a busy day. */
const CACHE = 'public, max-age=3600';

const MonthsQuery = Type.Object({
  months: Type.Optional(Type.Integer({ enum: [...MONTH_CHOICES], description: `calendar months up to the current one (default ${DEFAULT_MONTHS})` })),
}, { additionalProperties: false });

const OpenDataSchema = Type.Object({
  node: Type.String(), state: Type.String(), generatedAt: Type.String({ format: 'date-time' }),
  period: Type.Object({ from: Type.String({ pattern: '^\\d{4}-\\d{2}$' }), to: Type.String({ pattern: '^\\d{4}-\\d{2}$' }) }),
  smallestPublished: Type.Integer({ description: 'counts of people below it are null' }),
  figures: Type.Array(Type.Object({
    measure: StringEnum(MEASURES), month: Type.String(), category: Type.String({ description: 'an incident type, a survey incident or a STIX type' }), state: Type.String(),
    count: Nullable(Type.Integer({ minimum: 0, description: 'null: fewer people than smallestPublished' })),
  })),
});

export function observatoryRoutes(app: HttpServer, db: Database, node: NodeIdentity): void {
  const config = { access: PUBLIC };
  const tags = ['observatory'];

  app.get(`${OBSERVATORY_DATA}.json`, {
    config,
    schema: { tags, summary: 'Open data: reports and businesses hit by type and month, shareable intelligence objects by type, State and month', querystring: MonthsQuery, response: { 200: OpenDataSchema, ...problemResponses } },
  }, async (request, reply) => reply.header('cache-control', CACHE).send(await openData(db, node, periodOf(request.query.months ?? DEFAULT_MONTHS))));

  app.get(`${OBSERVATORY_DATA}.csv`, {
    config,
    schema: {
      tags, summary: 'The same open data as CSV: measure, month, category, state, count, suppressed', querystring: MonthsQuery,
      response: { 200: { content: { 'text/csv': { schema: Type.String() } } }, ...problemResponses },
    },
  }, async (request, reply) => {
    const data = await openData(db, node, periodOf(request.query.months ?? DEFAULT_MONTHS));
    return reply.header('cache-control', CACHE).header('content-disposition', `attachment; filename="observatory-${node.nodeId}-${data.period.from}-${data.period.to}.csv"`)
      .type('text/csv; charset=utf-8').send(openDataCsv(data));
  });
}
