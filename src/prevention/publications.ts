/** What the portal publishes besides the report form: advisories (with their feed) and good practices, for the public and for the staff. */
import type { NodeIdentity } from '../console/layout.ts';
import type { NodeConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { advisoryFeedRoute } from './advisory-feed.ts';
import { advisoryPages } from './advisory-pages.ts';
import { advisoryRoutes } from './advisory-routes.ts';
import { advisoryStaffPages } from './advisory-staff-pages.ts';
import { practicePages } from './practice-pages.ts';
import { practiceRoutes } from './practice-routes.ts';
import { practiceStaffPages } from './practice-staff-pages.ts';

export function installPublications(app: HttpServer, db: Database, config: NodeConfig, node: NodeIdentity): void {
  advisoryRoutes(app, db);
  advisoryPages(app, db);
  advisoryFeedRoute(app, db, { publicUrl: config.publicUrl, author: config.displayName });
  advisoryStaffPages(app, db, node);
  practiceRoutes(app, db);
  practicePages(app, db);
  practiceStaffPages(app, db, node);
}
