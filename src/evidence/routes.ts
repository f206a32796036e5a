import type { FastifyReply } from 'fastify';
import { type Static, Type } from 'typebox';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Federation } from '../federation/service.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Database } from '../platform/db/database.ts';
import { notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../platform/schema.ts';
import { READERS as CASE_READERS } from '../requests/case-routes.ts';
import { findCase } from '../requests/cases.ts';
import { REQUEST_ROLES } from '../requests/routes.ts';
import { findRequest } from '../requests/store.ts';
import { CUSTODY_ACTS, custodyOf } from './custody.ts';
import { EVIDENCE_PURPOSE, type ExportScope, exportEvidence } from './export.ts';

const tags = ['evidence'];
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: "the file's SHA-256, lowercase hexadecimal" });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

const CustodyRecordSchema = Type.Object({
  id: Type.Integer(), at: Timestamp, actorId: Nullable(Type.String()), actorName: Type.String(), role: Nullable(Type.String()),
  act: StringEnum(CUSTODY_ACTS), sha256: Sha256, requestId: Nullable(Type.String()), caseId: Nullable(Type.String()), purpose: Type.String(),
  node: Type.String(), peer: Nullable(Type.String()), details: Type.Record(Type.String(), Type.Unknown()),
  logIndex: Nullable(Type.Integer({ description: 'its leaf in the tamper-evident log, once added (GET /api/v1/log/inclusion?index=…)' })),
});

const ZipResponse = {
  200: { content: { 'application/zip': { schema: Type.String({ format: 'binary', description: 'the bundle: check it offline with `entraide verify BUNDLE`' }) } } },
  ...problemResponses,
};

/** The chain of custody of a file, and the export of a request's or a case's evidence as a verifiable bundle. */
export function evidenceRoutes(app: HttpServer, db: Database, federation: Federation, ledger: Ledger): void {
  const requestAccess = { roles: REQUEST_ROLES, purpose: EVIDENCE_PURPOSE };

  app.get('/api/v1/evidence/:sha256/custody', {
    config: { access: requestAccess },
    schema: {
      tags,
      summary: 'The chain of custody of a file of a request on this node: every act on it, oldest first (the reading is audited)',
      params: Type.Object({ sha256: Sha256 }),
      response: { 200: Type.Object({ sha256: Sha256, records: Type.Array(CustodyRecordSchema) }), ...problemResponses },
    },
  }, async (request) => {
    const { sha256 } = request.params;
    const { rows } = await db.query('SELECT 1 FROM request_files WHERE sha256 = $1 LIMIT 1', [sha256]);
    if (rows.length === 0) throw notFound(`a file ${sha256} of a request on this node`);
    await recordAudit(db, { actor: request.actor, action: 'evidence.custody.read', subject: { type: 'file', id: sha256 }, purpose: EVIDENCE_PURPOSE, requestId: request.id });
    return { sha256, records: (await custodyOf(db, [sha256])) as Static<typeof CustodyRecordSchema>[] };
  });

  const sendBundle = async (request: { actor: Actor; id: string }, scope: ExportScope, reply: FastifyReply) => {
    const bundle = await exportEvidence(db, federation, ledger, { actor: request.actor, requestId: request.id }, scope);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="evidence-${scope.type}-${scope.id}.zip"`)
      .send(bundle);
  };

  app.get('/api/v1/requests/:id/export', {
    config: { access: requestAccess },
    schema: { tags, summary: "Export the request's files with their chain of custody, proofs and signed messages as a ZIP bundle (the export is recorded)", params: Id, response: ZipResponse },
  }, async (request, reply) => {
    const row = await findRequest(db, request.params.id);
    if (!row) throw notFound(`request ${request.params.id}`);
    return sendBundle(request, { type: 'request', id: row.id, requestIds: [row.id] }, reply);
  });

  app.post('/api/v1/cases/:id/export', {
    config: { access: { roles: CASE_READERS, purpose: EVIDENCE_PURPOSE } },
    schema: { tags, summary: 'Export the files of every request of the case, as for one request', params: Id, response: ZipResponse },
  }, async (request, reply) => {
    const found = await findCase(db, request.params.id);
    const { rows } = await db.query<{ id: string }>('SELECT id FROM requests WHERE case_id = $1 ORDER BY created_at', [found.id]);
    return sendBundle(request, { type: 'case', id: found.id, requestIds: rows.map((row) => row.id) }, reply);
  });
}
