/** TAXII collections and what each role may do with them. */
import type { Queryable } from '../platform/db/database.ts';

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
