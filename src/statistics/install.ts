import type { NodeIdentity } from '../console/layout.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { statisticsPages } from './pages.ts';
import { recordOpeningSteps } from './request-facts.ts';
import { statisticsRoutes } from './routes.ts';

/** Statistics of the requests this node sent and received (seed 13(eee)): the API, its CSV, the console page. */
export function installStatistics(app: HttpServer, db: Database, node: NodeIdentity): void {
  statisticsRoutes(app, db);
  statisticsPages(app, db, node);
  app.addHook('onReady', () => recordOpeningSteps(db));
}
