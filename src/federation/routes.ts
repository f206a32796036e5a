import { Type } from 'typebox';
import { recordAudit } from '../audit/record.ts';
import { PUBLIC } from '../platform/http/access.ts';
import { HttpProblem, conflict, problem, problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { StringEnum } from '../platform/schema.ts';
import { NodeMetadataSchema } from './metadata.ts';
import { type Federation, INBOX_BATCH_PATH, INBOX_PATH, METADATA_PATH, SIGNED_METADATA_PATH } from './service.ts';
import { MAX_BATCH, batchBodyLimit } from './outbox.ts';
import { DIRECTIONS, FEDERATION_PURPOSE, MESSAGE_STATES, PEER_CHANGES, type PeerChange, changePeer, listMessages, retryMessage, trustPeer } from './admin.ts';
import { listPeers, refreshPeerKeys, removePeer, trustedKey } from './trust.ts';
import { UPLOAD_HEADER, checkUploadGrant, storeUpload } from './attachment-transfer.ts';

const tags = ['federation'];
const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
const PeerSchema = Type.Object({
  nodeId: Type.String(), url: Type.String(), state: Type.String(), kind: Type.String(), displayName: Type.String(),
  inboxUrl: Type.String(), fingerprint: Type.String(), status: StringEnum(['active', 'suspended'] as const), addedAt: Type.String({ format: 'date-time' }),
  messagesReceived: Type.Integer(), lastMessageAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const MessageSchema = Type.Object({
  msgId: Type.String({ format: 'uuid' }),
  direction: StringEnum(DIRECTIONS),
  peer: Type.String(),
  type: Type.String(),
  state: Type.String(),
  attempts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  settledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  digest: Type.String(),
  receipt: Type.Union([Type.String(), Type.Null()]),
});

/** The inbox for peers, the public metadata, and the administrator's trust list and message log. */
export function federationRoutes(app: HttpServer, federation: Federation, adminRoles: readonly string[]): void {
  const db = federation.db;
  const admin = { roles: adminRoles, purpose: FEDERATION_PURPOSE };

  app.addContentTypeParser('application/jose', { parseAs: 'string', bodyLimit: federation.config.federation.inboxLimit }, (_request, body, done) => done(null, body));

  app.get(METADATA_PATH, {
    config: { access: PUBLIC },
    schema: { tags, summary: 'This node: id, State, kind, endpoints and public keys (JWKS)', response: { 200: NodeMetadataSchema, ...problemResponses } },
  }, () => federation.metadata());

  app.get(SIGNED_METADATA_PATH, {
    config: { access: PUBLIC },
    schema: {
      tags,
      summary: 'The same metadata as a JWS (general JSON serialization) signed by every signing key in use: how peers learn rotated keys',
      response: { 200: Type.Object({ payload: Type.String(), signatures: Type.Array(Type.Object({ protected: Type.String(), signature: Type.String() })) }), ...problemResponses },
    },
  }, () => federation.signedMetadata());

  app.get('/api/v1/federation/keys', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'This node’s keys: the current ones, those in their overlap period, and the retired ones',
      response: { 200: Type.Array(Type.Object({ kid: Type.String(), use: Type.String(), status: Type.String(), createdAt: Type.String({ format: 'date-time' }), retireAfter: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]) })), ...problemResponses },
    },
  }, async () => {
    const { rows } = await db.query<{ kid: string; use: string; status: string; created_at: Date; retire_after: Date | null }>(
      'SELECT kid, use, status, created_at, retire_after FROM node_keys ORDER BY created_at DESC',
    );
    return rows.map((row) => ({ kid: row.kid, use: row.use, status: row.status, createdAt: row.created_at.toISOString(), retireAfter: row.retire_after?.toISOString() ?? null }));
  });

  app.post('/api/v1/federation/keys/rotate', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'Create new keys; the current ones stay valid for the overlap period so peers can catch up',
      body: Type.Object({ overlapHours: Type.Number({ minimum: 0, maximum: 24 * 90, default: 24 }) }, { additionalProperties: false }),
      response: { 200: NodeMetadataSchema, ...problemResponses },
    },
  }, async (request) => {
    await db.transaction(async (tx) => {
      await federation.rotateKeys(tx, Math.round(request.body.overlapHours * 3600));
      await recordAudit(tx, { actor: request.actor, action: 'federation.keys.rotate', subject: { type: 'node', id: federation.config.nodeId }, purpose: admin.purpose, requestId: request.id, details: { overlapHours: request.body.overlapHours } });
    });
    await federation.reloadKeys();
    return federation.metadata();
  });

  app.post('/api/v1/federation/keys/retire', {
    config: { access: admin },
    schema: { tags, summary: 'End the overlap now: keys replaced by a rotation are retired and refused from then on', response: { 200: NodeMetadataSchema, ...problemResponses } },
  }, async (request) => {
    await db.transaction(async (tx) => {
      const retired = await federation.retireKeys(tx, true);
      await recordAudit(tx, { actor: request.actor, action: 'federation.keys.retire', subject: { type: 'node', id: federation.config.nodeId }, purpose: admin.purpose, requestId: request.id, details: { retired } });
    });
    await federation.reloadKeys();
    return federation.metadata();
  });

  app.post('/api/v1/federation/peers/:nodeId/refresh', {
    config: { access: admin },
    schema: { tags, summary: 'Learn a peer’s current keys from its signed metadata', params: Type.Object({ nodeId: NodeId }), response: { 200: PeerSchema, ...problemResponses } },
  }, async (request) => {
    let peer;
    try {
      peer = await refreshPeerKeys(db, request.params.nodeId);
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      throw new HttpProblem(422, 'peer-refresh-failed', (error as Error).message);
    }
    await recordAudit(db, { actor: request.actor, action: 'federation.peer.refresh', subject: { type: 'peer', id: peer.nodeId }, purpose: admin.purpose, requestId: request.id });
    return peer;
  });

  app.post(INBOX_PATH, {
    config: { access: PUBLIC },
    bodyLimit: federation.config.federation.inboxLimit,
    schema: {
      tags,
      summary: 'Receive a signed and encrypted message (application/jose); answers with a signed receipt',
      body: Type.String({ minLength: 1 }),
      response: { 200: Type.Object({ receipt: Type.String(), duplicate: Type.Boolean() }), ...problemResponses },
    },
  }, (request) => {
    if (!request.headers['content-type']?.startsWith('application/jose')) {
      throw new HttpProblem(415, 'unsupported-media-type', 'send the compact JWE as application/jose');
    }
    return federation.inbox.receive(request.body);
  });

  app.post(INBOX_BATCH_PATH, {
    config: { access: PUBLIC },
    bodyLimit: batchBodyLimit(federation.config.federation.inboxLimit),
    schema: {
      tags,
      summary: 'Receive several messages in one request (how nodes deliver): each gets its own receipt or problem, in the same order',
      body: Type.Object({ envelopes: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: MAX_BATCH }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          results: Type.Array(Type.Union([Type.Object({ receipt: Type.String(), duplicate: Type.Boolean() }), Type.Object({ problem: Type.Ref('Problem') })])),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => ({
    results: (await federation.inbox.receiveAll(request.body.envelopes)).map((outcome) =>
      'refused' in outcome ? { problem: problem(outcome.refused.status, outcome.refused.slug, outcome.refused.message) } : outcome),
  }));

  void app.register(async (scope: HttpServer) => attachmentRoutes(scope, federation));

  app.get('/api/v1/federation/peers', {
    config: { access: admin },
    schema: { tags, summary: 'The trust list', response: { 200: Type.Array(PeerSchema), ...problemResponses } },
  }, () => listPeers(db));

  app.post('/api/v1/federation/peers', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'Trust a node: its metadata is fetched and must match the fingerprint given out of band',
      body: Type.Object({ url: Type.String({ pattern: '^https?://', maxLength: 2000 }), fingerprint: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }, { additionalProperties: false }),
      response: { 201: PeerSchema, ...problemResponses },
    },
  }, async (request, reply) => reply.code(201).send(await trustPeer(federation, request, request.body.url, request.body.fingerprint)));

  for (const change of Object.keys(PEER_CHANGES) as PeerChange[]) {
    app.post(`/api/v1/federation/peers/:nodeId/${change}`, {
      config: { access: admin },
      schema: { tags, summary: change === 'suspend' ? 'Stop trusting a peer for now: its messages are refused, none are sent to it' : 'Trust a suspended peer again', params: Type.Object({ nodeId: NodeId }), response: { 200: PeerSchema, ...problemResponses } },
    }, (request) => changePeer(federation, request, (request.params as { nodeId: string }).nodeId, change));
  }

  app.delete('/api/v1/federation/peers/:nodeId', {
    config: { access: admin },
    schema: { tags, summary: 'Remove a peer from the trust list', params: Type.Object({ nodeId: NodeId }), response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await db.transaction(async (tx) => {
      const pending = await tx.query("SELECT 1 FROM outbox WHERE recipient = $1 AND state = 'pending' LIMIT 1", [request.params.nodeId]);
      if (pending.rows.length > 0) throw conflict('messages to this peer are still waiting: suspend it instead, or let them be delivered');
      await removePeer(tx, request.params.nodeId);
      await recordAudit(tx, { actor: request.actor, action: 'federation.peer.remove', subject: { type: 'peer', id: request.params.nodeId }, purpose: admin.purpose, requestId: request.id });
    });
    return reply.code(204).send(null);
  });

  app.post('/api/v1/federation/peers/:nodeId/ping', {
    config: { access: admin },
    schema: { tags, summary: 'Send a test message to a peer', params: Type.Object({ nodeId: NodeId }), response: { 202: Type.Object({ msgId: Type.String() }), ...problemResponses } },
  }, async (request, reply) => {
    const msgId = await db.transaction(async (tx) => {
      const id = await federation.send(tx, request.params.nodeId, 'federation.ping', { note: 'ping' });
      await recordAudit(tx, { actor: request.actor, action: 'federation.ping', subject: { type: 'message', id }, purpose: admin.purpose, requestId: request.id, details: { to: request.params.nodeId } });
      return id;
    });
    federation.worker.kick();
    return reply.code(202).send({ msgId });
  });

  app.get('/api/v1/federation/messages', {
    config: { access: admin },
    schema: {
      tags,
      summary: 'The message log: sent and received messages, delivery state, attempts, receipts',
      querystring: Type.Object({
        direction: Type.Optional(StringEnum(DIRECTIONS)),
        state: Type.Optional(StringEnum(MESSAGE_STATES)),
        peer: Type.Optional(NodeId),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(MessageSchema) }), ...problemResponses },
    },
  }, async (request) => ({
    items: (await listMessages(db, request.query)).map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), settledAt: m.settledAt?.toISOString() ?? null })),
  }));

  app.post('/api/v1/federation/messages/:msgId/retry', {
    config: { access: admin },
    schema: { tags, summary: 'Send a dead-lettered message again', params: Type.Object({ msgId: Type.String({ format: 'uuid' }) }), response: { 202: Type.Object({ msgId: Type.String() }), ...problemResponses } },
  }, async (request, reply) => {
    await retryMessage(federation, request, request.params.msgId);
    return reply.code(202).send({ msgId: request.params.msgId });
  });
}

