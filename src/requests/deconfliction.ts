import type { Queryable } from '../platform/db/database.ts';
import { flagWalletMatches } from '../intelligence/wallets/matching.ts';
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
  await flagWalletMatches(tx, type, id, keys);
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

/** An overlap as its owner is told of it: which of theirs, what it meets, and whom to contact. */
export interface OwnOverlap {
  mine: { type: SubjectType; id: string; label: string };
  other: { type: SubjectType; id: string; owner: string; fromAbroad: boolean };
  keys: string[];
  foundAt: Date;
}

/**
 * The overlaps that concern the cases a user opened and the requests they drafted (seed 13(ee)): they
 * are the ones entitled to know, and are told whom to contact, not what the other investigation holds.
 */
export async function overlapsOwnedBy(db: Queryable, owner: string): Promise<OwnOverlap[]> {
  const { rows } = await db.query<{
    mine_type: SubjectType; mine_id: string; mine_label: string; other_type: SubjectType; other_id: string; other_owner: string; other_side: string | null;
    keys: string[]; found_at: Date;
  }>(
    `WITH subjects AS (
       SELECT 'case' AS type, id, reference AS label, opened_by AS owner, NULL::text AS side FROM cases
       UNION ALL
       SELECT 'request', id, kind, created_by, side FROM requests
     ), pairs AS (
       SELECT subject_type AS a_type, subject_id AS a_id, other_type AS b_type, other_id AS b_id, match_key, found_at FROM identifier_overlaps
       UNION ALL
       SELECT other_type, other_id, subject_type, subject_id, match_key, found_at FROM identifier_overlaps
     )
     SELECT m.type AS mine_type, m.id AS mine_id, m.label AS mine_label, o.type AS other_type, o.id AS other_id, o.owner AS other_owner, o.side AS other_side,
            array_agg(DISTINCT p.match_key ORDER BY p.match_key) AS keys, max(p.found_at) AS found_at
       FROM pairs p
       JOIN subjects m ON m.type = p.a_type AND m.id = p.a_id AND m.owner = $1
       JOIN subjects o ON o.type = p.b_type AND o.id = p.b_id
      GROUP BY m.type, m.id, m.label, o.type, o.id, o.owner, o.side
      ORDER BY max(p.found_at) DESC LIMIT 500`,
    [owner],
  );
  return rows.map((row) => ({
    mine: { type: row.mine_type, id: row.mine_id, label: row.mine_label },
    other: { type: row.other_type, id: row.other_id, owner: row.other_owner, fromAbroad: row.other_side === 'executor' },
    keys: row.keys,
    foundAt: row.found_at,
  }));
}
