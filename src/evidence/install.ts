import type { Federation } from '../federation/service.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { evidenceRoutes } from './routes.ts';

/** Evidence: the chain of custody of files and their export as verifiable bundles. Custody is recorded where files are handled (src/requests). */
export function installEvidence(app: HttpServer, db: Database, federation: Federation, ledger: Ledger): void {
  evidenceRoutes(app, db, federation, ledger);
}
