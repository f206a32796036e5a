import { randomUUID } from 'node:crypto';
import { Value } from 'typebox/value';
import { type Actor, recordAudit } from '../audit/record.ts';
import type { OpenedMessage } from '../federation/envelope.ts';
import type { Federation } from '../federation/service.ts';
import { type Peer, getPeer } from '../federation/trust.ts';
import type { Role } from '../identity/roles.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';
import { KINDS, type Kind, isFinal, kindOf } from './kinds.ts';
import { type Side, type Transition, actionsIn, draftingRoles, opens, readiesToLeave, transitionOf } from './machine.ts';
import { type Applied, type RequestRow, childrenOf, findRequest, insertRequest, lockRequest, recordIdentifiers, recordTransition } from './store.ts';
import { fieldProblems, type FieldProblem } from './field-problems.ts';
import { checkIdentifiers } from './identifiers.ts';
import { type CaseRow, findCase } from './cases.ts';
import { PROFILE_READ_FRESHNESS_MS, type Profile, peerProfile } from './profile.ts';
import { type LegalBasis, chooseBasis } from './legal-basis.ts';
import { type Findings, checkAgainstProfile } from './requirements.ts';
import type { IdentifierInput } from '../platform/identifiers/index.ts';
import { type Approval, requestDigest, signApproval, verifyApproval } from './approvals.ts';
import type { Attachment } from '../federation/attachments.ts';
import { checkConfirmation, expectConfirmation, isConfirmed, issueConfirmation } from './confirmations.ts';
import { raiseAlert, raiseOverdue } from './alerts.ts';
import { NOTIFY_MESSAGE, notifyProviderState, receiveNotice } from './notifications.ts';
import { recordCustody } from '../evidence/custody.ts';
import { filesOfStep, receiveFiles, requestClosed, roomForFile, stageFiles, takeStagedFiles } from './files.ts';

export const REQUESTS_PURPOSE = 'cross-border request';
export const SUBMIT_MESSAGE = 'request.submit';
export const TRANSITION_MESSAGE = 'request.transition';
/** The provider's step that records a request's origin as confirmed over the second channel. */
const CONFIRM_ORIGIN = 'confirm-origin';

/** Who acts on a request here: a member of staff with their roles, or the node itself. */
export interface RequestActor {
  actor: Actor;
  roles: readonly Role[] | 'system';
  requestId: string | null;
}

/** The (kind, side, state) in which the node itself takes a step when it is due. */
const SYSTEM_STEPS = Object.entries(KINDS).flatMap(([name, kind]) =>
  kind.machine.transitions.filter((t) => t.roles === 'system').flatMap((t) => t.from.map((state) => [name, t.by, state] as const)));

/** What a drafter says of a request, beyond its kind and recipient. */
export interface DraftInput {
  fields: unknown;
  /** The case it is drafted from: its reference, offence, summary and identifiers fill what the fields leave out. */
  caseId?: string;
  /** The State asked for help, if not the recipient's (a request through this State's own 24/7 point). */
  requestedState?: string;
  /** A treaty among those proposed, or "reciprocity"; by default the most specific treaty in force. */
  basis?: string;
}

/** Requirements of the nodes a step submits to, by node. */
type Profiles = Map<string, Profile>;

const SYSTEM: RequestActor = { actor: { id: null, name: 'system', role: null }, roles: 'system', requestId: null };

/** A transition as it travels to the other side. */
interface TransitionPayload {
  id: string;
  seq: number;
  action: string;
  note: Record<string, unknown>;
  at: string;
  actor: string;
}

interface SubmitPayload extends TransitionPayload {
  kind: string;
  fields: Record<string, unknown>;
  legalBasis: Record<string, unknown>;
  /** For kinds that need four-eyes: the approving official's certificate and signature. */
  approval?: Approval;
  /** For kinds confirmed over a second channel: the digest of the code the requesting desk reads out. */
  confirmation?: string;
}

function invalid(what: string, problems: FieldProblem[]): HttpProblem {
  return new HttpProblem(400, 'invalid-fields', `${what} is not complete or not valid`, { extra: { errors: problems } });
}

