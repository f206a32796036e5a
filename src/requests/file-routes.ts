import { Type } from 'typebox';
import type { Federation } from '../federation/service.ts';
import type { Database } from '../platform/db/database.ts';
import { HttpProblem, notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { fileOf, filesOf, requestClosed, sealUpload } from './files.ts';
import { isFinal } from './kinds.ts';
import { REQUEST_ROLES, actorOf } from './routes.ts';
import { REQUESTS_PURPOSE, type Requests } from './service.ts';
import { findRequest } from './store.ts';
import { attachmentDisposition } from '../platform/http/attachment.ts';

const tags = ['requests'];
const access = { roles: REQUEST_ROLES, purpose: REQUESTS_PURPOSE };
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const FileSchema = Type.Object({
  sha256: Sha256, name: Type.String(), mediaType: Type.String(), size: Type.Integer(), seq: Type.Union([Type.Integer(), Type.Null()]), addedBy: Type.String(), addedAt: Type.String(),
});

/** A file name as a Content-Disposition header gives it, whatever characters it has (RFC 6266, RFC 8187). */

/**
 * Files of a request: added (streamed, encrypted on the way in) before the step that sends them —
 * the data a provider discloses, the evidence an MLA request returns — and read back, never inline.
 * In a scope of its own, so that no other route accepts a raw body.
 */
export function requestFileRoutes(app: HttpServer, db: Database, federation: Federation, requests: Requests): void {
  const limit = federation.config.federation.attachmentLimit;
  void app.register(async (scope: HttpServer) => {
    // Whatever the file's type (JSON, a form), its bytes stay a stream for the route: no parser reads them first.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));

    scope.post('/api/v1/requests/:id/files', {
      config: { access },
      schema: {
        tags,
        summary: 'Add a file to a request (the raw bytes as the body), to be sent by a later step that names its SHA-256',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/\\\\\\u0000-\\u001f]+$' }) }, { additionalProperties: false }),
        response: { 201: FileSchema, ...problemResponses },
      },
    }, async (request, reply) => {
      const row = await findRequest(db, request.params.id);
      if (!row) throw notFound(`request ${request.params.id}`);
      // Refused before a byte is stored; the service checks again as it adds the file.
      if (isFinal(row)) throw requestClosed(row);
      const declared = Number(request.headers['content-length']);
      if (!Number.isFinite(declared)) throw new HttpProblem(411, 'length-required', 'say how long the file is (Content-Length)');
      if (declared > limit) throw new HttpProblem(413, 'file-too-large', `a file may be at most ${limit} bytes: nothing was added`);
      const mediaType = String(request.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
      const file = await sealUpload(federation, request.raw, Math.min(declared, limit), { mediaType, name: request.query.name });
      if (file.size !== declared) throw new HttpProblem(400, 'length-mismatch', `the file has ${file.size} bytes, not the ${declared} announced: nothing was added`);
      await requests.addFile(actorOf(request), row.id, file);
      const added = (await filesOf(db, row.id)).find((f) => f.sha256 === file.sha256)!;
      return reply.code(201).send(added);
    });
  });

  app.get('/api/v1/requests/:id/files/:sha256', {
    config: { access },
    schema: {
      tags,
      summary: 'Download a file of a request, as an attachment (the reading is audited)',
      params: Type.Object({ id: Type.String({ format: 'uuid' }), sha256: Sha256 }),
      response: {
        200: { content: { 'application/octet-stream': { schema: Type.String({ format: 'binary', description: "the file's content, as added" }) } } },
        ...problemResponses,
      },
    },
  }, async (request, reply) => {
    const file = await fileOf(db, request.params.id, request.params.sha256);
    if (!file) throw notFound(`file ${request.params.sha256} of request ${request.params.id}`);
    await requests.recordReading(actorOf(request), request.params.id, 'downloaded', 'requests.file-read', [file], { sha256: file.sha256 });
    // Never rendered by the browser: whatever it holds is downloaded, not run.
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', attachmentDisposition(file.name))
      .header('content-length', String(file.size))
      .header('x-entraide-sha256', file.sha256)
      .send(await federation.openAttachment(file));
  });
}
