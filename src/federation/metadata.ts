import { Type, type Static } from 'typebox';
import type { JWK } from 'jose';
import { NODE_KINDS } from '../platform/config.ts';
import { StringEnum } from '../platform/schema.ts';

/** The public description of a node at /.well-known/entraide: who it is, where to write, its keys. */
export const NodeMetadataSchema = Type.Object({
  nodeId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
  displayName: Type.String({ maxLength: 200 }),
  state: Type.String({ pattern: '^[A-Z]{2}$' }),
  kind: StringEnum(NODE_KINDS),
  endpoints: Type.Object({ inbox: Type.String({ maxLength: 2000 }), metadata: Type.String({ maxLength: 2000 }) }),
  jwks: Type.Object({
    keys: Type.Array(
      Type.Object({
        kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(),
        use: StringEnum(['sig', 'enc'] as const), alg: Type.String(),
      }),
      { maxItems: 20 },
    ),
  }),
  fingerprint: Type.String(),
});
export type NodeMetadata = Static<typeof NodeMetadataSchema>;

export const keysOf = (metadata: NodeMetadata, use: 'sig' | 'enc'): JWK[] => metadata.jwks.keys.filter((key) => key.use === use);
