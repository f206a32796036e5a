/**
 * The legal basis of requests: treaties, each State's status under them, and the proposal of a
 * basis for a request between two States on a date (a treaty in force for both that provides for
 * the request's kind, or reciprocity where none does: seeds 13(b), 19). Shared by the API and,
 * later, the pages and the drafting of requests, so that they cannot drift apart.
 */
import { type Actor, recordAudit } from '../audit/record.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem, conflict, notFound } from '../platform/http/problem.ts';

export const LEGAL_BASIS_PURPOSE = 'legal basis of requests';

/** The kinds of request a treaty may provide for (shared/ARCHITECTURE.md, "requests"). */
export const REQUEST_KINDS = ['preservation', 'disclosure', 'mla', 'emergency', 'spontaneous', 'freezing', 'extradition'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export const TREATY_KINDS = ['multilateral', 'bilateral'] as const;
export type TreatyKind = (typeof TREATY_KINDS)[number];

/**
 * signed: signed, not (yet) bound. ratified: ratified, accepted, approved or acceded, in force for
 * the State from `inForceOn`, which may be in the future. withdrawn: denounced (or the signature
 * withdrawn) with effect from `withdrawnOn`; in force before that if it had entered into force.
 */
export const PARTY_STATUSES = ['signed', 'ratified', 'withdrawn'] as const;
export type PartyStatus = (typeof PARTY_STATUSES)[number];

export const SAMPLE_NOTE =
  'Rows marked "sample" are demonstration data about the fictitious States XA and XB (ISO 3166 user-assigned codes); '
  + 'they state nothing about any real State. The multilateral treaties are real, but no real State\'s status ships with '
  + 'Entraide: the node administrator records the statuses from the depositaries\' official charts.';

export const SLUG = '^[a-z0-9][a-z0-9-]{1,62}$';
export const STATE_CODE = '^[A-Z]{2}$';
export const RESERVATIONS_MAX = 10_000;

/** Who acts, and in which request: a Fastify request after the guard has set its actor. */
export interface Act {
  actor: Actor;
  id: string;
}

export interface Party {
  state: string;
  status: PartyStatus;
  signedOn: string | null;
  inForceOn: string | null;
  withdrawnOn: string | null;
  reservations: string;
  sample: boolean;
  updatedAt: string;
}

export interface Treaty {
  id: string;
  title: string;
  shortTitle: string;
  kind: TreatyKind;
  adoptedOn: string;
  covers: RequestKind[];
  specificity: number;
  scope: string | null;
  sample: boolean;
  parties: Party[];
}

export interface PartyInput {
  status: PartyStatus;
  signedOn?: string | null;
  inForceOn?: string | null;
  withdrawnOn?: string | null;
  reservations?: string;
}

export interface BilateralInput {
  id: string;
  title: string;
  shortTitle: string;
  /** The date it was signed. */
  adoptedOn: string;
  covers: RequestKind[];
  scope?: string | null;
  /** Its two States, each with its status. */
  parties: (PartyInput & { state: string })[];
}

export interface ProposalQuery {
  from: string;
  to: string;
  kind: string;
  /** YYYY-MM-DD. */
  on: string;
}

export interface ProposedTreaty {
  id: string;
  title: string;
  shortTitle: string;
  kind: TreatyKind;
  covers: RequestKind[];
  specificity: number;
  scope: string | null;
  sample: boolean;
  /** The two States, requesting then requested: when the treaty entered into force for each, and what each reserved. */
  parties: { state: string; inForceOn: string; reservations: string }[];
}

export interface Proposal {
  from: string;
  to: string;
  kind: RequestKind;
  on: string;
  /** True iff no treaty applies: the request can then rest only on reciprocity. */
  reciprocity: boolean;
  /** The treaties that apply, most specific first: bilateral ones, then multilateral by specificity. */
  treaties: ProposedTreaty[];
  notes: string[];
}

/** What a request carries as its basis, copied at drafting so that later changes to the table do not alter it. */
export type LegalBasis =
  | { type: 'treaty'; treatyId: string; shortTitle: string; title: string; from: string; to: string; kind: RequestKind; on: string; sample: boolean }
  | { type: 'reciprocity'; from: string; to: string; kind: RequestKind; on: string };

type Issue = { pointer: string; detail: string };

const invalid = (issues: Issue[]) =>
  new HttpProblem(400, 'validation', issues.map((issue) => `${issue.pointer}: ${issue.detail}`).join('; '), { extra: { errors: issues } });

/** A real calendar date written YYYY-MM-DD. */
export function isDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const isStateCode = (value: unknown): value is string => typeof value === 'string' && /^[A-Z]{2}$/.test(value);
export const isRequestKind = (value: unknown): value is RequestKind => (REQUEST_KINDS as readonly unknown[]).includes(value);

export const today = () => new Date().toISOString().slice(0, 10);

/** The party's dates, checked for form and coherence; the problems found, with where they are. */
function partyIssues(input: PartyInput, adoptedOn: string, at: string): Issue[] {
  const issues: Issue[] = [];
  if (!(PARTY_STATUSES as readonly unknown[]).includes(input.status)) issues.push({ pointer: `${at}/status`, detail: `must be one of ${PARTY_STATUSES.join(', ')}` });
  const dates = { signedOn: input.signedOn ?? null, inForceOn: input.inForceOn ?? null, withdrawnOn: input.withdrawnOn ?? null };
  for (const [field, value] of Object.entries(dates)) {
    if (value !== null && !isDate(value)) issues.push({ pointer: `${at}/${field}`, detail: 'must be a date written YYYY-MM-DD' });
  }
  if (issues.length > 0) return issues;
  const { signedOn, inForceOn, withdrawnOn } = dates;
  const need = (field: keyof typeof dates, why: string) => {
    if (dates[field] === null) issues.push({ pointer: `${at}/${field}`, detail: why });
  };
  const forbid = (field: keyof typeof dates, why: string) => {
    if (dates[field] !== null) issues.push({ pointer: `${at}/${field}`, detail: why });
  };
  if (input.status === 'signed') {
    need('signedOn', 'a signature has a date');
    forbid('inForceOn', 'a State that has only signed is not bound: ratify instead');
    forbid('withdrawnOn', 'give the status withdrawn to record a withdrawal');
  } else if (input.status === 'ratified') {
    need('inForceOn', 'give the date the treaty enters into force for this State');
    forbid('withdrawnOn', 'give the status withdrawn to record a withdrawal');
  } else {
    need('withdrawnOn', 'give the date the withdrawal takes effect');
  }
  for (const [field, value] of Object.entries(dates)) {
    if (value !== null && value < adoptedOn) issues.push({ pointer: `${at}/${field}`, detail: `is before the treaty was adopted (${adoptedOn})` });
  }
  if (signedOn && inForceOn && inForceOn < signedOn) issues.push({ pointer: `${at}/inForceOn`, detail: 'is before the signature' });
  if (signedOn && withdrawnOn && withdrawnOn < signedOn) issues.push({ pointer: `${at}/withdrawnOn`, detail: 'is before the signature' });
  if (inForceOn && withdrawnOn && withdrawnOn <= inForceOn) issues.push({ pointer: `${at}/withdrawnOn`, detail: 'must be after the entry into force' });
  if ((input.reservations ?? '').length > RESERVATIONS_MAX) issues.push({ pointer: `${at}/reservations`, detail: `must be at most ${RESERVATIONS_MAX} characters` });
  return issues;
}

type TreatyRow = {
  id: string; title: string; short_title: string; kind: TreatyKind; adopted_on: string; covers: RequestKind[];
  specificity: number; scope: string | null; sample: boolean;
};
type PartyRow = {
  treaty_id: string; state: string; status: PartyStatus; signed_on: string | null; in_force_on: string | null;
  withdrawn_on: string | null; reservations: string; sample: boolean; updated_at: Date;
};

const TREATY_COLUMNS = "id, title, short_title, kind, to_char(adopted_on, 'YYYY-MM-DD') AS adopted_on, covers, specificity, scope, sample";
const PARTY_COLUMNS = `treaty_id, state, status, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, to_char(in_force_on, 'YYYY-MM-DD') AS in_force_on,
  to_char(withdrawn_on, 'YYYY-MM-DD') AS withdrawn_on, reservations, sample, updated_at`;
// Bilateral treaties first, then multilateral ones from the most specific; then the narrower, the more recent.
const TREATY_ORDER = "(t.kind = 'bilateral') DESC, t.specificity, cardinality(t.covers), t.adopted_on DESC, t.id";

const toParty = (row: PartyRow): Party => ({
  state: row.state, status: row.status, signedOn: row.signed_on, inForceOn: row.in_force_on, withdrawnOn: row.withdrawn_on,
  reservations: row.reservations, sample: row.sample, updatedAt: new Date(row.updated_at).toISOString(),
});
const toTreaty = (row: TreatyRow, parties: Party[]): Treaty => ({
  id: row.id, title: row.title, shortTitle: row.short_title, kind: row.kind, adoptedOn: row.adopted_on, covers: row.covers,
  specificity: row.specificity, scope: row.scope, sample: row.sample, parties,
});

/** Every treaty with its parties, bilateral first, then from the most specific. */
export async function listTreaties(db: Queryable): Promise<Treaty[]> {
  const treaties = await db.query<TreatyRow>(`SELECT ${TREATY_COLUMNS} FROM treaties t ORDER BY ${TREATY_ORDER}`);
  const parties = await db.query<PartyRow>(`SELECT ${PARTY_COLUMNS} FROM treaty_parties ORDER BY treaty_id, state`);
  const byTreaty = new Map<string, Party[]>();
  for (const row of parties.rows) byTreaty.set(row.treaty_id, [...(byTreaty.get(row.treaty_id) ?? []), toParty(row)]);
  return treaties.rows.map((row) => toTreaty(row, byTreaty.get(row.id) ?? []));
}

/** One treaty with its parties; with `lock`, its row is locked until the end of the transaction. */
export async function getTreaty(db: Queryable, id: string, lock = false): Promise<Treaty> {
  const { rows } = await db.query<TreatyRow>(`SELECT ${TREATY_COLUMNS} FROM treaties t WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(`treaty ${id}`);
  const parties = await db.query<PartyRow>(`SELECT ${PARTY_COLUMNS} FROM treaty_parties WHERE treaty_id = $1 ORDER BY state`, [id]);
  return toTreaty(rows[0], parties.rows.map(toParty));
}

async function upsertParty(tx: Queryable, treatyId: string, state: string, input: PartyInput): Promise<void> {
  await tx.query(
    `INSERT INTO treaty_parties (treaty_id, state, status, signed_on, in_force_on, withdrawn_on, reservations, sample, updated_at)
     VALUES ($1, $2, $3, $4::date, $5::date, $6::date, $7, false, now())
     ON CONFLICT (treaty_id, state) DO UPDATE SET status = EXCLUDED.status, signed_on = EXCLUDED.signed_on, in_force_on = EXCLUDED.in_force_on,
       withdrawn_on = EXCLUDED.withdrawn_on, reservations = EXCLUDED.reservations, sample = false, updated_at = now()`,
    [treatyId, state, input.status, input.signedOn ?? null, input.inForceOn ?? null, input.withdrawnOn ?? null, input.reservations ?? ''],
  );
}

const partyDetails = (party: Pick<Party, 'status' | 'signedOn' | 'inForceOn' | 'withdrawnOn' | 'reservations'> | PartyInput) => ({
  status: party.status, signedOn: party.signedOn ?? null, inForceOn: party.inForceOn ?? null, withdrawnOn: party.withdrawnOn ?? null,
  reservations: party.reservations ?? '',
});

/** Adds a bilateral treaty between two States, each with its status, in one transaction with its audit record. */
export async function addBilateralTreaty(db: Database, act: Act, input: BilateralInput): Promise<Treaty> {
  const issues: Issue[] = [];
  if (!new RegExp(SLUG).test(input.id)) issues.push({ pointer: '/id', detail: 'must be lowercase letters, digits and hyphens' });
  if (!input.title.trim()) issues.push({ pointer: '/title', detail: 'must not be blank' });
  if (!input.shortTitle.trim()) issues.push({ pointer: '/shortTitle', detail: 'must not be blank' });
  if (!isDate(input.adoptedOn)) issues.push({ pointer: '/adoptedOn', detail: 'must be a date written YYYY-MM-DD' });
  if (input.covers.length === 0 || !input.covers.every(isRequestKind)) issues.push({ pointer: '/covers', detail: `must name at least one of ${REQUEST_KINDS.join(', ')}` });
  else if (new Set(input.covers).size !== input.covers.length) issues.push({ pointer: '/covers', detail: 'names a kind twice' });
  if (input.parties.length !== 2) issues.push({ pointer: '/parties', detail: 'a bilateral treaty has exactly two States' });
  input.parties.forEach((party, index) => {
    if (!isStateCode(party.state)) issues.push({ pointer: `/parties/${index}/state`, detail: 'must be an ISO 3166-1 alpha-2 code, two capital letters' });
  });
  if (input.parties.length === 2 && input.parties[0]!.state === input.parties[1]!.state) issues.push({ pointer: '/parties/1/state', detail: 'the two States must differ' });
  if (isDate(input.adoptedOn)) input.parties.forEach((party, index) => issues.push(...partyIssues(party, input.adoptedOn, `/parties/${index}`)));
  if (issues.length > 0) throw invalid(issues);
  const covers = REQUEST_KINDS.filter((kind) => input.covers.includes(kind));
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO treaties (id, title, short_title, kind, adopted_on, covers, specificity, scope, sample)
       VALUES ($1, $2, $3, 'bilateral', $4::date, $5::text[], 1, $6, false) ON CONFLICT (id) DO NOTHING`,
      [input.id, input.title.trim(), input.shortTitle.trim(), input.adoptedOn, covers, input.scope?.trim() || null],
    );
    if (inserted.rowCount !== 1) throw conflict(`a treaty with the id ${input.id} already exists`);
    for (const party of input.parties) await upsertParty(tx, input.id, party.state, party);
    await recordAudit(tx, {
      actor: act.actor, action: 'legal-basis.treaty.add', subject: { type: 'treaty', id: input.id }, purpose: LEGAL_BASIS_PURPOSE, requestId: act.id,
      details: { title: input.title, covers, parties: input.parties.map((party) => ({ state: party.state, ...partyDetails(party) })) },
    });
    return getTreaty(tx, input.id);
  });
}

