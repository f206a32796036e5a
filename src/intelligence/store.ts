/**
 * STIX objects kept per collection, every version of each, in the same SQL on PGlite and on a
 * PostgreSQL server. Versions are read and written here; who may do so is decided by the caller.
 */
import type { Queryable } from '../platform/db/database.ts';
import { sharingHooksOf } from './sharing/hooks.ts';
import { tlpOf } from './stix/tlp.ts';
import type { StixObject } from './stix/validate.ts';

/** An instant as TAXII writes it: UTC, with the microseconds PostgreSQL keeps. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface StoredVersion {
  id: string;
  version: string;
  dateAdded: string;
  specVersion: string;
  /** The object as stored, JSON text, so that pages are written without parsing them again. */
  json: string;
}

/** The node adding objects; `origin` when they came from a peer, which keeps their producer. */
export interface AddingNode {
  node: string;
  userId: string | null;
  origin?: { producer: string; receivedFrom: string };
}

export interface AddedVersion {
  id: string;
  version: string;
  /** False when this version was already in the collection: adding it again changes nothing. */
  added: boolean;
}

/**
 * Adds objects to a collection, in the caller's transaction. The collection's row is locked so that
 * writers take turns: date_added then grows in commit order and no reader paging by it misses a version.
 */
export async function addVersions(tx: Queryable, collectionId: string, objects: readonly StixObject[], producer: AddingNode): Promise<AddedVersion[]> {
  await tx.query('SELECT 1 FROM taxii_collections WHERE id = $1 FOR UPDATE', [collectionId]);
  const rows = objects.map((object) => ({ object, tlp: tlpOf(object) }));
  const { rows: inserted } = await tx.query<{ id: string; version: string; stated: string | null }>(
    `WITH base AS (
       SELECT greatest(clock_timestamp(), max(date_added) + interval '1 microsecond') AS t FROM stix_objects WHERE collection_id = $1
     ), incoming AS (
       -- The same version twice in one envelope is stored once, as the first copy.
       SELECT DISTINCT ON (e.value -> 'object' ->> 'id', coalesce(e.value -> 'object' ->> 'modified', e.value -> 'object' ->> 'created'))
              e.value -> 'object' AS object, e.value ->> 'tlp' AS tlp, e.ordinality AS n
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY e
        ORDER BY e.value -> 'object' ->> 'id', coalesce(e.value -> 'object' ->> 'modified', e.value -> 'object' ->> 'created'), e.ordinality
     ), versioned AS (
       SELECT incoming.*, coalesce(base.t, clock_timestamp()) + n * interval '1 microsecond' AS date_added,
              coalesce((object ->> 'modified')::timestamptz, (object ->> 'created')::timestamptz) AS stated
         FROM incoming, base
     )
     INSERT INTO stix_objects (collection_id, id, type, spec_version, version, date_added, tlp, producer_node, received_from, added_by, latest, object)
     SELECT $1, object ->> 'id', object ->> 'type', coalesce(object ->> 'spec_version', '2.1'), coalesce(stated, date_added), date_added, tlp, $3, $5, $4,
            NOT EXISTS (SELECT 1 FROM stix_objects s WHERE s.collection_id = $1 AND s.id = v.object ->> 'id' AND s.version >= coalesce(stated, v.date_added)),
            object
       FROM versioned v
      -- An object without modified or created (a cyber-observable) has a single version: the first one added.
      WHERE stated IS NOT NULL OR NOT EXISTS (SELECT 1 FROM stix_objects s WHERE s.collection_id = $1 AND s.id = v.object ->> 'id')
     ON CONFLICT (collection_id, id, version) DO NOTHING
     RETURNING id, ${iso('version')} AS version, coalesce(object ->> 'modified', object ->> 'created') AS stated`,
    [collectionId, JSON.stringify(rows), producer.origin?.producer ?? producer.node, producer.userId, producer.origin?.receivedFrom ?? null],
  );
  await markLatest(tx, collectionId, [...new Set(inserted.map((row) => row.id))]);
  const newIds = new Set(inserted.map((row) => `${row.id} ${row.stated ?? ''}`));
  const added = objects.filter((object) => newIds.has(`${object.id} ${object.modified ?? object.created ?? ''}`));
  if (added.length > 0) {
    await sharingHooksOf(producer.node)?.objectsAdded(tx, collectionId, added.map((object) => ({ producer: producer.origin?.producer ?? producer.node, object })));
  }
  const key = (id: string, stated: string | null | undefined) => `${id} ${stated ?? ''}`;
  const fresh = new Map(inserted.map((row) => [key(row.id, row.stated), row.version]));
  const kept = await keptVersions(tx, collectionId, objects.filter((object) => (object.modified ?? object.created) === undefined && !fresh.has(key(object.id, undefined))));
  const told = new Set<string>();
  return objects.map((object) => {
    const stated = object.modified ?? object.created;
    const version = fresh.get(key(object.id, stated));
    // A copy of a version sent earlier in the same envelope is told as already there.
    const added = version !== undefined && !told.has(key(object.id, stated));
    told.add(key(object.id, stated));
    return { id: object.id, version: version ?? stated ?? kept.get(object.id) ?? '', added };
  });
}

