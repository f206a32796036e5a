import { Type } from 'typebox';
import type { NodeIdentity } from '../../console/layout.ts';
import type { Database } from '../../platform/db/database.ts';
import { HttpProblem, problemResponses } from '../../platform/http/problem.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../../platform/schema.ts';
import { ABUSE_TYPES, ChainField, NewWalletSchema, checkNewWallet, lookupKeys } from './entry-input.ts';
import { walletsContext } from './messages.ts';
import { refusal } from './problems.ts';
import { TLP_LEVELS } from '../stix/tlp.ts';
import { STIX_MEDIA_TYPE } from '../taxii/media.ts';
import { walletBundle } from './stix.ts';
import { WALLETS_PURPOSE, WALLET_USERS, addWallet, exportWallets, linkWallet, listWallets, lookupWallets, matchesOf, readWallet } from './store.ts';

const tags = ['wallets'];
const access = { roles: WALLET_USERS, purpose: WALLETS_PURPOSE };

export const WalletSchema = Type.Object({
  id: Type.String(), chain: Type.String(), address: Type.String(), network: Nullable(Type.String()), abuseType: StringEnum(ABUSE_TYPES),
  amount: Nullable(Type.Object({ value: Type.String(), asset: Type.String(), decimals: Type.Integer() })),
  firstSeen: Nullable(Type.String()), lastSeen: Nullable(Type.String()), source: Type.String(), addedBy: Type.String(), addedAt: Timestamp,
  mentions: Type.Object({ reports: Type.Integer(), cases: Type.Integer(), requests: Type.Integer() }),
  links: Type.Object({ reports: Type.Array(Type.String()), cases: Type.Array(Type.String()) }),
}, { $id: 'Wallet' });
const Items = Type.Object({ items: Type.Array(Type.Ref('Wallet')) });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** The cryptocurrency-abuse database's API, under /api/v1/wallets. */
export function walletRoutes(app: HttpServer, db: Database, node: NodeIdentity): void {
  app.addSchema(WalletSchema);

  app.post('/api/v1/wallets', {
    config: { access },
    schema: {
      tags, summary: 'Add an abusive address: checked by its chain\'s checksum, with its abuse, amount and the days it was seen',
      body: NewWalletSchema, response: { 201: Type.Ref('Wallet'), ...problemResponses },
    },
  }, async (request, reply) => {
    const checked = checkNewWallet(request.body);
    if ('problems' in checked) throw refusal(walletsContext(request, node), checked.problems);
    return reply.code(201).send(await addWallet(db, node.nodeId, request, checked.entry));
  });

  app.get('/api/v1/wallets', {
    config: { access },
    schema: {
      tags, summary: 'The database, the latest first, by chain, abuse or source',
      querystring: Type.Object({
        chain: Type.Optional(Type.String({ maxLength: 60 })), abuseType: Type.Optional(StringEnum(ABUSE_TYPES)), source: Type.Optional(Type.String({ maxLength: 100 })),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
      }, { additionalProperties: false }),
      response: { 200: Items, ...problemResponses },
    },
  }, async (request) => ({ items: await listWallets(db, request, request.query) }));

  app.get('/api/v1/wallets/lookup', {
    config: { access },
    schema: {
      tags, summary: 'Whether an address is in the database: its chain told from it when left out; `matches` lists every entry, from any source',
      querystring: Type.Object({ address: Type.String({ maxLength: 500 }), chain: Type.Optional(ChainField) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ query: Type.Object({ chain: Type.String(), address: Type.String(), keys: Type.Array(Type.String()) }), matches: Type.Array(Type.Ref('Wallet')) }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const found = lookupKeys(request.query.address, request.query.chain);
    if ('problem' in found) throw refusal(walletsContext(request, node), [found.problem]);
    return { query: { chain: found.wallet.chain, address: found.wallet.value, keys: found.keys }, matches: await lookupWallets(db, request, found.keys) };
  });

  app.get('/api/v1/wallets/matches', {
    config: { access },
    schema: {
      tags, summary: 'The listed addresses that one public report (by reference), case or request names',
      querystring: Type.Object({
        report: Type.Optional(Type.String({ maxLength: 40 })), case: Type.Optional(Type.String({ format: 'uuid' })), request: Type.Optional(Type.String({ format: 'uuid' })),
      }, { additionalProperties: false }),
      response: { 200: Items, ...problemResponses },
    },
  }, async (request) => {
    const given = (['report', 'case', 'request'] as const).filter((subject) => request.query[subject] !== undefined);
    const subject = given[0];
    if (given.length !== 1 || !subject) throw new HttpProblem(400, 'bad-request', 'name exactly one of report, case or request');
    return { items: await matchesOf(db, request, subject, request.query[subject]!) };
  });

  app.get('/api/v1/wallets/stix', {
    config: { access },
    schema: {
      tags, summary: 'The database as a STIX 2.1 bundle of indicators, marked TLP:GREEN unless asked otherwise; no personal data',
      querystring: Type.Object({ tlp: StringEnum(TLP_LEVELS, { default: 'green' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ type: Type.Literal('bundle'), id: Type.String(), objects: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), ...problemResponses },
    },
  }, async (request, reply) => reply.type(STIX_MEDIA_TYPE).send(walletBundle(await exportWallets(db, request, request.query.tlp), request.query.tlp, node.nodeId)));

  app.get('/api/v1/wallets/:id', {
    config: { access },
    schema: { tags, summary: 'One entry, with the reports and cases tied to it and how often it was met', params: Id, response: { 200: Type.Ref('Wallet'), ...problemResponses } },
  }, async (request) => readWallet(db, request, request.params.id));

  app.post('/api/v1/wallets/:id/links', {
    config: { access },
    schema: {
      tags, summary: 'Tie an entry to a public report (by its reference) or a case of this node',
      params: Id,
      body: Type.Union([
        Type.Object({ report: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
        Type.Object({ case: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
      ]),
      response: { 200: Type.Ref('Wallet'), ...problemResponses },
    },
  }, async (request) => linkWallet(db, request, request.params.id, request.body));
}
