import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { auditRoutes } from '../audit/routes.ts';
import { apiDocs } from '../console/api-docs.ts';
import { federationPages } from '../console/federation-pages.ts';
import { consolePages, renderErrorPage } from '../console/pages.ts';
import { installGuard } from '../identity/guard.ts';
import { LoginService } from '../identity/login.ts';
import { ADMIN } from '../identity/roles.ts';
import { identityRoutes } from '../identity/routes.ts';
import { type NodeConfig, usesHttps } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import { type HttpServer, createHttpServer } from '../platform/http/server.ts';
import { Federation } from '../federation/service.ts';
import { federationRoutes } from '../federation/routes.ts';
import { installPrevention, withPublicErrorPages } from '../prevention/install.ts';
import { installRequests } from '../requests/install.ts';
import { installLedger } from '../ledger/install.ts';
import { installEvidence } from '../evidence/install.ts';
import { installIntelligence } from '../intelligence/install.ts';
import { installWallets } from '../intelligence/wallets/install.ts';
import { installStatistics } from '../statistics/install.ts';
import { installObservatory } from '../observatory/install.ts';
import { healthRoute } from './health.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One node's HTTP application over an open, migrated database. */
export async function buildApp(config: NodeConfig, db: Database, logger: Logger, keySecret: string): Promise<{ app: HttpServer; federation: Federation }> {
  const node = { nodeId: config.nodeId, state: config.state };
  const app = await createHttpServer({
    logger,
    bodyLimit: config.bodyLimit,
    title: `Entraide node ${config.nodeId}`,
    version: VERSION,
    renderErrorPage: withPublicErrorPages(renderErrorPage(node)),
  });
  const login = new LoginService(db, { passwordCost: config.passwordCost, sessionHours: config.sessionHours });
  installGuard(app, db);
  apiDocs(app, node);
  healthRoute(app, db, config.nodeId);
  identityRoutes(app, db, login, config.passwordCost, `Entraide ${config.nodeId}`);
  auditRoutes(app, db, ADMIN);
  consolePages(app, db, login, node, usesHttps(config));
  const federation = await Federation.open(db, config, keySecret, logger);
  federationRoutes(app, federation, ADMIN);
  federationPages(app, federation, node);
  installPrevention(app, db, config, node);
  installRequests(app, db, federation, node);
  installEvidence(app, db, federation, await installLedger(app, db, federation));
  installIntelligence(app, db, config, federation);
  installWallets(app, db, node);
  installStatistics(app, db, node);
  installObservatory(app, db, node);
  app.addHook('onClose', () => federation.stop());
  await app.ready();
  return { app, federation };
}
