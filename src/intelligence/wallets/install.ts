import type { NodeIdentity } from '../../console/layout.ts';
import type { Database } from '../../platform/db/database.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { walletPages } from './pages.ts';
import { walletRoutes } from './routes.ts';

/** The cryptocurrency-abuse database: its API and its console page. Matching is called where identifiers are recorded. */
export function installWallets(app: HttpServer, db: Database, node: NodeIdentity): void {
  walletRoutes(app, db, node);
  walletPages(app, db, node);
}
