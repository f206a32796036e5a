import type { Federation } from '../federation/service.ts';
import type { NodeConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { caseStixRoutes } from './from-cases.ts';
import { installIntelligenceAdmin } from './admin/install.ts';
import { reportStixRoutes } from './from-reports.ts';
import { sharingRoutes } from './sharing/routes.ts';
import { IntelligenceSharing } from './sharing/service.ts';
import { taxiiRoutes } from './taxii/routes.ts';

/**
 * Threat intelligence: STIX 2.1 objects kept per collection and served over TAXII 2.1 at /taxii2/,
 * shared with the peers that subscribe to them.
 */
export function installIntelligence(app: HttpServer, db: Database, config: NodeConfig, federation: Federation): void {
  taxiiRoutes(app, db, { nodeId: config.nodeId, title: `Entraide ${config.nodeId}`, bodyLimit: config.bodyLimit, passwordCost: config.passwordCost });
  const sharing = new IntelligenceSharing(federation, app.log);
  sharingRoutes(app, db, federation);
  installIntelligenceAdmin(app, db, federation, { nodeId: config.nodeId, state: config.state });
  reportStixRoutes(app, db, config.nodeId);
  caseStixRoutes(app, db, config.nodeId);
  app.addHook('onClose', async () => sharing.uninstall());
}
