import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { PUBLIC } from '../platform/http/access.ts';
import type { HttpServer } from '../platform/http/server.ts';

const Health = Type.Object({
  status: Type.Unsafe<'ok' | 'unavailable'>({ type: 'string', enum: ['ok', 'unavailable'] }),
  node: Type.String(),
  database: Type.Unsafe<'up' | 'down'>({ type: 'string', enum: ['up', 'down'] }),
  engine: Type.String(),
});

const PROBE_TIMEOUT_MS = 2000;

/** 200 while the node can reach its database, 503 otherwise: what a load balancer needs. */
export function healthRoute(app: HttpServer, db: Database, nodeId: string): void {
  app.get('/health', {
    config: { access: PUBLIC },
    schema: { tags: ['node'], summary: 'Whether the node and its database are up', response: { 200: Health, 503: Health } },
  }, async (_request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const up = await Promise.race([
      db.query('SELECT 1').then(() => true, () => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS); }),
    ]);
    clearTimeout(timer);
    reply.header('cache-control', 'no-store');
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'unavailable', node: nodeId, database: up ? 'up' : 'down', engine: db.engine });
  });
}
