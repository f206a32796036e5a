/**
 * The cryptocurrency-abuse database: addresses added, looked up, listed and linked to reports and
 * cases. Every act, reads included, is audited in the transaction that does it.
 */
import { randomUUID } from 'node:crypto';
import { type Actor, recordAudit } from '../../audit/record.ts';
import type { Role } from '../../identity/roles.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import type { AbuseType, CheckedWallet } from './entry-input.ts';
import { type MatchSubject, flagEarlierMentions } from './matching.ts';
import { sharingHooksOf } from '../sharing/hooks.ts';

export const WALLETS_PURPOSE = 'cryptocurrency-abuse database (seed 14(mm))';
/** Investigators and analysts add addresses and read them; no one else sees the database. */
export const WALLET_USERS: readonly Role[] = ['investigator', 'analyst'];

export interface Act {
  actor: Actor;
  id: string;
}

export interface WalletView {
  id: string;
  chain: string;
  address: string;
  network: string | null;
  abuseType: AbuseType;
  amount: { value: string; asset: string; decimals: number } | null;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The node that reported it: this one, or later a peer of the federation. */
  source: string;
  addedBy: string;
  addedAt: string;
  /** Reports, cases and requests of this node found naming it. */
  mentions: { reports: number; cases: number; requests: number };
  links: { reports: string[]; cases: string[] };
}

interface Row {
  id: string; chain: string; address: string; network: string | null; abuse_type: AbuseType; amount: string | null; asset: string | null; decimals: number | null;
  first_seen: string | null; last_seen: string | null; source: string; added_by: string; added_at: Date;
  mentions: { reports: number; cases: number; requests: number }; linked_reports: string[]; linked_cases: string[];
}

const VIEW = `SELECT w.id, w.chain, w.address, w.network, w.abuse_type, w.amount::text AS amount, w.asset, w.decimals,
    to_char(w.first_seen, 'YYYY-MM-DD') AS first_seen, to_char(w.last_seen, 'YYYY-MM-DD') AS last_seen, w.source, w.added_by, w.added_at,
    (SELECT json_build_object('reports', count(m.report_id), 'cases', count(m.case_id), 'requests', count(m.request_id)) FROM wallet_matches m WHERE m.wallet_id = w.id) AS mentions,
    ARRAY(SELECT r.reference FROM wallet_report_links l JOIN reports r ON r.id = l.report_id WHERE l.wallet_id = w.id ORDER BY r.reference) AS linked_reports,
    ARRAY(SELECT l.case_id::text FROM wallet_case_links l WHERE l.wallet_id = w.id ORDER BY l.case_id) AS linked_cases
  FROM wallets w`;

const viewOf = (row: Row): WalletView => ({
  id: row.id, chain: row.chain, address: row.address, network: row.network, abuseType: row.abuse_type,
  amount: row.amount === null ? null : { value: row.amount, asset: row.asset ?? '', decimals: row.decimals ?? 0 },
  firstSeen: row.first_seen, lastSeen: row.last_seen, source: row.source, addedBy: row.added_by, addedAt: row.added_at.toISOString(),
  mentions: row.mentions, links: { reports: row.linked_reports, cases: row.linked_cases },
});

const audit = (tx: Queryable, act: Act, action: string, id: string | null, details: Record<string, unknown> = {}) =>
  recordAudit(tx, { actor: act.actor, action: `wallets.${action}`, subject: { type: 'wallet', id }, purpose: WALLETS_PURPOSE, requestId: act.id, details });

async function viewById(db: Queryable, id: string): Promise<WalletView> {
  const { rows } = await db.query<Row>(`${VIEW} WHERE w.id = $1`, [id]);
  if (!rows[0]) throw notFound(`wallet ${id}`);
  return viewOf(rows[0]);
}

/**
 * Stores an entry of this node or of a peer (`source`), unless that source already reported the
 * address, and flags the reports, cases and requests that already name it; returns its id, or
 * undefined when it was there already.
 */
export async function insertWallet(tx: Queryable, source: string, addedBy: string, entry: CheckedWallet): Promise<string | undefined> {
  const id = randomUUID();
  const { wallet, amount } = entry;
  const { rowCount } = await tx.query(
    `INSERT INTO wallets (id, chain, address, network, match_key, abuse_type, amount, asset, decimals, first_seen, last_seen, source, added_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10::date, $11::date, $12, $13) ON CONFLICT (match_key, source) DO NOTHING`,
    [id, wallet.chain, wallet.value, wallet.network ?? null, entry.key, entry.abuseType, amount?.value ?? null, amount?.asset ?? null, amount?.decimals ?? null,
      entry.firstSeen, entry.lastSeen, source, addedBy],
  );
  if (rowCount === 0) return undefined;
  await flagEarlierMentions(tx, id, entry.key);
  return id;
}

