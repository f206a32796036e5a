import type { NodeIdentity } from '../console/layout.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { observatoryPages } from './pages.ts';
import { observatoryRoutes } from './routes.ts';

/** The observatory of trends: reports, businesses hit, intelligence and requests over time; open data for the public part. */
export function installObservatory(app: HttpServer, db: Database, node: NodeIdentity): void {
  observatoryRoutes(app, db, node);
  observatoryPages(app, db, node);
}
