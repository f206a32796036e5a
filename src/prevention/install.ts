import type { FastifyRequest } from 'fastify';
import type { NodeIdentity } from '../console/layout.ts';
import type { NodeConfig } from '../platform/config.ts';
import { BlobStore } from '../platform/blobs.ts';
import type { Database } from '../platform/db/database.ts';
import { deleteExpiredDrafts } from './drafts.ts';
import type { HttpServer, HttpServerOptions } from '../platform/http/server.ts';
import { phoneRegionOf } from './identifiers.ts';
import { fillMatchKeys } from './match-keys.ts';
import { isPublicPage, preventionPages, renderPublicErrorPage } from './pages.ts';
import { deleteExpiredReports, retentionPolicy } from './retention.ts';
import { helpPages } from './help-pages.ts';
import { installPublications } from './publications.ts';
import { preventionRoutes } from './routes.ts';
import { preventionStaffPages } from './staff-pages.ts';
import { SubmissionLimiter } from './submissions.ts';
import { surveyPages } from './survey-pages.ts';
import { surveyRoutes } from './survey-routes.ts';
import { surveyStaffPage } from './survey-staff-page.ts';

/** How often the reports past their retention period are looked for (and once at start). */
const RETENTION_INTERVAL_MS = 3600_000;

/**
 * The public portal, its API and the staff's pages, sharing one limit on submissions (reports and
 * answers to the business survey); advisories and good practices; the help pages; the match keys of identifiers stored before the portal had them, filled at start;
 * and the retention job.
 */
export function installPrevention(app: HttpServer, db: Database, config: NodeConfig, node: NodeIdentity): void {
  const limiter = new SubmissionLimiter(config.prevention.reportsPerHour);
  // National numbers are read as the node's State writes them, when its number plan is known.
  const intake = { phoneRegion: phoneRegionOf(config.state) };
  const retention = retentionPolicy(config.prevention.retentionDays);
  // The node's store of encrypted files, which the files of requests share: each copy has its own key.
  const store = new BlobStore(config.blobDir);
  preventionRoutes(app, db, limiter, intake, store);
  preventionPages(app, db, limiter, { childHotline: config.prevention.childHotlineUrl, intake, retention, privacyContact: config.prevention.privacyContact, store });
  preventionStaffPages(app, db, node);
  installPublications(app, db, config, node);
  helpPages(app);
  surveyPages(app, db, limiter);
  surveyRoutes(app, db, limiter);
  surveyStaffPage(app, db, node);

  const expire = async () => {
    try {
      const { deleted, byType } = await deleteExpiredReports(db, retention);
      if (deleted > 0) app.log.info({ deleted, byType }, 'reports past their retention period deleted');
      const drafts = await deleteExpiredDrafts(db);
      if (drafts > 0) app.log.info({ drafts }, 'drafts of reports past their expiry deleted');
    } catch (error) {
      app.log.error({ err: error }, 'cannot delete the reports past their retention period');
    }
  };
  app.addHook('onReady', async () => {
    const filled = await fillMatchKeys(db, intake);
    if (filled > 0) app.log.info({ filled }, 'match keys computed for report identifiers stored without one');
    await expire();
  });
  const timer = setInterval(() => void expire(), RETENTION_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

type ErrorPage = NonNullable<HttpServerOptions['renderErrorPage']>;

/** Errors on the portal's pages in the portal's frame; everywhere else, the console's. */
export const withPublicErrorPages = (console: ErrorPage): ErrorPage => (request: FastifyRequest, status: number, detail: string) =>
  isPublicPage(request.url) ? renderPublicErrorPage(request, status) : console(request, status, detail);
