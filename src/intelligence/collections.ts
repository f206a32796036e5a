/** TAXII collections and what each role may do with them. */
import { type Actor, recordAudit } from '../audit/record.ts';
import { ROLES, type Role } from '../identity/roles.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { fieldRefusal, notFound } from '../platform/http/problem.ts';

export interface Collection {
  id: string;
  title: string;
  description: string | null;
  canRead: boolean;
  canWrite: boolean;
  /** The role that grants reading (or writing, if reading is not granted), named in audit records. */
  role: string | null;
}

const SELECT = `
  SELECT c.id, c.title, c.description,
         coalesce(bool_or(p.can_read), false) AS can_read, coalesce(bool_or(p.can_write), false) AS can_write,
         (array_agg(p.role ORDER BY p.can_read DESC, p.can_write DESC, p.role) FILTER (WHERE p.can_read OR p.can_write))[1] AS role
    FROM taxii_collections c
    LEFT JOIN collection_permissions p ON p.collection_id = c.id AND p.role = ANY($1::text[])`;

interface Row { id: string; title: string; description: string | null; can_read: boolean; can_write: boolean; role: string | null }
const toCollection = (row: Row): Collection => ({ id: row.id, title: row.title, description: row.description, canRead: row.can_read, canWrite: row.can_write, role: row.role });

/** The collections a holder of these roles may read or write, in the order they were made. */
export async function collectionsFor(db: Queryable, roles: readonly string[]): Promise<Collection[]> {
  const { rows } = await db.query<Row>(`${SELECT} GROUP BY c.id HAVING bool_or(p.can_read OR p.can_write) ORDER BY min(c.created_at), c.id`, [roles]);
  return rows.map(toCollection);
}

/** One collection with these roles' rights on it, or undefined if there is none with this id. */
export async function collectionFor(db: Queryable, id: string, roles: readonly string[]): Promise<Collection | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
  const { rows } = await db.query<Row>(`${SELECT} WHERE c.id = $2 GROUP BY c.id`, [roles, id]);
  return rows[0] && toCollection(rows[0]);
}

// ---------------------------------------------------------------------------------------------
// The administration of collections: the API and the console pages both go through these.

/** Why collections are listed and changed: the purpose their routes and audit records name. */
export const COLLECTIONS_PURPOSE = 'threat intelligence: the collections of this node and who may use them';

/**
 * The roles a collection may be opened to. Not provider_responder: a provider's response team checks
 * requests and answers them with data, while a collection may hold what peers gave this node's
 * authorities under TLP:AMBER. TAXII serves a reader every object of a collection whatever its
 * marking, so one checkbox would pass that AMBER on outside the community it was given to.
 */
export const GRANTABLE_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'provider_responder');

/**
 * One role's rights on a collection. Writing without reading is allowed, as TAXII 2.1 allows it
 * (can_write without can_read): a drop box where, say, contact points file indicators without
 * seeing what others filed. The TAXII server lists such a collection to its writers.
 */
export interface Permission {
  role: Role;
  canRead: boolean;
  canWrite: boolean;
}

export interface CollectionView {
  id: string;
  title: string;
  description: string | null;
  permissions: Permission[];
  /** Objects held, each counted once whatever its number of versions. */
  objects: number;
  createdAt: string;
  /** The subscription to a peer's collection that fills this one, if it is filled so. */
  subscription: { id: string; peer: string; collectionId: string; state: 'pending' | 'active' | 'refused' } | null;
}

/** An act of a signed-in person: who, and the request that bears the audit record. */
export interface Act {
  actor: Actor;
  id: string;
}

export interface CollectionText {
  title: string;
  description?: string | null | undefined;
}

const VIEW = `
  SELECT c.id, c.title, c.description, c.created_at,
         coalesce((SELECT json_agg(json_build_object('role', p.role, 'canRead', p.can_read, 'canWrite', p.can_write))
                     FROM collection_permissions p WHERE p.collection_id = c.id AND (p.can_read OR p.can_write)), '[]') AS permissions,
         (SELECT count(*)::int FROM stix_objects o WHERE o.collection_id = c.id AND o.latest) AS objects,
         s.id AS subscription_id, s.peer, s.scope, s.state
    FROM taxii_collections c
    LEFT JOIN intelligence_subscriptions s ON s.collection_id = c.id`;

interface ViewRow {
  id: string; title: string; description: string | null; created_at: Date; permissions: Permission[]; objects: number;
  subscription_id: string | null; peer: string | null; scope: string | null; state: 'pending' | 'active' | 'refused' | null;
}

const byRole = (a: Permission, b: Permission) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role);
const viewOf = (row: ViewRow): CollectionView => ({
  id: row.id, title: row.title, description: row.description, permissions: [...row.permissions].sort(byRole), objects: row.objects, createdAt: row.created_at.toISOString(),
  subscription: row.subscription_id ? { id: row.subscription_id, peer: row.peer!, collectionId: row.scope!, state: row.state! } : null,
});

/** Every collection of this node, in the order they were made. */
export async function listCollections(db: Queryable): Promise<CollectionView[]> {
  return (await db.query<ViewRow>(`${VIEW} ORDER BY c.created_at, c.id`)).rows.map(viewOf);
}

export async function collectionView(db: Queryable, id: string): Promise<CollectionView> {
  const { rows } = await db.query<ViewRow>(`${VIEW} WHERE c.id = $1`, [id]);
  if (!rows[0]) throw notFound(`collection ${id}`);
  return viewOf(rows[0]);
}

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 2000;

