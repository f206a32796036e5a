import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { StringEnum } from './schema.ts';

export const NODE_KINDS = ['authority', 'central_authority', 'contact_point', 'service_provider'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

const ConfigSchema = Type.Object(
  {
    nodeId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'stable identifier of this node' }),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    state: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code of the State' }),
    kind: StringEnum(NODE_KINDS),
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    publicUrl: Type.String({ pattern: '^https?://' }),
    dataDir: Type.String({ minLength: 1 }),
    /** Where files (attachments, evidence) are stored, named by their SHA-256; by default `blobs` in the data directory. */
    blobDir: Type.String({ minLength: 1 }),
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
    logLevel: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    bodyLimit: Type.Integer({ minimum: 1024 }),
    /** log2 of scrypt's cost parameter N; 17 is OWASP's recommendation. */
    passwordCost: Type.Integer({ minimum: 10, maximum: 20 }),
    sessionHours: Type.Number({ exclusiveMinimum: 0, maximum: 24 * 30 }),
    /** Seals the node's private keys at rest; from ENTRAIDE_KEY_SECRET, or generated into the data directory. */
    keySecret: Type.Optional(Type.String({ minLength: 16 })),
    federation: Type.Object(
      {
        maxSkewSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
        maxAgeSeconds: Type.Integer({ minimum: 60 }),
        deadAfterSeconds: Type.Integer({ minimum: 1 }),
        inboxLimit: Type.Integer({ minimum: 1024 }),
        /** The largest attachment accepted from a peer, in bytes. */
        attachmentLimit: Type.Integer({ minimum: 1024 }),
      },
      { additionalProperties: false },
    ),
    prevention: Type.Object(
      {
        /** Reports the public may send from one network address in an hour. */
        reportsPerHour: Type.Integer({ minimum: 1 }),
        /** Where the public is sent to report child sexual abuse material: the State's own hotline if it has one. */
        childHotlineUrl: Type.String({ pattern: '^https://' }),
        /**
         * Days a report is kept after its last change, by incident type ("phishing": 365); a type not
         * named keeps its default (src/prevention/retention.ts). The privacy notice tells the public.
         */
        retentionDays: Type.Record(Type.String({ pattern: '^[a-z][a-z-]*$' }), Type.Integer({ minimum: 1, maximum: 36_500 })),
        /** Whom the public asks about their data (an e-mail address or an https:// page), shown on /privacy. */
        privacyContact: Type.Optional(Type.String({ maxLength: 200, pattern: '^(?:https://[^\\s]+|[^\\s@]+@[^\\s@]+\\.[^\\s@]+)$' })),
      },
      { additionalProperties: false },
    ),
    ledger: Type.Object(
      {
        /** Seconds between two runs that add new records to the tamper-evident log and sign its tree head. */
        treeHeadSeconds: Type.Integer({ minimum: 1 }),
        /** Seconds between two checks of the peers' tree heads. */
        watchSeconds: Type.Integer({ minimum: 1 }),
        /** Seconds a peer may go without answering the watch before its silence raises an alert. */
        silenceSeconds: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type NodeConfig = Static<typeof ConfigSchema>;

export type ConfigOverrides = Partial<Omit<NodeConfig, 'federation' | 'prevention' | 'ledger'>> & {
  federation?: Partial<NodeConfig['federation']>;
  prevention?: Partial<NodeConfig['prevention']>;
  ledger?: Partial<NodeConfig['ledger']>;
};

export class ConfigError extends Error {}

/**
 * The node's configuration: defaults, then the JSON file if one is given, then the
 * environment (PORT, HOST, DATABASE_URL, ENTRAIDE_NODE_ID, ENTRAIDE_DATA_DIR, ENTRAIDE_BLOB_DIR, LOG_LEVEL).
 */
export function loadConfig(options: { file?: string | undefined; env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides } = {}): NodeConfig {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    try {
      fromFile = JSON.parse(readFileSync(options.file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`cannot read configuration file ${options.file}: ${(error as Error).message}`);
    }
  }
  const merged: Record<string, unknown> = {
    nodeId: 'a-police',
    displayName: 'Entraide node',
    state: 'AA',
    kind: 'authority',
    host: '127.0.0.1',
    port: 4100,
    logLevel: 'info',
    bodyLimit: 1024 * 1024,
    passwordCost: 17,
    sessionHours: 12,
    ...fromFile,
    ...options.overrides,
  };
  merged.federation = {
    maxSkewSeconds: 300,
    maxAgeSeconds: 7 * 24 * 3600,
    deadAfterSeconds: 24 * 3600,
    inboxLimit: 4 * 1024 * 1024,
    attachmentLimit: 8 * 1024 ** 3,
    ...(fromFile.federation as object | undefined),
    ...options.overrides?.federation,
  };
  merged.prevention = {
    reportsPerHour: 20,
    childHotlineUrl: 'https://www.inhope.org/what-we-do/how-to-report',
    retentionDays: {},
    ...(fromFile.prevention as object | undefined),
    ...options.overrides?.prevention,
  };
  merged.ledger = {
    treeHeadSeconds: 300,
    watchSeconds: 300,
    silenceSeconds: 24 * 3600,
    ...(fromFile.ledger as object | undefined),
    ...options.overrides?.ledger,
  };
  if (env.ENTRAIDE_NODE_ID) merged.nodeId = env.ENTRAIDE_NODE_ID;
  if (env.HOST) merged.host = env.HOST;
  if (env.PORT) merged.port = Number(env.PORT);
  if (env.DATABASE_URL) merged.databaseUrl = env.DATABASE_URL;
  if (env.LOG_LEVEL) merged.logLevel = env.LOG_LEVEL;
  if (env.ENTRAIDE_DATA_DIR) merged.dataDir = env.ENTRAIDE_DATA_DIR;
  if (env.ENTRAIDE_BLOB_DIR) merged.blobDir = env.ENTRAIDE_BLOB_DIR;
  if (env.ENTRAIDE_KEY_SECRET) merged.keySecret = env.ENTRAIDE_KEY_SECRET;
  merged.dataDir = resolve(String(merged.dataDir ?? join('data', String(merged.nodeId))));
  merged.blobDir = resolve(String(merged.blobDir ?? join(String(merged.dataDir), 'blobs')));
  merged.publicUrl ??= `http://${merged.host === '0.0.0.0' ? '127.0.0.1' : String(merged.host)}:${String(merged.port)}`;
  if (!Value.Check(ConfigSchema, merged)) {
    const problems = [...Value.Errors(ConfigSchema, merged)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return merged;
}

/** Cookies get the Secure flag whenever the node is reached over HTTPS. */
export const usesHttps = (config: NodeConfig) => config.publicUrl.startsWith('https://');
