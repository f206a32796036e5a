import { randomUUID } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { IdentifierInput } from '../platform/identifiers/index.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem, notFound } from '../platform/http/problem.ts';
import { StringEnum } from '../platform/schema.ts';
import { recordOverlaps } from './deconfliction.ts';
import { fieldProblems } from './field-problems.ts';
import { IdentifierSchema, checkIdentifiers } from './identifiers.ts';
import { OFFENCE_IDS } from './offences.ts';

export const CASES_PURPOSE = 'criminal investigation';
export const URGENCIES = ['routine', 'urgent', 'critical'] as const;

/** What an investigator says when opening a case. */
export const CaseInput = Type.Object({
  offence: StringEnum(OFFENCE_IDS),
  summary: Type.String({ minLength: 1, maxLength: 4000 }),
  identifiers: Type.Array(IdentifierSchema, { maxItems: 200, default: [] }),
  urgency: StringEnum(URGENCIES, { default: 'routine' }),
}, { additionalProperties: false });
export type CaseInput = Static<typeof CaseInput>;

export interface CaseRow {
  id: string;
  reference: string;
  offence: string;
  summary: string;
  urgency: (typeof URGENCIES)[number];
  status: 'open' | 'closed';
  identifiers: IdentifierInput[];
  opened_by: string;
  opened_at: Date;
  updated_at: Date;
}

/** A case's fields checked, its identifiers in their normal form; refuses field by field otherwise. */
function checkCase(input: unknown): { value: CaseInput; keys: string[] } {
  const value = Value.Default(CaseInput, structuredClone(input)) as CaseInput;
  const problems = fieldProblems(CaseInput, value);
  const checked = problems.length === 0 ? checkIdentifiers(value.identifiers as IdentifierInput[]) : undefined;
  const all = [...problems, ...(checked?.problems ?? [])];
  if (all.length > 0) throw new HttpProblem(400, 'invalid-fields', 'the case is not complete or not valid', { extra: { errors: all } });
  return { value: { ...value, identifiers: checked!.identifiers as CaseInput['identifiers'] }, keys: checked!.keys };
}

/** Opens a case with a reference of this node and year (`a-police-2026-0007`), and finds what overlaps it. */
export async function openCase(db: Database, nodeId: string, act: { actor: Actor; id: string }, input: unknown): Promise<string> {
  const { value, keys } = checkCase(input);
  const id = randomUUID();
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: string }>("SELECT nextval(pg_get_serial_sequence('cases', 'number'))::text AS n");
    const number = rows[0]!.n;
    const reference = `${nodeId}-${new Date().getUTCFullYear()}-${number.padStart(4, '0')}`;
    await tx.query(
      `INSERT INTO cases (id, number, reference, offence, summary, urgency, identifiers, opened_by) OVERRIDING SYSTEM VALUE
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, number, reference, value.offence, value.summary, value.urgency, JSON.stringify(value.identifiers), act.actor.name],
    );
    await tx.query('INSERT INTO case_identifiers (case_id, match_key) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [id, keys]);
    const overlaps = await recordOverlaps(tx, 'case', id, keys);
    await recordAudit(tx, { actor: act.actor, action: 'cases.open', subject: { type: 'case', id }, caseId: id, purpose: CASES_PURPOSE, requestId: act.id, details: { reference, overlaps } });
  });
  return id;
}

export async function findCase(db: Queryable, id: string): Promise<CaseRow> {
  const { rows } = await db.query<CaseRow>('SELECT * FROM cases WHERE id = $1', [id]);
  if (!rows[0]) throw notFound(`case ${id}`);
  return rows[0];
}

export async function listCases(db: Queryable, filter: { status?: string; limit: number }): Promise<CaseRow[]> {
  const { rows } = await db.query<CaseRow>(
    "SELECT * FROM cases WHERE ($1::text IS NULL OR status = $1) ORDER BY CASE urgency WHEN 'critical' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, opened_at DESC LIMIT $2",
    [filter.status ?? null, filter.limit],
  );
  return rows;
}

export async function closeCase(db: Database, act: { actor: Actor; id: string }, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query("UPDATE cases SET status = 'closed', updated_at = now() WHERE id = $1 AND status = 'open'", [id]);
    if (rowCount === 0) {
      await findCase(tx, id);
      throw new HttpProblem(409, 'case-closed', `case ${id} is already closed`);
    }
    await recordAudit(tx, { actor: act.actor, action: 'cases.close', subject: { type: 'case', id }, caseId: id, purpose: CASES_PURPOSE, requestId: act.id });
  });
}
