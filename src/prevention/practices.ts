/**
 * Good practices, training material and templates (14(rr), 14(xx), 13(mm)): entries by country,
 * theme, audience and kind, each with its text in one or more of the six languages. Analysts add
 * and edit them, audited; the public reads and searches them in full text, each text with the
 * stemming of its own language (migrations/004_practices.sql), on PGlite and the server alike.
 */
import { recordAudit } from '../audit/record.ts';
import type { Role } from '../identity/roles.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { LOCALES, type Locale } from '../platform/i18n/locales.ts';
import { notFound } from '../platform/http/problem.ts';
import { PUBLIC_AUDIENCES } from './published-texts.ts';
import type { Act } from './reports.ts';

export const PRACTICES_PURPOSE = 'sharing good practices, training material and templates';
/** Analysts gather what works and share it. */
export const PRACTICE_EDITORS: readonly Role[] = ['analyst'];

export const PRACTICE_KINDS = ['practice', 'training', 'template'] as const;
export const PRACTICE_THEMES = ['accounts', 'scams', 'ransomware', 'harassment', 'reporting', 'cooperation'] as const;
/** Training material and templates are also written for the authorities themselves. */
export const PRACTICE_AUDIENCES = [...PUBLIC_AUDIENCES, 'professionals'] as const;

export interface PracticeFacts {
  country: string;
  theme: (typeof PRACTICE_THEMES)[number];
  audience: (typeof PRACTICE_AUDIENCES)[number];
  kind: (typeof PRACTICE_KINDS)[number];
  link: string | null;
}

export interface PracticeText {
  locale: Locale;
  title: string;
  body: string;
}

export interface Practice extends PracticeFacts {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  texts: PracticeText[];
}

/**
 * Where ts_headline marks the words found: control characters, which no stored text may hold
 * (PublishedText refuses them), so that the page can escape the extract and then mark it.
 */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
