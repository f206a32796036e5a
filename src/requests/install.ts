import type { NodeIdentity } from '../console/layout.ts';
import type { Federation } from '../federation/service.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { requestRoutes } from './routes.ts';
import { requestFileRoutes } from './file-routes.ts';
import { deskPages } from './desk-pages.ts';
import { deskRoutes } from './desk-routes.ts';
import { verifyPages } from './verify-page.ts';
import { Requests } from './service.ts';
import { legalBasisRoutes } from './legal-basis-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { caseRoutes } from './case-routes.ts';
import { requestPages } from './pages.ts';

/** How often the node looks for steps of its own that are due (a preservation period that ends). */
const DUE_STEPS_INTERVAL_MS = 60_000;

/** Cases and cross-border requests: their API, their federation messages, their pages. */
export function installRequests(app: HttpServer, db: Database, federation: Federation, node: NodeIdentity): void {
  legalBasisRoutes(app, db);
  const requests = new Requests(db, federation).listen();
  requestRoutes(app, db, requests);
  requestFileRoutes(app, db, federation, requests);
  deskRoutes(app, db, federation, requests);
  profileRoutes(app, db, federation);
  caseRoutes(app, db, federation.config.nodeId);
  requestPages(app, db, requests, node, federation);
  deskPages(app, db, requests, node);
  verifyPages(app, db, federation);
  const due = setInterval(() => {
    requests.runDueSteps().catch((error: unknown) => app.log.error({ err: error }, 'cannot take the steps that are due'));
  }, DUE_STEPS_INTERVAL_MS);
  due.unref();
  app.addHook('onClose', async () => clearInterval(due));
}
