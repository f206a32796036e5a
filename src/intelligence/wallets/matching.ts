/**
 * Matching against the database (seed 14(mm)): a report, case or request that names an address of
 * the database is flagged, whichever of the two was recorded first. Called where identifiers are
 * recorded (src/prevention/reports.ts, src/requests/deconfliction.ts) and where an address is added.
 */
import type { Queryable } from '../../platform/db/database.ts';

export type MatchSubject = 'report' | 'case' | 'request';

/** Each subject's own column of wallet_matches, and the table of its identifiers' keys. */
const SUBJECTS: Record<MatchSubject, { column: string; identifiers: string; owner: string }> = {
  report: { column: 'report_id', identifiers: 'report_identifiers', owner: 'report_id' },
  case: { column: 'case_id', identifiers: 'case_identifiers', owner: 'case_id' },
  request: { column: 'request_id', identifiers: 'request_identifiers', owner: 'request_id' },
};

const WALLET_KEY = 'wallet:';

/** Flags the subject for every listed address among its identifiers' keys; returns how many new flags. */
export async function flagWalletMatches(tx: Queryable, subject: MatchSubject, id: string, keys: readonly string[]): Promise<number> {
  const wallets = keys.filter((key) => key.startsWith(WALLET_KEY));
  if (wallets.length === 0) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO wallet_matches (wallet_id, ${SUBJECTS[subject].column}) SELECT id, $2 FROM wallets WHERE match_key = ANY($1::text[]) ON CONFLICT DO NOTHING`,
    [wallets, id],
  );
  return rowCount;
}

/** Flags every report, case and request that already named an address just added. */
export async function flagEarlierMentions(tx: Queryable, walletId: string, key: string): Promise<void> {
  for (const { column, identifiers, owner } of Object.values(SUBJECTS)) {
    await tx.query(
      `INSERT INTO wallet_matches (wallet_id, ${column}) SELECT DISTINCT $1::uuid, ${owner} FROM ${identifiers} WHERE match_key = $2 ON CONFLICT DO NOTHING`,
      [walletId, key],
    );
  }
}