const HEADLINE = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`;
const TITLE_HEADLINE = `StartSel="${MARK_START}", StopSel="${MARK_END}", HighlightAll=true`;

const audit = (tx: Queryable, act: Act, action: string, id: string, details: Record<string, unknown>) =>
  recordAudit(tx, { actor: act.actor, action: `prevention.practice.${action}`, subject: { type: 'practice', id }, purpose: PRACTICES_PURPOSE, requestId: act.id, details });

const PRACTICE_COLUMNS = `p.id, p.country, p.theme, p.audience, p.kind, p.link, p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  (SELECT json_agg(json_build_object('locale', t.locale, 'title', t.title, 'body', t.body) ORDER BY t.locale) FROM practice_texts t WHERE t.practice_id = p.id) AS texts`;

async function practiceIn(tx: Queryable, id: string): Promise<Practice> {
  // Compared as text, a malformed id names no practice rather than failing the query.
  const { rows } = await tx.query<Practice>(`SELECT ${PRACTICE_COLUMNS} FROM practices p WHERE p.id::text = $1`, [id]);
  if (!rows[0]) throw notFound(`practice ${id}`);
  return { ...rows[0], texts: rows[0].texts ?? [] };
}

export const readPractice = (db: Queryable, id: string) => practiceIn(db, id);

const upsertText = (tx: Queryable, id: string, text: PracticeText) =>
  tx.query(
    `INSERT INTO practice_texts (practice_id, locale, title, body) VALUES ($1, $2, $3, $4)
     ON CONFLICT (practice_id, locale) DO UPDATE SET title = excluded.title, body = excluded.body`,
    [id, text.locale, text.title, text.body],
  );

/** A new entry with its text in one language; others are added with writePracticeText. */
export function createPractice(db: Database, facts: PracticeFacts, text: PracticeText, act: Act): Promise<Practice> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      'INSERT INTO practices (country, theme, audience, kind, link) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [facts.country, facts.theme, facts.audience, facts.kind, facts.link],
    );
    const id = rows[0]!.id;
    await upsertText(tx, id, text);
    await audit(tx, act, 'create', id, { ...facts, locale: text.locale });
    return practiceIn(tx, id);
  });
}

export function updatePractice(db: Database, id: string, facts: PracticeFacts, act: Act): Promise<Practice> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      'UPDATE practices SET country = $2, theme = $3, audience = $4, kind = $5, link = $6, updated_at = now() WHERE id::text = $1',
      [id, facts.country, facts.theme, facts.audience, facts.kind, facts.link],
    );
    if (rowCount === 0) throw notFound(`practice ${id}`);
    await audit(tx, act, 'update', id, { ...facts });
    return practiceIn(tx, id);
  });
}

/** The text in one language, added or rewritten. */
export function writePracticeText(db: Database, id: string, text: PracticeText, act: Act): Promise<Practice> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query('UPDATE practices SET updated_at = now() WHERE id::text = $1', [id]);
    if (rowCount === 0) throw notFound(`practice ${id}`);
    await upsertText(tx, id, text);
    await audit(tx, act, 'write', id, { locale: text.locale });
    return practiceIn(tx, id);
  });
}

export interface PracticeSearch {
  /** Words in any of the six languages; none lists every entry, the newest first. */
  query?: string | undefined;
  country?: string | undefined;
  theme?: PracticeFacts['theme'] | undefined;
  audience?: PracticeFacts['audience'] | undefined;
  kind?: PracticeFacts['kind'] | undefined;
  /** The reader's language: of the texts that match, theirs is shown first. */
  locale: Locale;
  limit: number;
}

export interface PracticeHit extends PracticeFacts {
  id: string;
  /** The language of the text shown, the reader's when it matches. */
  locale: Locale;
  /** Title and extract, the words found between MARK_START and MARK_END. */
  title: string;
  extract: string;
}

const FILTERS = `($1::text IS NULL OR p.country = $1) AND ($2::text IS NULL OR p.theme = $2) AND ($3::text IS NULL OR p.audience = $3) AND ($4::text IS NULL OR p.kind = $4)`;

/**
 * The entries that match, best first by ts_rank, each shown by its best matching text (the
 * reader's language first), with the words found marked in its title and extract.
 */
export async function searchPractices(db: Queryable, search: PracticeSearch): Promise<PracticeHit[]> {
  const filters = [search.country ?? null, search.theme ?? null, search.audience ?? null, search.kind ?? null];
  const query = search.query?.trim();
  if (!query) {
    const { rows } = await db.query<PracticeHit>(
      `SELECT p.id, p.country, p.theme, p.audience, p.kind, p.link, shown.locale, shown.title, shown.extract
         FROM practices p
         JOIN LATERAL (SELECT t.locale, t.title, left(t.body, 240) || CASE WHEN length(t.body) > 240 THEN '…' ELSE '' END AS extract
                         FROM practice_texts t WHERE t.practice_id = p.id
                        ORDER BY t.locale = $5 DESC, array_position($6::text[], t.locale) LIMIT 1) shown ON true
        WHERE ${FILTERS}
        ORDER BY p.updated_at DESC, p.id LIMIT $7`,
      [...filters, search.locale, LOCALES, search.limit],
    );
    return rows;
  }
  const { rows } = await db.query<PracticeHit>(
    `WITH queries AS (SELECT l.locale, search_query(l.locale, $5) AS query FROM unnest($6::text[]) AS l (locale))
     SELECT p.id, p.country, p.theme, p.audience, p.kind, p.link, best.locale, best.title, best.extract
       FROM practices p
       JOIN LATERAL (
         SELECT t.locale,
                search_unspaced(t.locale, ts_headline(search_config(t.locale), search_text(t.locale, t.title), q.query, $8)) AS title,
                search_unspaced(t.locale, ts_headline(search_config(t.locale), search_text(t.locale, t.body), q.query, $9)) AS extract,
                ts_rank(search_document(t.locale, t.title, t.body), q.query) AS rank
           FROM practice_texts t JOIN queries q ON q.locale = t.locale
          WHERE t.practice_id = p.id AND search_document(t.locale, t.title, t.body) @@ q.query
          ORDER BY t.locale = $7 DESC, rank DESC LIMIT 1) best ON true
      WHERE ${FILTERS}
      ORDER BY best.rank DESC, p.id LIMIT $10`,
    [...filters, query, LOCALES, search.locale, TITLE_HEADLINE, HEADLINE, search.limit],
  );
  return rows;
}

/** The countries that have entries, for the filter. */
export async function practiceCountries(db: Queryable): Promise<string[]> {
  return (await db.query<{ country: string }>('SELECT DISTINCT country FROM practices ORDER BY country')).rows.map((row) => row.country);
}