/** The fields of a request of this kind, checked, with its identifiers in their normal form. */
function checkFields(kind: Kind, value: unknown, what: string): { fields: Record<string, unknown>; keys: string[] } {
  const problems = fieldProblems(kind.fields, value);
  if (problems.length > 0) throw invalid(what, problems);
  const fields = value as Record<string, unknown>;
  if (!Array.isArray(fields.identifiers)) return { fields, keys: [] };
  const checked = checkIdentifiers(fields.identifiers as IdentifierInput[]);
  if (checked.problems.length > 0) throw invalid(what, checked.problems);
  return { fields: { ...fields, identifiers: checked.identifiers }, keys: checked.keys };
}

/** A refusal about the recipient, the State asked or the treaty, as a problem of the draft's field it concerns. */
function basisProblem(error: unknown, input: DraftInput, executor: string, ownState: string): FieldProblem[] | undefined {
  if (!(error instanceof HttpProblem)) return undefined;
  switch (error.slug) {
    case 'unknown-recipient': return [{ field: '/executor', problem: 'unknown-recipient', params: { node: executor } }];
    case 'requested-state-missing': return [{ field: '/requestedState', problem: 'requested-state-missing', params: { state: ownState } }];
    case 'conflict': return [{ field: '/basis', problem: 'treaty-not-in-force', params: { treaty: input.basis ?? '' } }];
    default: return undefined;
  }
}

/** What a request drafted from a case says unless its drafter says otherwise. */
const caseFacts = (row: CaseRow) => ({ caseReference: row.reference, offence: row.offence, summary: row.summary, identifiers: row.identifiers });

const other = (side: Side): Side => (side === 'requester' ? 'executor' : 'requester');
const hoursFrom = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000);

/**
 * Requests between nodes: drafts, the transitions of each kind's state machine on this node's copy,
 * and the messages that carry each transition to the other side's copy, in the same transaction.
 */
export class Requests {
  constructor(
    private readonly db: Database,
    private readonly federation: Federation,
  ) {}

  /** Applies the requests and steps that peers send; one instance per node listens. */
  listen(): this {
    this.federation.on(SUBMIT_MESSAGE, (tx, message) => this.received(tx, message));
    this.federation.on(TRANSITION_MESSAGE, (tx, message) => this.transitioned(tx, message));
    this.federation.on(NOTIFY_MESSAGE, (tx, message) => receiveNotice(tx, message, this.federation.config.state));
    return this;
  }

  private get self(): string {
    return this.federation.config.nodeId;
  }

