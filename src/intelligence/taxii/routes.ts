/**
 * The TAXII 2.1 server (OASIS TAXII Version 2.1, sections 4 and 5): discovery, one API root named after
 * the node, its collections, objects, manifests, versions and status resources. It lives in its own
 * encapsulated plugin: TAXII media types in and out, TAXII error objects, and its own authentication.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { recordAudit } from '../../audit/record.ts';
import { PUBLIC } from '../../platform/http/access.ts';
import type { Database } from '../../platform/db/database.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { type Collection, collectionFor, collectionsFor } from '../collections.ts';
import { type StoredVersion, addVersions, deleteVersions, findVersions } from '../store.ts';
import { type StixObject, describeStixErrors, validateStixObject } from '../stix/validate.ts';
import { type TaxiiUser, TaxiiAuthenticator } from './auth.ts';
import { TaxiiError, badRequest, forbidden, notFound, sendTaxiiError } from './errors.ts';
import { STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, acceptsTaxii21, isTaxii21 } from './media.ts';
import { type Filters, nextToken, parseFilters } from './query.ts';

export interface TaxiiSettings {
  nodeId: string;
  title: string;
  bodyLimit: number;
  passwordCost: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    taxiiUser: TaxiiUser;
  }
}

const PURPOSE = 'threat intelligence sharing';

type Params = { root: string; collection: string; object: string; status: string };
type Query = Record<string, string | string[] | undefined>;

/** Decodes a TAXII body as strictly as the node's JSON: UTF-8 only, no prototype poisoning, no U+0000. */
function parseTaxiiJson(_request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    done(null, secureJson.parse(text, (_key, value: unknown) => {
      if (typeof value === 'string' && value.includes('\u0000')) throw new Error('U+0000');
      return value;
    }, { protoAction: 'error', constructorAction: 'error' }));
  } catch {
    done(badRequest('the body is not well-formed JSON in UTF-8 (without the character U+0000)'));
  }
}

