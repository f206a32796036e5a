import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { HttpProblem, notFound, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import type { Ledger } from './ledger.ts';
import { fromHex, leafHash, toHex } from './merkle.ts';
import { leafData, recordAt } from './sources.ts';
import { HEX_HASH, HexHash, LOG_PATH, SignedTreeHeadSchema } from './tree-head.ts';
import { consistencyProof, inclusionProof, indexOfLeaf, leafHashAt } from './tree-store.ts';
import { ALERT_KINDS, WATCH_PURPOSE } from './watch.ts';

const tags = ['log'];
const SIZE = { minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const Size = Type.Integer(SIZE);
const Proof = Type.Array(HexHash, { description: 'the proof’s hashes, in the order RFC 9162 §2.1.3.2 / §2.1.4.2 reads them' });
const OVERSIGHT = 'oversight of the node';

const InclusionQuery = Type.Object(
  {
    index: Type.Optional(Type.Integer({ ...SIZE, description: 'the leaf’s index; or give its hash' })),
    hash: Type.Optional(Type.String({ pattern: HEX_HASH, description: 'the leaf hash: SHA-256 of 0x00 and the record’s canonical JSON' })),
    size: Type.Optional(Type.Integer({ ...SIZE, minimum: 1, description: 'the tree size of a signed head; by default the latest' })),
  },
  { additionalProperties: false },
);

const ConsistencyQuery = Type.Object(
  {
    from: Size,
    to: Type.Optional(Type.Integer({ ...SIZE, description: 'by default the size of the latest signed head' })),
  },
  { additionalProperties: false },
);

const AlertSchema = Type.Object({
  id: Type.Integer(),
  nodeId: Type.String(),
  kind: StringEnum(ALERT_KINDS),
  detail: Type.String(),
  keptHead: Type.Union([Type.String(), Type.Null()]),
  seenHead: Type.String(),
  raisedAt: Type.String({ format: 'date-time' }),
});

/** The log's public face (tree head, proofs: hashes only) and the administrator's (leaves, alerts, runs on demand). */
export function ledgerRoutes(app: HttpServer, ledger: Ledger, adminRoles: readonly string[]): void {
  const db = ledger.db;
  const admin = { roles: adminRoles, purpose: OVERSIGHT };

  app.get(LOG_PATH, {
    config: { access: PUBLIC },
    schema: { tags, summary: 'This node’s signed tree head: the size and root of its tamper-evident log (RFC 9162)', response: { 200: SignedTreeHeadSchema, ...problemResponses } },
  }, () => ledger.head());

  app.get('/api/v1/log/inclusion', {
    config: { access: PUBLIC },
    schema: {
      tags,
      summary: 'Inclusion proof of a leaf, by index or leaf hash, in the tree of a given size',
      querystring: InclusionQuery,
      response: { 200: Type.Object({ index: Size, size: Size, leafHash: HexHash, proof: Proof }), ...problemResponses },
    },
  }, async (request) => {
    const { index: byIndex, hash, size: asked } = request.query;
    if ((byIndex === undefined) === (hash === undefined)) throw new HttpProblem(400, 'index-or-hash', 'give either the index of the leaf or its hash');
    const size = asked ?? (await ledger.head()).size;
    const index = byIndex ?? (await indexOfLeaf(db, fromHex(hash!)));
    if (index === undefined) throw notFound(`a leaf with hash ${hash}`);
    const proof = await inclusionProof(db, index, size);
    return { index, size, leafHash: toHex((await leafHashAt(db, index))!), proof: proof.map(toHex) };
  });

  app.get('/api/v1/log/consistency', {
    config: { access: PUBLIC },
    schema: {
      tags,
      summary: 'Consistency proof between two tree sizes: the larger tree extends the smaller one',
      querystring: ConsistencyQuery,
      response: { 200: Type.Object({ from: Size, to: Size, proof: Proof }), ...problemResponses },
    },
  }, async (request) => {
    const from = request.query.from;
    const to = request.query.to ?? (await ledger.head()).size;
    return { from, to, proof: (await consistencyProof(db, from, to)).map(toHex) };
  });

  app.get('/api/v1/log/leaves/:index', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'The record behind a leaf (it may hold personal data): hash its canonical JSON to check it',
      params: Type.Object({ index: Size }),
      response: {
        200: Type.Object({ index: Size, source: Type.String(), leafHash: HexHash, record: Type.Record(Type.String(), Type.Unknown()), intact: Type.Boolean({ description: 'whether the record still hashes to the leaf' }) }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { index } = request.params;
    const stored = await leafHashAt(db, index);
    const found = await recordAt(db, index);
    if (!stored || !found) throw notFound(`leaf ${index}`);
    await recordAudit(db, {
      actor: request.actor, action: 'ledger.leaf.read', subject: { type: found.source, id: String(found.record.id) },
      purpose: OVERSIGHT, requestId: request.id, details: { index },
    });
    const leafHashHex = toHex(stored);
    return { index, source: found.source, leafHash: leafHashHex, record: found.record, intact: toHex(leafHash(leafData(found.source, found.record))) === leafHashHex };
  });

  app.get('/api/v1/log/alerts', {
    config: { access: admin },
    schema: { tags, summary: 'Peers whose log shrank, forked, was rewritten, or whose tree head did not verify: newest first', response: { 200: Type.Array(AlertSchema), ...problemResponses } },
  }, async () => {
    const { rows } = await db.query<{ id: number; node_id: string; kind: (typeof ALERT_KINDS)[number]; detail: string; kept_head: string | null; seen_head: string; raised_at: Date }>(
      'SELECT * FROM ledger_alerts ORDER BY id DESC LIMIT 500',
    );
    return rows.map((row) => ({ id: row.id, nodeId: row.node_id, kind: row.kind, detail: row.detail, keptHead: row.kept_head, seenHead: row.seen_head, raisedAt: row.raised_at.toISOString() }));
  });

  app.post('/api/v1/log/publish', {
    config: { access: admin },
    schema: { tags, summary: 'Add the records not yet in the log and sign a tree head now, without waiting for the interval', response: { 200: SignedTreeHeadSchema, ...problemResponses } },
  }, async (request) => {
    const head = await ledger.publish();
    await recordAudit(db, { actor: request.actor, action: 'ledger.publish', subject: { type: 'log' }, purpose: OVERSIGHT, requestId: request.id, details: { size: head.size } });
    return head;
  });

  app.post('/api/v1/log/watch', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'Check every peer’s tree head against the last one kept now, without waiting for the interval',
      response: {
        200: Type.Array(Type.Object({ nodeId: Type.String(), outcome: StringEnum(['kept', 'unchanged', 'alert', 'unreachable'] as const), size: Type.Optional(Size), detail: Type.Optional(Type.String()) })),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const outcomes = await ledger.watch();
    await recordAudit(db, { actor: request.actor, action: 'ledger.watch', subject: { type: 'peers' }, purpose: WATCH_PURPOSE, requestId: request.id, details: { peers: outcomes.length } });
    return outcomes;
  });
}