  /** A new draft on this node, to a trusted peer; it leaves only when submitted. */
  async draft(who: RequestActor, input: DraftInput & { kind: string; executor: string }): Promise<string> {
    const kind = this.kind(input.kind);
    this.mayStart(who, kind);
    const fromCase = input.caseId ? await findCase(this.db, input.caseId) : undefined;
    if (fromCase?.status === 'closed') throw new HttpProblem(409, 'case-closed', `case ${fromCase.reference} is closed`);
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const { fields, keys, basis } = await this.prepare(tx, input.kind, input, input.executor, fromCase ? caseFacts(fromCase) : {});
      await insertRequest(tx, {
        id, kind: input.kind, side: 'requester', requester: this.self, executor: input.executor, parent_id: null, case_id: fromCase?.id ?? null,
        state: kind.machine.initial, fields, legal_basis: basis, created_by: who.actor.name,
      });
      await recordIdentifiers(tx, id, keys, fromCase ? [fromCase.id] : []);
      await this.audit(tx, who, 'requests.draft', id, { kind: input.kind, executor: input.executor });
    });
    return id;
  }

  /** Rewrites a draft that has not left yet: the same checks as a new one. */
  async revise(who: RequestActor, id: string, input: DraftInput): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await lockRequest(tx, id);
      const kind = this.kind(row.kind);
      if (row.side !== 'requester' || row.state !== kind.machine.initial) throw new HttpProblem(409, 'not-a-draft', `request ${id} has left its drafter; it can no longer be changed`);
      // Only its drafter rewrites a draft: whoever approves it must not have written any of it (four-eyes).
      if (who.roles !== 'system' && who.actor.name !== row.created_by) throw new HttpProblem(403, 'not-the-drafter', `only ${row.created_by}, who drafted request ${id}, may change it`);
      this.mayStart(who, kind);
      const { fields, keys, basis } = await this.prepare(tx, row.kind, input, row.executor, {});
      await tx.query('UPDATE requests SET fields = $2, legal_basis = $3, updated_at = now() WHERE id = $1', [id, JSON.stringify(fields), JSON.stringify(basis)]);
      await tx.query('DELETE FROM request_identifiers WHERE request_id = $1', [id]);
      await recordIdentifiers(tx, id, keys, row.case_id ? [row.case_id] : []);
      await this.audit(tx, who, 'requests.revise', id);
    });
  }

  /** A file added to a request on this node, for a later step to send; none once nothing more happens to the request. */
  async addFile(who: RequestActor, id: string, file: Attachment): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await lockRequest(tx, id);
      if (isFinal(row)) throw requestClosed(row);
      await roomForFile(tx, id, file.sha256);
      await stageFiles(tx, id, [file], who.actor.name);
      await recordCustody(tx, { act: 'added', files: [file], actor: who.actor, requestId: id, purpose: REQUESTS_PURPOSE, node: this.self, details: { httpRequest: who.requestId } });
      await this.audit(tx, who, 'requests.file-added', id, { sha256: file.sha256, size: file.size });
    });
  }

  /**
   * A reading that shows a request's files (its view) or gives one (a download): audited, and recorded
   * in the chain of custody of those files, in one transaction so that neither stands without the other.
   */
  async recordReading(who: RequestActor, id: string, act: 'viewed' | 'downloaded', action: string, files: readonly { sha256: string }[], details: Record<string, unknown> = {}): Promise<void> {
    await this.db.transaction(async (tx) => {
      await recordCustody(tx, { act, files, actor: who.actor, requestId: id, purpose: REQUESTS_PURPOSE, node: this.self, details: { httpRequest: who.requestId } });
      await this.audit(tx, who, action, id, details);
    });
  }

  /**
   * The files of a request that reaches a final state are sealed: nothing more is added to it or sent
   * with it (requestClosed), so the evidence it holds is fixed from that step on, on each side, and its
   * custody says when and by whose step. Sealed here rather than when a file is sent, which custody
   * already records as transferred.
   */
  private async sealIfClosed(tx: Queryable, actor: Actor, row: RequestRow, to: string, details: Record<string, unknown>): Promise<void> {
    if (!isFinal({ kind: row.kind, state: to })) return;
    const { rows } = await tx.query<{ sha256: string }>('SELECT sha256 FROM request_files WHERE request_id = $1 ORDER BY sha256', [row.id]);
    await recordCustody(tx, { act: 'sealed', files: rows, actor, requestId: row.id, purpose: REQUESTS_PURPOSE, node: this.self, details });
  }

  /** Takes a step on this node's copy; if it crosses the border, its message leaves in the same transaction. */
  async act(who: RequestActor, id: string, action: string, note: unknown): Promise<void> {
    // One reading for what is settled before the transaction: the recipient's requirements, whether a code is due.
    const row = await findRequest(this.db, id);
    const profiles = await this.profilesFor(row, action, note);
    if (row && action === CONFIRM_ORIGIN && kindOf(row.kind)?.confirmation) {
      const { code, ...rest } = (note ?? {}) as Record<string, unknown>;
      await checkConfirmation(this.db, id, code);
      note = rest;
    }
    await this.db.transaction((tx) => this.step(tx, who, id, action, note, profiles));
    this.federation.worker.kick();
  }

  /**
   * The steps the node takes itself when their time comes (a preservation period that ends), each in
   * a transaction of its own so that one failure does not hold back the others. Returns how many.
   */
  async runDueSteps(now = new Date()): Promise<number> {
    const due = await this.db.query<{ id: string; kind: string; state: string; side: Side }>(
      `SELECT r.id, r.kind, r.state, r.side FROM requests r JOIN unnest($2::text[], $3::text[], $4::text[]) AS s(kind, side, state)
          ON s.kind = r.kind AND s.side = r.side AND s.state = r.state
        WHERE r.due_at <= $1 ORDER BY r.due_at LIMIT 500`,
      [now, SYSTEM_STEPS.map(([kind]) => kind), SYSTEM_STEPS.map(([, side]) => side), SYSTEM_STEPS.map(([, , state]) => state)],
    );
    let taken = 0;
    const failed: string[] = [];
    for (const row of due.rows) {
      const step = kindOf(row.kind)?.machine.transitions.find((t) => t.roles === 'system' && t.by === row.side && t.from.includes(row.state));
      if (!step) continue;
      try {
        await this.db.transaction((tx) => this.step(tx, SYSTEM, row.id, step.action, {}, new Map()));
        taken += 1;
      } catch (error) {
        failed.push(`${row.id}: ${(error as Error).message}`);
      }
    }
    if (taken > 0) this.federation.worker.kick();
    await raiseOverdue(this.db, now);
    if (failed.length > 0) throw new Error(`${failed.length} due steps failed (${failed.join('; ')}); ${taken} taken`);
    return taken;
  }


  /** A draft checked against the requirements its recipient publishes: what would keep it from leaving. */
  async check(row: RequestRow): Promise<Findings & { profileVersion: number }> {
    const profile = await this.profileOf(row.executor);
    return { ...checkAgainstProfile(profile, row.kind, row.fields, new Date(), this.federation.config.state), profileVersion: profile.version };
  }

  /**
   * The requirements of the node a step would submit a request to, fetched before the transaction:
   * a peer's answer must not hold a lock on the request.
   */
  private async profilesFor(row: RequestRow | undefined, action: string, note: unknown): Promise<Profiles> {
    const kind = row && kindOf(row.kind);
    const transition = kind && transitionOf(kind.machine, row.state, action, row.side);
    const forwardTo = action === 'forward' ? (note as { to?: unknown } | undefined)?.to : undefined;
    const to = transition && readiesToLeave(kind.machine, transition) ? row.executor : typeof forwardTo === 'string' ? forwardTo : undefined;
    return to ? this.profileMap(to) : new Map();
  }

  /** An active peer's requirements; none for a node that is not one (the step then refuses it). */
  private async profileMap(to: string, reuseWithinMs = 0): Promise<Profiles> {
    const peer = await getPeer(this.db, to).catch(() => undefined);
    return peer?.status === 'active' ? new Map([[to, await peerProfile(this.db, to, peer.url, reuseWithinMs)]]) : new Map();
  }

  /** For reading only: a recently fetched copy will do. */
  private async profileOf(nodeId: string): Promise<Profile> {
    const profile = (await this.profileMap(nodeId, PROFILE_READ_FRESHNESS_MS)).get(nodeId);
    if (!profile) throw new HttpProblem(422, 'unknown-recipient', `${nodeId} is not an active peer of this node`);
    return profile;
  }

  /** The actions open to this side in the request's state, for the roles given. */
  actionsFor(row: RequestRow, roles: readonly Role[]): string[] {
    const kind = kindOf(row.kind);
    if (!kind) return [];
    return actionsIn(kind.machine, row.state, row.side)
      .filter((t) => t.roles !== 'system' && t.roles.some((role) => roles.includes(role)))
      .map((t) => t.action);
  }

  async audit(tx: Queryable, who: RequestActor, action: string, id: string, details: Record<string, unknown> = {}): Promise<void> {
    await recordAudit(tx, { actor: who.actor, action, subject: { type: 'request', id }, purpose: REQUESTS_PURPOSE, requestId: who.requestId, details });
  }

  private async step(tx: Queryable, who: RequestActor, id: string, action: string, rawNote: unknown, profiles: Profiles, forwarding = false): Promise<void> {
    const row = await lockRequest(tx, id);
    const kind = this.kind(row.kind);
    const transition = transitionOf(kind.machine, row.state, action, row.side);
    if (!transition) {
      const open = actionsIn(kind.machine, row.state, row.side).map((t) => t.action);
      throw new HttpProblem(409, 'invalid-transition', `a ${row.kind} request that is ${row.state} cannot be sent "${action}" from this side`, { extra: { state: row.state, allowed: open } });
    }
    this.mayTake(who, transition);
    if (action === CONFIRM_ORIGIN && kind.confirmation && !(await isConfirmed(tx, id))) {
      throw new HttpProblem(409, 'confirmation-missing', 'the origin of this request is confirmed only with the code its desk reads out');
    }
    const note = this.note(kind, action, rawNote);
    if (readiesToLeave(kind.machine, transition)) note.profileVersion = this.meetsRequirements(row, profiles);
    const at = new Date();
    if (action === 'forward') await this.forward(tx, who, row, note, profiles);
    if (opens(kind.machine, transition)) {
      await this.seal(tx, who, row, transition, forwarding);
      await notifyProviderState(tx, this.federation, row, profiles.get(row.executor));
    }
    const applied: Applied = {
      seq: row.seq + 1, action, from: row.state, to: transition.to, actorNode: this.self, actorName: who.actor.name, note, at,
      dueAt: this.dueAfter(kind, transition, row, note, at), msgId: null,
    };
    const files = Array.isArray(note.files) ? await takeStagedFiles(tx, id, note.files as string[], applied.seq) : [];
    if (!transition.local) applied.msgId = await this.sendStep(tx, row, applied, files);
    if (applied.msgId) await recordCustody(tx, { act: 'transferred', files, actor: who.actor, requestId: id, purpose: REQUESTS_PURPOSE, node: this.self, peer: row.side === 'requester' ? row.executor : row.requester, details: { msgId: applied.msgId, seq: applied.seq } });
    await recordTransition(tx, id, applied);
    await this.sealIfClosed(tx, who.actor, row, transition.to, { seq: applied.seq });
    await this.audit(tx, who, `requests.${action}`, id, { from: row.state, to: transition.to, seq: applied.seq });
  }

  private async sendStep(tx: Queryable, row: RequestRow, applied: Applied, files: Attachment[]): Promise<string> {
    const to = row.side === 'requester' ? row.executor : row.requester;
    const step: TransitionPayload = { id: row.id, seq: applied.seq, action: applied.action, note: applied.note, at: applied.at.toISOString(), actor: applied.actorName };
    if (row.side === 'executor' || !this.kind(row.kind).machine.drafting.includes(row.state)) return this.federation.send(tx, to, TRANSITION_MESSAGE, step, files);
    await this.activePeer(tx, to);
    const submitted: SubmitPayload = { ...step, kind: row.kind, fields: row.fields, legalBasis: row.legal_basis, ...(row.approval ? { approval: { certificate: row.approval.certificate, signature: row.approval.signature } } : {}) };
    if (this.kind(row.kind).confirmation) submitted.confirmation = await issueConfirmation(tx, row.id);
    return this.federation.send(tx, to, SUBMIT_MESSAGE, submitted, files);
  }

  /**
   * As the request leaves: its digest, and for a four-eyes kind the approval of a prosecutor or judge
   * other than its drafter, signed with the key the node issued to them, over that digest.
   */
  private async seal(tx: Queryable, who: RequestActor, row: RequestRow, transition: Transition, forwarding: boolean): Promise<void> {
    row.digest = requestDigest(row);
    if (transition.approves) {
      // A forwarding node's official approves what a foreign authority drafted: the drafter is that authority.
      if (!forwarding && who.actor.name === row.created_by) throw new HttpProblem(403, 'four-eyes', 'a request is approved by a prosecutor or judge other than its drafter');
      if (!who.actor.id) throw new HttpProblem(403, 'four-eyes', 'an approval is signed by a named official');
      row.approval = await signApproval(tx, this.federation, { id: who.actor.id, name: who.actor.name }, { id: row.id, digest: row.digest });
    }
    await tx.query('UPDATE requests SET digest = $2, approval = $3 WHERE id = $1', [row.id, row.digest, row.approval ? JSON.stringify(row.approval) : null]);
  }

  /**
   * The executor has another node carry the request out (the 24/7 point, the provider): a request of
   * the same kind from this node, submitted at once, whose answers come back up to this one.
   */
  private async forward(tx: Queryable, who: RequestActor, parent: RequestRow, note: Record<string, unknown>, profiles: Profiles): Promise<void> {
    const to = String(note.to);
    if (to === this.self || to === parent.requester) throw new HttpProblem(422, 'invalid-forward', 'a request is forwarded to a third node, not back or to this one');
    const kind = this.kind(parent.kind);
    const approve = kind.machine.transitions.find((t) => t.approves);
    if (kind.fourEyes && approve && approve.roles !== 'system' && who.roles !== 'system' && !approve.roles.some((role) => who.roles.includes(role))) {
      throw new HttpProblem(403, 'four-eyes', `a request of this kind is sent on only by ${approve.roles.join(', ')}, who make it their own`);
    }
    const id = randomUUID();
    // What it says was drafted abroad: the forwarding node's official approves it, where the kind needs approval.
    await insertRequest(tx, {
      id, kind: parent.kind, side: 'requester', requester: this.self, executor: to, parent_id: parent.id,
      state: kind.machine.initial, fields: parent.fields, legal_basis: parent.legal_basis, created_by: parent.created_by,
    });
    const { rows: inherited } = await tx.query<{ match_key: string }>('SELECT match_key FROM request_identifiers WHERE request_id = $1', [parent.id]);
    await recordIdentifiers(tx, id, inherited.map((r) => r.match_key), [parent.id]);
    await this.audit(tx, who, 'requests.draft', id, { kind: parent.kind, executor: to, forwarding: parent.id });
    // Whoever may forward may submit (or, for a four-eyes kind, approve) what they forward.
    for (const action of kind.fourEyes ? ['ask-approval', 'approve'] : ['submit']) await this.step(tx, { ...who, roles: 'system' }, id, action, {}, profiles, true);
  }

  /** A request submitted by a peer: this node's copy, as the executor. */
  private async received(tx: Queryable, message: OpenedMessage): Promise<void> {
    const payload = message.payload as SubmitPayload;
    const kind = kindOf(payload.kind);
    if (!kind) throw new HttpProblem(422, 'unknown-request-kind', `this node does not handle ${String(payload.kind)} requests`);
    // The sender checked them too; this node trusts its own checks.
    const { fields, keys } = checkFields(kind, payload.fields, 'the submitted request');
    const transition = kind.machine.transitions.find((t) => t.action === payload.action && opens(kind.machine, t));
    if (!transition || !Number.isInteger(payload.seq) || payload.seq < 1) throw new HttpProblem(422, 'invalid-transition', 'a request arrives by its submission');
    this.checkStep(kind, payload);
    if (typeof payload.legalBasis !== 'object' || payload.legalBasis === null) throw new HttpProblem(422, 'invalid-request', 'a request says on which legal basis it is made');
    const existing = await tx.query<{ requester: string }>('SELECT requester FROM requests WHERE id = $1', [payload.id]);
    if (existing.rows[0]) throw new HttpProblem(422, 'duplicate-request', `request ${payload.id} is already known here`);
    const sent = { id: payload.id, kind: payload.kind, requester: message.from, executor: this.self, fields: payload.fields, legal_basis: payload.legalBasis };
    const digest = requestDigest(sent);
    const approval = kind.fourEyes ? await verifyApproval(tx, message.from, payload.approval, { id: payload.id, digest }) : null;
    await insertRequest(tx, {
      ...sent, side: 'executor', parent_id: null, state: kind.machine.initial, fields, created_by: `${message.from}:${payload.actor}`, digest, approval,
    });
    await recordIdentifiers(tx, payload.id, keys, []);
    if (kind.confirmation) await expectConfirmation(tx, payload.id, payload.confirmation);
    await this.applyRemote(tx, message, payload, transition, null);
  }

  /** A step the other side took on its copy, applied to this one in the same order. */
  private async transitioned(tx: Queryable, message: OpenedMessage): Promise<void> {
    const payload = message.payload as TransitionPayload;
    const row = await lockRequest(tx, String(payload.id));
    const sender = row.side === 'requester' ? row.executor : row.requester;
    if (message.from !== sender) throw new HttpProblem(403, 'not-a-party', `${message.from} is not the other party to request ${row.id}`);
    if (payload.seq <= row.seq) return;
    // An earlier step has not arrived yet: refused for now, so that the sender retries it later.
    if (payload.seq > row.seq + 1) throw new HttpProblem(409, 'request-out-of-order', `step ${payload.seq} of request ${row.id} arrived before step ${row.seq + 1}`);
    const kind = this.kind(row.kind);
    const transition = transitionOf(kind.machine, row.state, payload.action, other(row.side));
    if (!transition) throw new HttpProblem(422, 'invalid-transition', `"${payload.action}" is not a step of a ${row.kind} request that is ${row.state}`);
    this.checkStep(kind, payload);
    await this.applyRemote(tx, message, payload, transition, row);
    if (row.parent_id && row.side === 'requester') await this.passUp(tx, row.parent_id, row.id, payload);
  }

  private async applyRemote(tx: Queryable, message: OpenedMessage, payload: TransitionPayload, transition: Transition, row: RequestRow | null): Promise<void> {
    const at = new Date(payload.at);
    const fresh = row ?? (await lockRequest(tx, payload.id));
    await receiveFiles(tx, payload.id, payload.seq, payload.note.files, message.attachments, message.from);
    await recordTransition(tx, payload.id, {
      seq: payload.seq, action: payload.action, from: row?.state ?? null, to: transition.to, actorNode: message.from, actorName: payload.actor,
      note: payload.note, at, dueAt: this.dueAfter(this.kind(fresh.kind), transition, fresh, payload.note, at), msgId: message.msgId,
    });
    const reason = this.kind(fresh.kind).alerts?.[payload.action];
    if (reason) await raiseAlert(tx, payload.id, reason);
    const who: RequestActor = { actor: { id: null, name: `${message.from}:${payload.actor}`, role: null }, roles: 'system', requestId: null };
    await recordCustody(tx, { act: 'received', files: message.attachments, actor: who.actor, requestId: payload.id, purpose: REQUESTS_PURPOSE, node: this.self, peer: message.from, details: { msgId: message.msgId, seq: payload.seq } });
    await this.sealIfClosed(tx, who.actor, fresh, transition.to, { msgId: message.msgId, seq: payload.seq });
    await this.audit(tx, who, `requests.${payload.action}`, payload.id, { from: row?.state ?? null, to: transition.to, seq: payload.seq, msgId: message.msgId });
  }

  /** What the node a request was forwarded to answers is this node's answer to the request it carries out. */
  private async passUp(tx: Queryable, parentId: string, childId: string, answer: TransitionPayload): Promise<void> {
    const parent = await lockRequest(tx, parentId);
    const kind = this.kind(parent.kind);
    if (!kind.passUp?.includes(answer.action) || !transitionOf(kind.machine, parent.state, answer.action, parent.side)) return;
    // One refusal is not the answer while another node the request went to may still carry it out.
    const open = (await childrenOf(tx, parentId)).filter((child) => !kind.machine.final.includes(child.state));
    if (answer.action === 'refuse' && open.length > 0) return;
    await stageFiles(tx, parentId, await filesOfStep(tx, childId, answer.seq), this.self);
    await this.step(tx, SYSTEM, parentId, answer.action, answer.note, new Map());
  }

  /** The version of the recipient's requirements the request meets; refuses it, field by field, if it does not. */
  private meetsRequirements(row: RequestRow, profiles: Profiles): number {
    const profile = profiles.get(row.executor);
    if (!profile) throw new HttpProblem(503, 'profile-unavailable', `the requirements of ${row.executor} are not known here yet`);
    const { problems, warnings } = checkAgainstProfile(profile, row.kind, row.fields, new Date(), this.federation.config.state);
    if (problems.length > 0) {
      throw new HttpProblem(422, 'requirements-not-met', `${row.executor} would send this request back: it does not meet the requirements it publishes`, {
        extra: { errors: problems, warnings, profileVersion: profile.version },
      });
    }
    return profile.version;
  }

  /** A step as a peer sent it: its note as the kind allows it, a time, and who took it. */
  private checkStep(kind: Kind, payload: TransitionPayload): void {
    const problems = fieldProblems(kind.notes[payload.action]!, payload.note);
    if (problems.length > 0) throw invalid(`the "${payload.action}" step`, problems);
    if (typeof payload.at !== 'string' || Number.isNaN(Date.parse(payload.at)) || typeof payload.actor !== 'string') {
      throw new HttpProblem(422, 'invalid-step', 'a step says when it was taken and by whom');
    }
  }

  private dueAfter(kind: Kind, transition: Transition, row: RequestRow, note: Record<string, unknown>, at: Date): Date | null {
    return kind.dueAt?.(transition, row.fields, note, at) ?? (transition.dueInHours ? hoursFrom(at, transition.dueInHours) : null);
  }

  private note(kind: Kind, action: string, raw: unknown): Record<string, unknown> {
    const schema = kind.notes[action]!;
    const note = Value.Default(schema, structuredClone(raw ?? {})) as Record<string, unknown>;
    const problems = fieldProblems(schema, note);
    if (problems.length > 0) throw invalid(`the "${action}" step`, problems);
    return note;
  }

  private kind(name: string): Kind {
    const kind = kindOf(name);
    if (!kind) throw new HttpProblem(400, 'unknown-request-kind', `there is no request kind ${name}`);
    return kind;
  }

  private mayStart(who: RequestActor, kind: Kind): void {
    if (who.roles === 'system') return;
    const roles = draftingRoles(kind.machine);
    if (!roles.some((role) => who.roles.includes(role))) throw new HttpProblem(403, 'forbidden', `requests of this kind are drafted by ${roles.join(', ')}`);
  }

  private mayTake(who: RequestActor, transition: Transition): void {
    if (who.roles === 'system') return;
    if (transition.roles === 'system') throw new HttpProblem(403, 'forbidden', `"${transition.action}" is taken by the node itself`);
    if (!transition.roles.some((role) => who.roles.includes(role))) {
      throw new HttpProblem(403, 'forbidden', `"${transition.action}" is for ${transition.roles.join(', ')}`);
    }
  }

  /**
   * Everything wrong with a draft, told at once: its fields, its recipient, the State asked and the
   * legal basis (nothing is written). Empty when it would be saved as it is.
   */
  async draftProblems(who: RequestActor, input: DraftInput & { kind: string; executor: string }): Promise<FieldProblem[]> {
    this.mayStart(who, this.kind(input.kind));
    try {
      await this.prepare(this.db, input.kind, input, input.executor, {});
      return [];
    } catch (error) {
      if (error instanceof HttpProblem && Array.isArray(error.extra.errors)) return error.extra.errors as FieldProblem[];
      throw error;
    }
  }

  /**
   * A draft's fields checked, its identifiers in their normal form, and its legal basis; or one
   * refusal that lists every problem, with the status of the first kind found (the fields' 400 before
   * an unknown recipient's 422 or a treaty's 409).
   */
  private async prepare(tx: Queryable, kindName: string, input: DraftInput, executor: string, base: object)
    : Promise<{ fields: Record<string, unknown>; keys: string[]; basis: Awaited<ReturnType<Requests['basisFor']>> }> {
    const kind = this.kind(kindName);
    const problems: FieldProblem[] = [];
    let refusal: HttpProblem | undefined;
    const refused = (error: unknown, found: FieldProblem[] | undefined) => {
      if (!(error instanceof HttpProblem) || !found) throw error;
      problems.push(...found);
      refusal ??= error;
    };
    let checked: ReturnType<typeof checkFields> | undefined;
    try {
      checked = checkFields(kind, Value.Default(kind.fields, { ...base, ...structuredClone(input.fields as object) }), 'the request');
    } catch (error) {
      refused(error, error instanceof HttpProblem && error.slug === 'invalid-fields' ? (error.extra.errors as FieldProblem[]) : undefined);
    }
    let basis: Awaited<ReturnType<Requests['basisFor']>> | undefined;
    try {
      basis = await this.basisFor(tx, input, kindName, await this.activePeer(tx, executor));
    } catch (error) {
      refused(error, basisProblem(error, input, executor, this.federation.config.state));
    }
    if (refusal) throw new HttpProblem(refusal.status, refusal.slug, refusal.message, { extra: { ...refusal.extra, errors: problems } });
    return { ...checked!, basis: basis! };
  }

  private async activePeer(tx: Queryable, nodeId: string): Promise<Peer> {
    const peer = await getPeer(tx, nodeId).catch(() => undefined);
    if (!peer || peer.status !== 'active') throw new HttpProblem(422, 'unknown-recipient', `${nodeId} is not an active peer of this node`);
    return peer;
  }

  /**
   * The legal basis the request carries, between this State and the State asked for help (the
   * executor's, unless the executor is a channel to another: this State's 24/7 point or central authority).
   */
  private async basisFor(tx: Queryable, input: DraftInput, kind: string, executor: Peer): Promise<LegalBasis | { type: 'domestic'; state: string }> {
    const to = input.requestedState ?? executor.state;
    const from = this.federation.config.state;
    if (to !== from) return chooseBasis(tx, { from, to, kind, on: new Date().toISOString().slice(0, 10) }, input.basis);
    // An order to a provider in this State rests on national law; any other request goes abroad.
    if (executor.kind === 'service_provider') return { type: 'domestic', state: from };
    throw new HttpProblem(422, 'requested-state-missing', `say which State is asked for help: ${to} is this node's own State`);
  }
}
