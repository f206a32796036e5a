/** The federation messages of intelligence sharing, and the shapes a receiver accepts. */
import { type Static, Type } from 'typebox';
import { Nullable, StringEnum } from '../../platform/schema.ts';
import { ABUSE_TYPES } from '../wallets/entry-input.ts';

export const SUBSCRIBE = 'intelligence.subscribe';
export const UNSUBSCRIBE = 'intelligence.unsubscribe';
export const SUBSCRIBED = 'intelligence.subscribed';
export const REFUSED = 'intelligence.refused';
export const OBJECTS = 'intelligence.objects';
export const WALLETS = 'intelligence.wallets';

/** The scope naming a node's cryptocurrency-abuse database rather than one of its collections. */
export const WALLET_SCOPE = 'wallets';
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const ScopeSchema = Type.String({ pattern: `^(?:wallets|${UUID.slice(1, -1)})$`, description: 'a collection id, or `wallets` for the cryptocurrency-abuse database' });

export const ScopeMessage = Type.Object({ scope: ScopeSchema });
export const SubscribedMessage = Type.Object({ scope: ScopeSchema, title: Type.String({ minLength: 1, maxLength: 300 }) });
export const RefusedMessage = Type.Object({ scope: ScopeSchema, reason: Type.String({ maxLength: 500 }) });
export const ObjectsMessage = Type.Object({
  collectionId: Type.String({ pattern: UUID }),
  objects: Type.Array(Type.Object({ producer: Type.String({ minLength: 1, maxLength: 100 }), object: Type.Record(Type.String(), Type.Unknown()) }), { maxItems: 1000 }),
});
export const SharedWalletSchema = Type.Object({
  chain: Type.String({ maxLength: 60 }), address: Type.String({ maxLength: 500 }), network: Nullable(Type.String({ maxLength: 60 })),
  abuseType: StringEnum(ABUSE_TYPES),
  amount: Nullable(Type.Object({ value: Type.String({ maxLength: 80 }), asset: Type.String({ maxLength: 40 }), decimals: Type.Integer({ minimum: 0, maximum: 36 }) })),
  firstSeen: Nullable(Type.String({ format: 'date' })), lastSeen: Nullable(Type.String({ format: 'date' })),
  source: Type.String({ minLength: 1, maxLength: 100 }),
});
/** A wallet entry as it travels: no one's name, no report or case, like the STIX export. */
export type SharedWallet = Static<typeof SharedWalletSchema>;
export const WalletsMessage = Type.Object({ entries: Type.Array(SharedWalletSchema, { maxItems: 1000 }) });
