import type { FastifyRequest } from 'fastify';
import type { NodeIdentity } from '../console/layout.ts';
import type { NodeConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/database.ts';
import type { HttpServer, HttpServerOptions } from '../platform/http/server.ts';
import { isPublicPage, preventionPages, renderPublicErrorPage } from './pages.ts';
import { preventionRoutes } from './routes.ts';
import { preventionStaffPages } from './staff-pages.ts';
import { SubmissionLimiter } from './submissions.ts';

/** The public portal, its API and the staff's pages, sharing one limit on submissions. */
export function installPrevention(app: HttpServer, db: Database, config: NodeConfig, node: NodeIdentity): void {
  const limiter = new SubmissionLimiter(config.prevention.reportsPerHour);
  preventionRoutes(app, db, limiter);
  preventionPages(app, db, limiter, config.prevention.childHotlineUrl);
  preventionStaffPages(app, db, node);
}

type ErrorPage = NonNullable<HttpServerOptions['renderErrorPage']>;

/** Errors on the portal's pages in the portal's frame; everywhere else, the console's. */
export const withPublicErrorPages = (console: ErrorPage): ErrorPage => (request: FastifyRequest, status: number, detail: string) =>
  isPublicPage(request.url) ? renderPublicErrorPage(request, status) : console(request, status, detail);