/** Characters as the schemas count them: code points, so that an emoji is one. */
const characters = (text: string) => [...text].length;

/** The title and description as stored: trimmed, an empty description none. */
function checkText(text: Partial<CollectionText>): { title?: string; description?: string | null } {
  const errors = [];
  const title = text.title?.trim();
  if (title !== undefined && title === '') errors.push({ pointer: '/title', code: 'title-required', detail: 'give the collection a title' });
  if (title !== undefined && characters(title) > TITLE_MAX) errors.push({ pointer: '/title', code: 'title-too-long', detail: `a title has at most ${TITLE_MAX} characters` });
  const description = text.description === undefined ? undefined : text.description?.trim() || null;
  if (description && characters(description) > DESCRIPTION_MAX) errors.push({ pointer: '/description', code: 'description-too-long', detail: `a description has at most ${DESCRIPTION_MAX} characters` });
  if (errors.length > 0) throw fieldRefusal(400, 'invalid-collection', errors);
  return { ...(title === undefined ? {} : { title }), ...(description === undefined ? {} : { description }) };
}

/** The rights given, one per role; a role given nothing is left out. */
function checkPermissions(permissions: readonly Permission[]): Permission[] {
  const errors = [];
  for (const [index, { role }] of permissions.entries()) {
    if (!GRANTABLE_ROLES.includes(role)) errors.push({ pointer: `/permissions/${index}/role`, code: 'role-not-grantable', detail: `${role} may not be given intelligence: a provider's staff is outside the community that TLP:AMBER names` });
    if (permissions.findIndex((other) => other.role === role) < index) errors.push({ pointer: `/permissions/${index}/role`, code: 'role-twice', detail: `${role} is given twice` });
  }
  if (errors.length > 0) throw fieldRefusal(400, 'invalid-permissions', errors);
  return permissions.filter((permission) => permission.canRead || permission.canWrite).map(({ role, canRead, canWrite }) => ({ role, canRead, canWrite })).sort(byRole);
}

async function writePermissions(tx: Queryable, id: string, permissions: readonly Permission[]): Promise<void> {
  await tx.query('DELETE FROM collection_permissions WHERE collection_id = $1', [id]);
  await tx.query(
    `INSERT INTO collection_permissions (collection_id, role, can_read, can_write)
     SELECT $1, p.role, p."canRead", p."canWrite" FROM json_to_recordset($2::json) AS p (role text, "canRead" boolean, "canWrite" boolean)`,
    [id, JSON.stringify(permissions)],
  );
}

const audit = (tx: Queryable, act: Act, action: string, id: string, details: Record<string, unknown>) =>
  recordAudit(tx, { actor: act.actor, action: `intelligence.collection.${action}`, subject: { type: 'taxii-collection', id }, purpose: COLLECTIONS_PURPOSE, requestId: act.id, details });

export async function createCollection(db: Database, act: Act, input: CollectionText & { permissions: readonly Permission[] }): Promise<CollectionView> {
  const { title, description = null } = checkText({ title: input.title, description: input.description ?? null });
  const permissions = checkPermissions(input.permissions);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>('INSERT INTO taxii_collections (title, description) VALUES ($1, $2) RETURNING id', [title, description]);
    const id = rows[0]!.id;
    await writePermissions(tx, id, permissions);
    await audit(tx, act, 'create', id, { title, permissions });
    return collectionView(tx, id);
  });
}

/** Locks the collection for a change, so that two changes of it take turns. */
async function lockCollection(tx: Queryable, id: string): Promise<CollectionView> {
  if ((await tx.query('SELECT 1 FROM taxii_collections WHERE id = $1 FOR UPDATE', [id])).rows.length === 0) throw notFound(`collection ${id}`);
  return collectionView(tx, id);
}

/** Replaces who may read and write the collection. One filled by a subscription stays read-only: its content is the peer's. */
export async function setPermissions(db: Database, act: Act, id: string, given: readonly Permission[]): Promise<CollectionView> {
  const permissions = checkPermissions(given);
  return db.transaction(async (tx) => {
    const before = await lockCollection(tx, id);
    const writers = permissions.filter((permission) => permission.canWrite);
    if (before.subscription && writers.length > 0) {
      throw fieldRefusal(409, 'filled-by-subscription', writers.map((permission) => ({
        pointer: `/permissions/${given.findIndex((other) => other.role === permission.role)}/canWrite`, code: 'filled-by-subscription',
        detail: `this collection is filled by a subscription to ${before.subscription!.peer}: what it holds comes from that peer, so no one here may write to it (${permission.role})`,
      })));
    }
    await writePermissions(tx, id, permissions);
    await audit(tx, act, 'permissions', id, { before: before.permissions, after: permissions });
    return collectionView(tx, id);
  });
}

/** Changes the title or the description; a description given as null or blank is removed. */
export async function updateCollection(db: Database, act: Act, id: string, text: Partial<CollectionText>): Promise<CollectionView> {
  const changed = checkText(text);
  return db.transaction(async (tx) => {
    const before = await lockCollection(tx, id);
    await tx.query('UPDATE taxii_collections SET title = coalesce($2::text, title), description = CASE WHEN $3::boolean THEN $4::text ELSE description END WHERE id = $1', [
      id, changed.title ?? null, changed.description !== undefined, changed.description ?? null,
    ]);
    await audit(tx, act, 'update', id, { before: { title: before.title, description: before.description }, after: changed });
    return collectionView(tx, id);
  });
}