export function taxiiRoutes(app: HttpServer, db: Database, settings: TaxiiSettings): void {
  const authenticator = new TaxiiAuthenticator(db, settings.passwordCost);
  const rootUrl = (request: FastifyRequest) => `${request.protocol}://${request.host}/taxii2/${settings.nodeId}/`;

  void app.register(async (taxii) => {
    taxii.removeAllContentTypeParsers();
    taxii.addContentTypeParser('application/taxii+json', { parseAs: 'buffer', bodyLimit: settings.bodyLimit }, parseTaxiiJson);
    taxii.decorateRequest('taxiiUser', undefined as unknown as TaxiiUser);
    taxii.setErrorHandler((error, request, reply) => sendTaxiiError(request, reply, error as FastifyError));
    taxii.setNotFoundHandler((request, reply) => sendTaxiiError(request, reply, notFound(`nothing at ${request.method} ${request.url.split('?')[0]}`)));
    // Access is checked here rather than by the node's guard: TAXII clients authenticate with HTTP Basic,
    // and rights are per collection, not per route.
    taxii.addHook('onRequest', async (request) => {
      request.taxiiUser = await authenticator.authenticate(request);
      if (!acceptsTaxii21(request.headers.accept)) throw new TaxiiError(406, 'not-acceptable', `this server answers in ${TAXII_MEDIA_TYPE}: ask for it in Accept`);
      const { root } = request.params as Partial<Params>;
      if (root !== undefined && root !== settings.nodeId) throw notFound(`there is no API root ${root}`);
    });
    taxii.addHook('preValidation', async (request) => {
      if (request.method === 'POST' && !isTaxii21(request.headers['content-type'])) {
        throw new TaxiiError(415, 'unsupported-media-type', `send ${TAXII_MEDIA_TYPE}`);
      }
    });

    const send = (reply: FastifyReply, body: unknown, status = 200) => reply.code(status).type(TAXII_MEDIA_TYPE).serializer(JSON.stringify).send(body);
    const route = (method: 'GET' | 'POST' | 'DELETE', url: string, summary: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
      taxii.route({ method, url, handler, schema: { hide: true, summary, tags: ['taxii'] }, config: { access: PUBLIC } });

    async function collectionOf(request: FastifyRequest, need: 'read' | 'write'): Promise<Collection> {
      const { collection: id } = request.params as Params;
      const collection = await collectionFor(db, id, request.taxiiUser.roles);
      if (!collection || !(collection.canRead || collection.canWrite)) throw notFound(`there is no collection ${id} for you`);
      if (need === 'read' ? !collection.canRead : !collection.canWrite) {
        const user = request.taxiiUser;
        await recordAudit(db, {
          actor: { id: user.id, name: user.username, role: collection.role },
          action: 'access.denied',
          subject: { type: 'taxii-collection', id: collection.id },
          purpose: PURPOSE,
          outcome: 'refused',
          requestId: request.id,
          details: { wanted: need, roles: user.roles },
        });
        throw forbidden(`you may not ${need} collection ${id}`);
      }
      return collection;
    }

    /** Reads one page of versions, with the audit record that every read of intelligence leaves. */
    async function readPage(request: FastifyRequest, collection: Collection, filters: Filters, what: string, ids = filters.ids) {
      return db.transaction(async (tx) => {
        const page = await findVersions(tx, { collectionId: collection.id, ...filters, ids });
        const user = request.taxiiUser;
        await recordAudit(tx, {
          actor: { id: user.id, name: user.username, role: collection.role },
          action: `intelligence.${what}.read`,
          subject: { type: 'taxii-collection', id: collection.id },
          purpose: PURPOSE,
          requestId: request.id,
          details: { count: page.versions.length, ...(ids ? { ids: ids.slice(0, 20) } : {}), ...(filters.types ? { types: filters.types } : {}) },
        });
        return page;
      });
    }

    /** The pagination headers and fields every list answer carries. */
    function paged(reply: FastifyReply, page: { versions: StoredVersion[]; more: boolean }) {
      const first = page.versions[0];
      const last = page.versions.at(-1);
      if (first && last) reply.header('x-taxii-date-added-first', first.dateAdded).header('x-taxii-date-added-last', last.dateAdded);
      return { more: page.more, ...(page.more && last ? { next: nextToken(last.dateAdded) } : {}) };
    }

    function envelope(reply: FastifyReply, page: { versions: StoredVersion[]; more: boolean }) {
      const head = paged(reply, page);
      // The objects are stored as JSON text: the page is assembled without parsing them again.
      const body = page.versions.length === 0 ? '{}' : `${JSON.stringify(head).slice(0, -1)},"objects":[${page.versions.map((v) => v.json).join(',')}]}`;
      // Sent as bytes: Fastify rewrites the media type of a string answer (`version="2.1"; charset=utf-8`),
      // which the OASIS client refuses, since it looks for `version=2.1` as written in its Accept.
      return reply.type(TAXII_MEDIA_TYPE).send(Buffer.from(body, 'utf8'));
    }

    route('GET', '/', 'TAXII discovery', async (request, reply) =>
      send(reply, { title: settings.title, description: `TAXII 2.1 server of node ${settings.nodeId}`, default: rootUrl(request), api_roots: [rootUrl(request)] }));

    route('GET', '/:root/', 'TAXII API root', async (_request, reply) =>
      send(reply, { title: settings.title, description: 'Threat intelligence of this node', versions: [TAXII_MEDIA_TYPE], max_content_length: settings.bodyLimit }));

    const collectionResource = (c: Collection) => ({
      id: c.id, title: c.title, ...(c.description ? { description: c.description } : {}), can_read: c.canRead, can_write: c.canWrite, media_types: [STIX_MEDIA_TYPE],
    });

    route('GET', '/:root/collections/', 'TAXII collections', async (request, reply) => {
      const collections = await collectionsFor(db, request.taxiiUser.roles);
      return send(reply, collections.length ? { collections: collections.map(collectionResource) } : {});
    });

    route('GET', '/:root/collections/:collection/', 'TAXII collection', async (request, reply) => {
      const { collection: id } = request.params as Params;
      const collection = await collectionFor(db, id, request.taxiiUser.roles);
      if (!collection || !(collection.canRead || collection.canWrite)) throw notFound(`there is no collection ${id} for you`);
      return send(reply, collectionResource(collection));
    });

    route('GET', '/:root/collections/:collection/objects/', 'TAXII objects of a collection', async (request, reply) => {
      const collection = await collectionOf(request, 'read');
      return envelope(reply, await readPage(request, collection, parseFilters(request.query as Query, ['last'], { match: true }), 'objects'));
    });

    route('GET', '/:root/collections/:collection/manifest/', 'TAXII manifest of a collection', async (request, reply) => {
      const collection = await collectionOf(request, 'read');
      const page = await readPage(request, collection, parseFilters(request.query as Query, ['last'], { match: true }), 'manifest');
      const head = paged(reply, page);
      const objects = page.versions.map((v) => ({ id: v.id, date_added: v.dateAdded, version: v.version, media_type: `application/stix+json;version=${v.specVersion}` }));
      return send(reply, objects.length ? { ...head, objects } : {});
    });

    route('GET', '/:root/collections/:collection/objects/:object/', 'TAXII one object', async (request, reply) => {
      const collection = await collectionOf(request, 'read');
      const { object } = request.params as Params;
      const page = await readPage(request, collection, parseFilters(request.query as Query, ['last'], { match: true }), 'object', [object]);
      if (page.versions.length === 0 && !(request.query as Query).next) throw notFound(`there is no object ${object} in this collection`);
      return envelope(reply, page);
    });

    route('GET', '/:root/collections/:collection/objects/:object/versions/', 'TAXII versions of an object', async (request, reply) => {
      const collection = await collectionOf(request, 'read');
      const { object } = request.params as Params;
      const page = await readPage(request, collection, parseFilters(request.query as Query, ['all'], { match: false }), 'versions', [object]);
      if (page.versions.length === 0 && !(request.query as Query).next) throw notFound(`there is no object ${object} in this collection`);
      return send(reply, { ...paged(reply, page), versions: page.versions.map((v) => v.version) });
    });

    route('DELETE', '/:root/collections/:collection/objects/:object/', 'TAXII delete an object', async (request, reply) => {
      const collection = await collectionOf(request, 'write');
      const { object } = request.params as Params;
      const filters = parseFilters(request.query as Query, ['all'], { match: true });
      const user = request.taxiiUser;
      const removed = await db.transaction(async (tx) => {
        const count = await deleteVersions(tx, collection.id, object, filters.versions, filters.specVersions);
        if (count > 0) {
          await recordAudit(tx, {
            actor: { id: user.id, name: user.username, role: collection.role },
            action: 'intelligence.object.delete',
            subject: { type: 'stix-object', id: object },
            purpose: PURPOSE,
            requestId: request.id,
            details: { collection: collection.id, versions: count },
          });
        }
        return count;
      });
      if (removed === 0) throw notFound(`there is no object ${object} in this collection`);
      return send(reply, {});
    });

    route('POST', '/:root/collections/:collection/objects/', 'TAXII add objects', async (request, reply) => {
      const collection = await collectionOf(request, 'write');
      const body = request.body as { objects?: unknown } | null;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body must be a TAXII envelope: {"objects": [ … ]}');
      if (!Array.isArray(body.objects)) throw badRequest('the envelope needs a list of objects');
      const failures: { id: string; version?: string; message: string }[] = [];
      const valid: StixObject[] = [];
      for (const candidate of body.objects) {
        const errors = validateStixObject(candidate);
        if (errors.length === 0) {
          valid.push(candidate as StixObject);
        } else {
          const { id, modified } = (candidate ?? {}) as { id?: unknown; modified?: unknown };
          failures.push({ id: typeof id === 'string' ? id.slice(0, 300) : '', ...(typeof modified === 'string' ? { version: modified.slice(0, 40) } : {}), message: describeStixErrors(errors) });
        }
      }
      const user = request.taxiiUser;
      const status = await db.transaction(async (tx) => {
        const added = valid.length ? await addVersions(tx, collection.id, valid, { node: settings.nodeId, userId: user.id }) : [];
        const successes = added.map((a) => ({ id: a.id, version: a.version, ...(a.added ? {} : { message: 'this version was already in the collection' }) }));
        const { rows } = await tx.query<{ id: string; requested_at: string }>(
          `INSERT INTO taxii_status (collection_id, requested_by, requested_at, successes, failures) VALUES ($1, $2, now(), $3, $4)
           RETURNING id, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS requested_at`,
          [collection.id, user.id, JSON.stringify(successes), JSON.stringify(failures)],
        );
        await recordAudit(tx, {
          actor: { id: user.id, name: user.username, role: collection.role },
          action: 'intelligence.objects.add',
          subject: { type: 'taxii-collection', id: collection.id },
          purpose: PURPOSE,
          requestId: request.id,
          details: { added: added.filter((a) => a.added).length, unchanged: added.filter((a) => !a.added).length, refused: failures.length },
        });
        return statusResource(rows[0]!.id, rows[0]!.requested_at, successes, failures);
      });
      return send(reply, status, 202);
    });

    route('GET', '/:root/status/:status/', 'TAXII status of a request', async (request, reply) => {
      const { status: id } = request.params as Params;
      const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
      // A status tells what someone sent: only they may read it.
      const { rows } = valid
        ? await db.query<{ id: string; requested_at: string; successes: Entry[]; failures: Entry[] }>(
          `SELECT id, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS requested_at, successes, failures
             FROM taxii_status WHERE id = $1 AND requested_by = $2`,
          [id, request.taxiiUser.id],
        )
        : { rows: [] };
      const row = rows[0];
      if (!row) throw notFound(`there is no status ${id} for you`);
      return send(reply, statusResource(row.id, row.requested_at, row.successes, row.failures));
    });
  }, { prefix: '/taxii2' });
}

type Entry = { id: string; version?: string; message?: string };

/** The status resource (section 4.3.1): every request is processed at once, so nothing is ever pending. */
function statusResource(id: string, requestedAt: string, successes: Entry[], failures: Entry[]) {
  return {
    id,
    status: 'complete',
    request_timestamp: requestedAt,
    total_count: successes.length + failures.length,
    success_count: successes.length,
    successes,
    failure_count: failures.length,
    failures,
    pending_count: 0,
    pendings: [],
  };
}