/**
 * Where peers put the encrypted attachments of the messages they are about to send, streamed to
 * disk. In a scope of its own, so that no other route accepts a raw body.
 */
function attachmentRoutes(scope: HttpServer, federation: Federation): void {
  const { nodeId } = federation.config;
  const { attachmentLimit, maxSkewSeconds } = federation.config.federation;
  const params = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
  const headers = Type.Object({ [UPLOAD_HEADER]: Type.Optional(Type.String({ maxLength: 4096 })) });
  const grantOf = (request: { params: { sha256: string }; headers: Record<string, unknown> }) =>
    checkUploadGrant(request.headers[UPLOAD_HEADER] as string | undefined, {
      self: nodeId,
      sha256: request.params.sha256,
      maxBytes: attachmentLimit,
      maxSkewSeconds,
      senderKey: (from, kid) => trustedKey(federation.db, from, kid, 'sig'),
    });
  // The body stays a stream: the handler hashes it to disk without holding it in memory.
  scope.addContentTypeParser('application/octet-stream', (_request, _payload, done) => done(null));

  scope.get(`${INBOX_PATH}/attachments/:sha256`, {
    config: { access: PUBLIC },
    schema: {
      tags,
      summary: 'Whether this node already holds an encrypted attachment (asked by its sender, with a signed grant)',
      params, headers,
      response: { 200: Type.Object({ sha256: Type.String(), stored: Type.Boolean() }), ...problemResponses },
    },
  }, async (request) => {
    const grant = await grantOf(request);
    return { sha256: grant.sha256, stored: (await federation.store.sizeOf(grant.sha256)) === grant.size };
  });

  scope.put(`${INBOX_PATH}/attachments/:sha256`, {
    config: { access: PUBLIC },
    schema: {
      tags,
      summary: 'Put an encrypted attachment (application/octet-stream), named by its SHA-256, before the message that needs it',
      params, headers,
      response: { 201: Type.Object({ sha256: Type.String(), size: Type.Integer() }), ...problemResponses },
    },
  }, async (request, reply) => {
    if (!request.headers['content-type']?.startsWith('application/octet-stream')) {
      throw new HttpProblem(415, 'unsupported-media-type', 'send the encrypted attachment as application/octet-stream');
    }
    const grant = await grantOf(request);
    await storeUpload(federation.store, request.raw, grant);
    return reply.code(201).send({ sha256: grant.sha256, size: grant.size });
  });
}