/** The single version already kept of objects that state none (cyber-observables added before). */
async function keptVersions(tx: Queryable, collectionId: string, objects: readonly StixObject[]): Promise<Map<string, string>> {
  if (objects.length === 0) return new Map();
  const { rows } = await tx.query<{ id: string; version: string }>(
    `SELECT id, ${iso('min(version)')} AS version FROM stix_objects WHERE collection_id = $1 AND id = ANY($2::text[]) GROUP BY id`,
    [collectionId, objects.map((object) => object.id)],
  );
  return new Map(rows.map((row) => [row.id, row.version]));
}

/**
 * Marks the newest version of each of these objects as the latest, and only it: needed when an older
 * version arrives after a newer one, when one envelope holds several versions, and after a deletion.
 */
async function markLatest(tx: Queryable, collectionId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE stix_objects s SET latest = (s.version = m.newest)
       FROM (SELECT id, max(version) AS newest FROM stix_objects WHERE collection_id = $1 AND id = ANY($2::text[]) GROUP BY id) m
      WHERE s.collection_id = $1 AND s.id = m.id AND s.latest IS DISTINCT FROM (s.version = m.newest)`,
    [collectionId, ids],
  );
}

/** Which versions a request wants: `last`, `first`, `all` or given instants (TAXII `match[version]`). */
export type VersionMatch = string[];

export interface VersionQuery {
  collectionId: string;
  ids?: string[] | undefined;
  types?: string[] | undefined;
  versions: VersionMatch;
  specVersions?: string[] | undefined;
  /** Only versions added strictly after this instant (RFC 3339). */
  addedAfter?: string | undefined;
  limit: number;
}

/** Builds `$n` placeholders as values are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function versionCondition(versions: VersionMatch, params: Params): string {
  const first = 'o.version = (SELECT min(n.version) FROM stix_objects n WHERE n.collection_id = o.collection_id AND n.id = o.id)';
  const instants = versions.filter((v) => !['last', 'first', 'all'].includes(v));
  const terms = [
    ...(versions.includes('all') ? ['true'] : []),
    ...(versions.includes('last') ? ['o.latest'] : []),
    ...(versions.includes('first') ? [first] : []),
    ...(instants.length ? [`o.version = ANY(${params.add(instants)}::timestamptz[])`] : []),
  ];
  return `(${terms.join(' OR ')})`;
}

/** One page of versions in the order they were added, and whether more follow; to be called in a transaction. */
export async function findVersions(tx: Queryable, query: VersionQuery): Promise<{ versions: StoredVersion[]; more: boolean }> {
  // A page is the next `limit` rows of the date_added index. Without fresh statistics (PGlite never
  // gathers them by itself) the planner would rather fetch every later row and sort them, for each page.
  await tx.query('SET LOCAL enable_bitmapscan = off');
  await tx.query('SET LOCAL enable_sort = off');
  const params = new Params();
  const where = [`o.collection_id = ${params.add(query.collectionId)}`, versionCondition(query.versions, params)];
  if (query.ids) where.push(`o.id = ANY(${params.add(query.ids)}::text[])`);
  if (query.types) where.push(`o.type = ANY(${params.add(query.types)}::text[])`);
  if (query.specVersions) where.push(`o.spec_version = ANY(${params.add(query.specVersions)}::text[])`);
  if (query.addedAfter) where.push(`o.date_added > ${params.add(query.addedAfter)}::timestamptz`);
  const { rows } = await tx.query<{ id: string; version: string; date_added: string; spec_version: string; json: string }>(
    `SELECT o.id, ${iso('o.version')} AS version, ${iso('o.date_added')} AS date_added, o.spec_version, o.object::text AS json
       FROM stix_objects o WHERE ${where.join(' AND ')}
      ORDER BY o.date_added LIMIT ${params.add(query.limit + 1)}`,
    params.values,
  );
  return {
    versions: rows.slice(0, query.limit).map((row) => ({ id: row.id, version: row.version, dateAdded: row.date_added, specVersion: row.spec_version, json: row.json })),
    more: rows.length > query.limit,
  };
}

/** Removes the chosen versions of one object; returns how many went. */
export async function deleteVersions(tx: Queryable, collectionId: string, id: string, versions: VersionMatch, specVersions?: string[]): Promise<number> {
  const params = new Params();
  const where = [`o.collection_id = ${params.add(collectionId)}`, `o.id = ${params.add(id)}`, versionCondition(versions, params)];
  if (specVersions) where.push(`o.spec_version = ANY(${params.add(specVersions)}::text[])`);
  // The condition reads the table it deletes from: the versions to go are chosen first.
  const { rowCount } = await tx.query(
    `DELETE FROM stix_objects WHERE seq IN (SELECT o.seq FROM stix_objects o WHERE ${where.join(' AND ')})`,
    params.values,
  );
  await markLatest(tx, collectionId, [id]);
  return rowCount;
}
