/**
 * The API of this node's TAXII collections: list them with who may read and write each (analysts and
 * the administrator), make one and set its rights (the administrator). There is no deleting: a
 * collection's id may be in peers' subscriptions and TAXII clients' settings, and what it holds is
 * kept; one no longer wanted is closed by giving no role any right and sharing it with no peer.
 */
import { Type } from 'typebox';
import { ROLES, type Role } from '../identity/roles.ts';
import type { Database } from '../platform/db/database.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../platform/schema.ts';
import { COLLECTIONS_PURPOSE, DESCRIPTION_MAX, TITLE_MAX, collectionView, createCollection, listCollections, setPermissions, updateCollection } from './collections.ts';

const tags = ['intelligence'];
/** Who sees the collections and their rights: those who share intelligence and the one who sets the rights. */
export const COLLECTION_READERS: readonly Role[] = ['analyst', 'node_admin'];
export const readingCollections = { roles: COLLECTION_READERS, purpose: COLLECTIONS_PURPOSE };
export const administeringCollections = { roles: ['node_admin'] as readonly Role[], purpose: COLLECTIONS_PURPOSE };

const PermissionSchema = Type.Object({ role: StringEnum(ROLES), canRead: Type.Boolean(), canWrite: Type.Boolean() }, { additionalProperties: false });
const Permissions = Type.Array(PermissionSchema, {
  maxItems: ROLES.length,
  description: 'each role at most once; a role left out may neither read nor write; provider_responder may not be given intelligence',
});
const Title = Type.String({ minLength: 1, maxLength: TITLE_MAX });
const Description = Type.String({ maxLength: DESCRIPTION_MAX });

const CollectionSchema = Type.Object({
  id: Type.String({ format: 'uuid' }), title: Type.String(), description: Nullable(Type.String()),
  permissions: Type.Array(PermissionSchema), objects: Type.Integer({ description: 'objects held, each counted once whatever its versions' }), createdAt: Timestamp,
  subscription: Nullable(Type.Object({
    id: Type.String(), peer: Type.String(), collectionId: Type.String({ description: 'the peer\'s collection' }), state: StringEnum(['pending', 'active', 'refused'] as const),
  }, { description: 'the subscription that fills this collection with a peer\'s: it cannot be written here' })),
}, { $id: 'IntelligenceCollection' });
const One = Type.Ref('IntelligenceCollection');
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function collectionRoutes(app: HttpServer, db: Database): void {
  app.addSchema(CollectionSchema);

  app.get('/api/v1/intelligence/collections', {
    config: { access: readingCollections },
    schema: {
      tags, summary: 'This node\'s TAXII collections: who may read and write each, how many objects it holds, and the peer that fills it if a subscription does',
      response: { 200: Type.Object({ items: Type.Array(One) }), ...problemResponses },
    },
  }, async () => ({ items: await listCollections(db) }));

  app.get('/api/v1/intelligence/collections/:id', {
    config: { access: readingCollections },
    schema: { tags, summary: 'One collection, with who may read and write it', params: Id, response: { 200: One, ...problemResponses } },
  }, async (request) => collectionView(db, request.params.id));

  app.post('/api/v1/intelligence/collections', {
    config: { access: administeringCollections },
    schema: {
      tags, summary: 'Make a collection, served over TAXII to the roles given',
      body: Type.Object({ title: Title, description: Type.Optional(Nullable(Description)), permissions: Permissions }, { additionalProperties: false }),
      response: { 201: One, ...problemResponses },
    },
  }, async (request, reply) => reply.code(201).send(await createCollection(db, request, request.body)));

  app.put('/api/v1/intelligence/collections/:id/permissions', {
    config: { access: administeringCollections },
    schema: {
      tags, summary: 'Set who may read and write the collection; one filled by a subscription cannot be made writable (409)',
      params: Id, body: Type.Object({ permissions: Permissions }, { additionalProperties: false }), response: { 200: One, ...problemResponses },
    },
  }, async (request) => setPermissions(db, request, request.params.id, request.body.permissions));

  app.patch('/api/v1/intelligence/collections/:id', {
    config: { access: administeringCollections },
    schema: {
      tags, summary: 'Change the title or the description of the collection (null removes the description)',
      params: Id, body: Type.Object({ title: Type.Optional(Title), description: Type.Optional(Nullable(Description)) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: One, ...problemResponses },
    },
  }, async (request) => updateCollection(db, request, request.params.id, request.body));
}