/**
 * Records a State's status under a treaty (a new party, or a change), in one transaction with its
 * audit record naming the previous status. A bilateral treaty binds only its two States.
 */
export async function setPartyStatus(db: Database, act: Act, treatyId: string, state: string, input: PartyInput): Promise<Treaty> {
  if (!isStateCode(state)) throw invalid([{ pointer: '/state', detail: 'must be an ISO 3166-1 alpha-2 code, two capital letters' }]);
  return db.transaction(async (tx) => {
    const treaty = await getTreaty(tx, treatyId, true);
    const issues = partyIssues(input, treaty.adoptedOn, '');
    if (issues.length > 0) throw invalid(issues);
    const previous = treaty.parties.find((party) => party.state === state);
    if (treaty.kind === 'bilateral' && !previous) {
      throw conflict(`${treaty.shortTitle} is a bilateral treaty between ${treaty.parties.map((party) => party.state).join(' and ')}: it cannot bind ${state}`);
    }
    await upsertParty(tx, treatyId, state, input);
    await recordAudit(tx, {
      actor: act.actor, action: 'legal-basis.party.set', subject: { type: 'treaty', id: treatyId }, purpose: LEGAL_BASIS_PURPOSE, requestId: act.id,
      details: { state, ...partyDetails(input), previous: previous ? { ...partyDetails(previous), sample: previous.sample } : null },
    });
    return getTreaty(tx, treatyId);
  });
}