/** Adds an address reported by this node, and queues it to the peers subscribed to this node's database. */
export async function addWallet(db: Database, source: string, act: Act, entry: CheckedWallet): Promise<WalletView> {
  return db.transaction(async (tx) => {
    const id = await insertWallet(tx, source, act.actor.name, entry);
    if (!id) throw conflict('this node has already put this address in the database');
    await audit(tx, act, 'add', id, { chain: entry.wallet.chain, abuseType: entry.abuseType });
    const view = await viewById(tx, id);
    await sharingHooksOf(source)?.walletAdded(tx, view);
    return view;
  });
}

/** Every entry, from any source, under one of the keys; the lookup is audited with what it found. */
export async function lookupWallets(db: Database, act: Act, keys: readonly string[]): Promise<WalletView[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(`${VIEW} WHERE w.match_key = ANY($1::text[]) ORDER BY w.added_at, w.id`, [keys]);
    await audit(tx, act, 'lookup', null, { keys, found: rows.map((row) => row.id) });
    return rows.map(viewOf);
  });
}

export interface WalletFilter {
  chain?: string | undefined;
  abuseType?: AbuseType | undefined;
  source?: string | undefined;
  limit: number;
}

export async function listWallets(db: Database, act: Act, filter: WalletFilter): Promise<WalletView[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(
      `${VIEW} WHERE ($1::text IS NULL OR w.chain = $1) AND ($2::text IS NULL OR w.abuse_type = $2) AND ($3::text IS NULL OR w.source = $3)
        ORDER BY w.added_at DESC, w.id LIMIT $4`,
      [filter.chain ?? null, filter.abuseType ?? null, filter.source ?? null, filter.limit],
    );
    await audit(tx, act, 'list', null, { filter, count: rows.length });
    return rows.map(viewOf);
  });
}

export async function readWallet(db: Database, act: Act, id: string): Promise<WalletView> {
  return db.transaction(async (tx) => {
    const view = await viewById(tx, id);
    await audit(tx, act, 'read', id);
    return view;
  });
}

/** Ties an entry to a public report (by its reference) or a case of this node. */
export async function linkWallet(db: Database, act: Act, id: string, to: { report: string } | { case: string }): Promise<WalletView> {
  return db.transaction(async (tx) => {
    await viewById(tx, id);
    if ('report' in to) {
      const { rowCount } = await tx.query(
        `INSERT INTO wallet_report_links (wallet_id, report_id, linked_by) SELECT $1, id, $3 FROM reports WHERE reference = $2 ON CONFLICT DO NOTHING`,
        [id, to.report, act.actor.name],
      );
      if (rowCount === 0 && !(await exists(tx, 'SELECT 1 FROM reports WHERE reference = $1', to.report))) throw notFound(`report ${to.report}`);
    } else {
      if (!(await exists(tx, 'SELECT 1 FROM cases WHERE id = $1', to.case))) throw notFound(`case ${to.case}`);
      await tx.query('INSERT INTO wallet_case_links (wallet_id, case_id, linked_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [id, to.case, act.actor.name]);
    }
    await audit(tx, act, 'link', id, to);
    return viewById(tx, id);
  });
}

async function exists(tx: Queryable, sql: string, value: string): Promise<boolean> {
  return (await tx.query(sql, [value])).rows.length > 0;
}

/** The entries a report (by reference), case or request was found to name. */
export async function matchesOf(db: Database, act: Act, subject: MatchSubject, id: string): Promise<WalletView[]> {
  return db.transaction(async (tx) => {
    const { rows } = subject === 'report'
      ? await tx.query<Row>(`${VIEW} JOIN wallet_matches m ON m.wallet_id = w.id JOIN reports r ON r.id = m.report_id WHERE r.reference = $1 ORDER BY w.added_at, w.id`, [id])
      : await tx.query<Row>(`${VIEW} JOIN wallet_matches m ON m.wallet_id = w.id WHERE m.${subject}_id = $1 ORDER BY w.added_at, w.id`, [id]);
    await audit(tx, act, 'matches.read', null, { subject, id, found: rows.map((row) => row.id) });
    return rows.map(viewOf);
  });
}

export type ExportedWallet = Pick<WalletView, 'id' | 'chain' | 'address' | 'network' | 'abuseType' | 'firstSeen' | 'lastSeen' | 'source' | 'addedAt'>;

/** Everything the STIX export shares, audited: no one's name, no report or case. */
export async function exportWallets(db: Database, act: Act, marking: string): Promise<ExportedWallet[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Pick<Row, 'id' | 'chain' | 'address' | 'network' | 'abuse_type' | 'first_seen' | 'last_seen' | 'source' | 'added_at'>>(
      `SELECT id, chain, address, network, abuse_type, to_char(first_seen, 'YYYY-MM-DD') AS first_seen, to_char(last_seen, 'YYYY-MM-DD') AS last_seen, source, added_at
         FROM wallets ORDER BY added_at, id`,
    );
    await audit(tx, act, 'export', null, { marking, count: rows.length });
    return rows.map((row) => ({
      id: row.id, chain: row.chain, address: row.address, network: row.network, abuseType: row.abuse_type,
      firstSeen: row.first_seen, lastSeen: row.last_seen, source: row.source, addedAt: row.added_at.toISOString(),
    }));
  });
}
