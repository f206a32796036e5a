import type { Queryable } from '../platform/db/database.ts';
import { KINDS } from './kinds.ts';

export type SubjectType = 'case' | 'request';

export interface Overlap {
  type: SubjectType;
  id: string;
  /** The identifiers both name, as match keys. */
  keys: string[];
}

/** States in which a request no longer concerns anyone: its identifiers no longer call for deconfliction. */
const SETTLED = [...new Set(Object.values(KINDS).flatMap((kind) => kind.machine.final))];

/**
 * Records where a case or request names an identifier already in another open case or live request
 * on this node (seed 13(ee)), leaving out its own family (`related`: its case, the requests it was
 * forwarded as, and so on). Returns how many it found.
 */
export async function recordOverlaps(tx: Queryable, type: SubjectType, id: string, keys: readonly string[], related: readonly string[] = []): Promise<number> {
  if (keys.length === 0) return 0;
  const { rows } = await tx.query<{ n: number }>(
    `WITH found AS (
       SELECT 'case' AS other_type, ci.case_id AS other_id, ci.match_key
         FROM case_identifiers ci JOIN cases c ON c.id = ci.case_id
        WHERE ci.match_key = ANY($3::text[]) AND c.status = 'open' AND ci.case_id <> ALL($4::uuid[])
       UNION ALL
       SELECT 'request', ri.request_id, ri.match_key
         FROM request_identifiers ri JOIN requests r ON r.id = ri.request_id
        WHERE ri.match_key = ANY($3::text[]) AND r.state <> ALL($5::text[]) AND ri.request_id <> ALL($4::uuid[])
          AND (r.case_id IS NULL OR r.case_id <> ALL($4::uuid[]))
     ), inserted AS (
       INSERT INTO identifier_overlaps (subject_type, subject_id, other_type, other_id, match_key)
       SELECT $1, $2, other_type, other_id, match_key FROM found
       ON CONFLICT DO NOTHING RETURNING 1
     )
     SELECT count(*)::int AS n FROM inserted`,
    [type, id, keys, [id, ...related], SETTLED],
  );
  return rows[0]!.n;
}

/** What overlaps a case or request, whichever of the two was recorded second. */
export async function overlapsOf(db: Queryable, type: SubjectType, id: string): Promise<Overlap[]> {
  const { rows } = await db.query<{ type: SubjectType; id: string; keys: string[] }>(
    `SELECT type, id, array_agg(DISTINCT match_key ORDER BY match_key) AS keys FROM (
       SELECT other_type AS type, other_id AS id, match_key FROM identifier_overlaps WHERE subject_type = $1 AND subject_id = $2
       UNION ALL
       SELECT subject_type, subject_id, match_key FROM identifier_overlaps WHERE other_type = $1 AND other_id = $2
     ) AS both_ways GROUP BY type, id ORDER BY type, id`,
    [type, id],
  );
  return rows;
}