function checkQuery(query: ProposalQuery): asserts query is ProposalQuery & { kind: RequestKind } {
  const issues: Issue[] = [];
  if (!isStateCode(query.from)) issues.push({ pointer: '/from', detail: 'must be an ISO 3166-1 alpha-2 code, two capital letters' });
  if (!isStateCode(query.to)) issues.push({ pointer: '/to', detail: 'must be an ISO 3166-1 alpha-2 code, two capital letters' });
  else if (query.from === query.to) issues.push({ pointer: '/to', detail: 'a request goes to another State' });
  if (!isRequestKind(query.kind)) issues.push({ pointer: '/kind', detail: `must be one of ${REQUEST_KINDS.join(', ')}` });
  if (!isDate(query.on)) issues.push({ pointer: '/on', detail: 'must be a date written YYYY-MM-DD' });
  if (issues.length > 0) throw invalid(issues);
}

/**
 * The treaties in force for both States on the date that provide for the kind of request, most
 * specific first (bilateral, then multilateral by specificity); reciprocity when there is none.
 * A State is bound from its `inForceOn` until the day before its `withdrawnOn`.
 */
export async function proposeBasis(db: Queryable, query: ProposalQuery): Promise<Proposal> {
  checkQuery(query);
  const { rows } = await db.query<TreatyRow & { from_in_force_on: string; from_reservations: string; to_in_force_on: string; to_reservations: string }>(
    `SELECT t.id, t.title, t.short_title, t.kind, to_char(t.adopted_on, 'YYYY-MM-DD') AS adopted_on, t.covers, t.specificity, t.scope,
            (t.sample OR a.sample OR b.sample) AS sample,
            to_char(a.in_force_on, 'YYYY-MM-DD') AS from_in_force_on, a.reservations AS from_reservations,
            to_char(b.in_force_on, 'YYYY-MM-DD') AS to_in_force_on, b.reservations AS to_reservations
       FROM treaties t
       JOIN treaty_parties a ON a.treaty_id = t.id AND a.state = $1
       JOIN treaty_parties b ON b.treaty_id = t.id AND b.state = $2
      WHERE $3 = ANY (t.covers)
        AND a.status IN ('ratified', 'withdrawn') AND a.in_force_on <= $4::date AND (a.withdrawn_on IS NULL OR a.withdrawn_on > $4::date)
        AND b.status IN ('ratified', 'withdrawn') AND b.in_force_on <= $4::date AND (b.withdrawn_on IS NULL OR b.withdrawn_on > $4::date)
      ORDER BY ${TREATY_ORDER}`,
    [query.from, query.to, query.kind, query.on],
  );
  const treaties: ProposedTreaty[] = rows.map((row) => ({
    id: row.id, title: row.title, shortTitle: row.short_title, kind: row.kind, covers: row.covers, specificity: row.specificity,
    scope: row.scope, sample: row.sample,
    parties: [
      { state: query.from, inForceOn: row.from_in_force_on, reservations: row.from_reservations },
      { state: query.to, inForceOn: row.to_in_force_on, reservations: row.to_reservations },
    ],
  }));
  const notes: string[] = [];
  if (treaties.length === 0) {
    notes.push(`No treaty in force between ${query.from} and ${query.to} on ${query.on} provides for this kind of request (${query.kind}): `
      + 'it can rest only on reciprocity, an assurance that the requesting State would assist in a like case, which the requested State may accept or refuse.');
  } else {
    if (treaties.some((treaty) => treaty.scope)) notes.push('Some treaties apply only to the offences named in their scope.');
    if (treaties.some((treaty) => treaty.parties.some((party) => party.reservations))) notes.push('Check the reservations and declarations of both States before relying on a treaty.');
  }
  if (treaties.some((treaty) => treaty.sample)) notes.push(SAMPLE_NOTE);
  return { from: query.from, to: query.to, kind: query.kind, on: query.on, reciprocity: treaties.length === 0, treaties, notes };
}

/**
 * The basis a request will carry: the treaty chosen (which must be among those proposed), the
 * first proposed when none is chosen, or reciprocity (chosen, or when no treaty applies).
 */
export async function chooseBasis(db: Queryable, query: ProposalQuery, choice?: string): Promise<LegalBasis> {
  const proposal = await proposeBasis(db, query);
  const common = { from: proposal.from, to: proposal.to, kind: proposal.kind, on: proposal.on };
  if (choice === 'reciprocity' || (choice === undefined && proposal.reciprocity)) return { type: 'reciprocity', ...common };
  const treaty = choice === undefined ? proposal.treaties[0] : proposal.treaties.find((candidate) => candidate.id === choice);
  if (!treaty) {
    throw conflict(`the treaty ${choice} is not in force between ${query.from} and ${query.to} on ${query.on}, or does not provide for ${query.kind}`);
  }
  return { type: 'treaty', treatyId: treaty.id, shortTitle: treaty.shortTitle, title: treaty.title, sample: treaty.sample, ...common };
}
