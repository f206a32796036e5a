/**
 * Match keys for identifiers stored without one: before migration 002 gave reports the platform's
 * keys, or restored from a backup made before it. Run when the node starts; it looks only at rows
 * without a key, so running it again does nothing, and two nodes running it at once share the work.
 */
import type { Database } from '../platform/db/database.ts';
import { type IdentifierKind, type IdentifierOptions, checkReportIdentifier } from './identifiers.ts';

const BATCH = 500;

/**
 * The key a stored identifier gets today. One that today's checks refuse (a national number with no
 * region to read it, say) keeps its former normal form, under a prefix no check produces: it still
 * links to the reports it linked to, and to nothing new.
 */
export function storedMatchKey(row: { kind: IdentifierKind; value: string; normalised: string }, options: IdentifierOptions): string {
  const checked = checkReportIdentifier(row.kind, row.value, options);
  return checked.ok ? checked.identifier.matchKey : `legacy:${row.kind}:${row.normalised}`;
}

/**
 * The portal's old form of a link was its host without "www." and its path without the trailing
 * slash, so links differing in scheme, "www.", port, query or trailing slash were one; the
 * platform's keys tell them apart, as cases do. Old links that the new keys would split share the
 * smallest of their keys: the reports they linked stay linked. (No other kind's old form was finer
 * than its key.) Rows of the old form are those whose link has no scheme, which no new row lacks;
 * once joined they have one key, so this changes nothing the second time.
 */
async function keepOldUrlLinks(db: Database): Promise<void> {
  await db.query(
    `UPDATE report_identifiers r SET match_key = old.key
       FROM (SELECT normalised, min(match_key) AS key FROM report_identifiers
              WHERE kind = 'url' AND match_key IS NOT NULL AND normalised !~ '^[a-z][a-z0-9+.-]*://'
              GROUP BY normalised HAVING count(DISTINCT match_key) > 1) old
      WHERE r.kind = 'url' AND r.normalised = old.normalised AND r.match_key <> old.key`,
  );
}

/**
 * Gives every identifier without a match key its key, then joins the old links the keys split;
 * returns how many keys it filled. Both steps run at every start: one stopped half-way is finished.
 */
export async function fillMatchKeys(db: Database, options: IdentifierOptions): Promise<number> {
  let filled = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ report_id: string; kind: IdentifierKind; value: string; normalised: string }>(
        `SELECT report_id, kind, value, normalised FROM report_identifiers WHERE match_key IS NULL
          ORDER BY report_id, kind, normalised LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      for (const row of rows) {
        await tx.query('UPDATE report_identifiers SET match_key = $4 WHERE report_id = $1 AND kind = $2 AND normalised = $3', [
          row.report_id, row.kind, row.normalised, storedMatchKey(row, options),
        ]);
      }
      return rows.length;
    });
    filled += done;
    if (done < BATCH) break;
  }
  await keepOldUrlLinks(db);
  return filled;
}
