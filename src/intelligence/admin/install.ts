import type { NodeIdentity } from '../../console/layout.ts';
import type { Federation } from '../../federation/service.ts';
import type { Database } from '../../platform/db/database.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { collectionRoutes } from '../collection-routes.ts';
import { collectionPages } from './collection-pages.ts';
import { subscriptionPages } from './subscription-pages.ts';

/** This node's collections, who may use them, their sharing and its subscriptions: the API of collections and the console's pages. */
export function installIntelligenceAdmin(app: HttpServer, db: Database, federation: Federation, node: NodeIdentity): void {
  collectionRoutes(app, db);
  collectionPages(app, db, federation, node);
  subscriptionPages(app, db, federation, node);
}
