/**
 * Validation of STIX 2.1 objects against the specification: the common properties (section 3), the
 * required properties of each supported object type (sections 4 to 7) and the pattern grammar
 * (section 9). Every error names the property and says why, so an analyst can fix the object.
 */
import { stixPatternError } from './pattern.ts';
import { compareTimestamps, isStixTimestamp } from './timestamps.ts';

export interface StixError {
  /** The property at fault, as a dotted path (`external_references.0.source_name`), or '' for the object itself. */
  property: string;
  reason: string;
}

export type StixObject = Record<string, unknown> & { type: string; id: string; spec_version?: string; created?: string; modified?: string };

// RFC 4122 version 4 (random) or 5 (name-based), in lowercase as STIX writes them.
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const IDENTIFIER = new RegExp(`^([a-z0-9]+(?:-[a-z0-9]+)*)--${UUID}$`);
const TYPE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

type Check = (value: unknown) => string | undefined;

const string: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty string');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const timestamp: Check = (v) => (isStixTimestamp(v) ? undefined : 'must be an RFC 3339 timestamp in UTC, such as 2016-05-12T08:17:27.000Z');
const integer = (min: number, max: number): Check => (v) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? undefined : `must be a whole number from ${min} to ${max}`;
const reference = (...types: string[]): Check => (v) => {
  const type = typeof v === 'string' ? IDENTIFIER.exec(v)?.[1] : undefined;
  if (!type) return 'must be a STIX identifier type--UUID (UUID version 4 or 5, in lowercase)';
  return types.length === 0 || types.includes(type) ? undefined : `must refer to ${types.join(' or ')}, not ${type}`;
};
const listOf = (item: Check): Check => (v) => {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list';
  const index = v.findIndex((entry) => item(entry) !== undefined);
  return index < 0 ? undefined : `item ${index} ${item(v[index])}`;
};
const hashes: Check = (v) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length === 0) return 'must be a non-empty dictionary of hash algorithm to value';
  const bad = Object.entries(v).find(([name, value]) => !/^[A-Za-z0-9_-]{3,250}$/.test(name) || typeof value !== 'string' || !/^[0-9A-Za-z+/=:-]+$/.test(value));
  return bad ? `holds a malformed hash under ${JSON.stringify(bad[0])}` : undefined;
};
const dictionary: Check = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? undefined : 'must be a dictionary');

const externalReference: Check = (v) => {
  if (v === null || typeof v !== 'object') return 'must be an external reference object';
  const ref = v as Record<string, unknown>;
  if (string(ref.source_name)) return 'needs a source_name';
  if (ref.url !== undefined && string(ref.url)) return 'has a url that is not a string';
  if (ref.hashes !== undefined && hashes(ref.hashes)) return `has hashes that ${hashes(ref.hashes)}`;
  return undefined;
};
const granularMarking: Check = (v) => {
  if (v === null || typeof v !== 'object') return 'must be a granular marking object';
  const marking = v as Record<string, unknown>;
  if ((marking.marking_ref === undefined) === (marking.lang === undefined)) return 'needs exactly one of marking_ref and lang';
  if (marking.marking_ref !== undefined && reference('marking-definition')(marking.marking_ref)) return 'has a marking_ref that is not a marking-definition identifier';
  return listOf(string)(marking.selectors) ? 'needs a non-empty list of selectors' : undefined;
};
const killChainPhase: Check = (v) => {
  const phase = v as Record<string, unknown> | null;
  return phase && typeof phase === 'object' && !string(phase.kill_chain_name) && !string(phase.phase_name) ? undefined : 'needs a kill_chain_name and a phase_name';
};

/** Properties any object may carry, whatever its type. */
const COMMON: Record<string, Check> = {
  object_marking_refs: listOf(reference('marking-definition')),
  granular_markings: listOf(granularMarking),
  extensions: dictionary,
  defanged: boolean,
};
/** Properties of domain and relationship objects (section 3.2). */
const DOMAIN: Record<string, Check> = {
  ...COMMON,
  created: timestamp,
  modified: timestamp,
  created_by_ref: reference('identity'),
  revoked: boolean,
  labels: listOf(string),
  confidence: integer(0, 100),
  lang: string,
  external_references: listOf(externalReference),
  kill_chain_phases: listOf(killChainPhase),
};

interface TypeRule {
  kind: 'domain' | 'relationship' | 'cyber-observable' | 'marking' | 'custom';
  required: string[];
  checks?: Record<string, Check>;
  /** What the specification requires beyond single properties. */
  more?: (object: StixObject) => StixError[];
}

const named = (checks: Record<string, Check> = {}): TypeRule => ({ kind: 'domain', required: ['name'], checks: { name: string, ...checks } });
const observable = (required: string[], checks: Record<string, Check>): TypeRule => ({ kind: 'cyber-observable', required, checks });
const notBefore = (later: string, earlier: string, strict: boolean) => (o: StixObject): StixError[] => {
  const a = o[later];
  const b = o[earlier];
  if (!isStixTimestamp(a) || !isStixTimestamp(b)) return [];
  const order = compareTimestamps(a, b);
  return order < 0 || (strict && order === 0) ? [{ property: later, reason: `must be ${strict ? 'later than' : 'the same as or later than'} ${earlier}` }] : [];
};

export const STIX_TYPES: Record<string, TypeRule> = {
  'attack-pattern': named(),
  campaign: named({ first_seen: timestamp, last_seen: timestamp }),
  'course-of-action': named(),
  grouping: { kind: 'domain', required: ['context', 'object_refs'], checks: { context: string, object_refs: listOf(reference()) } },
  identity: named({ identity_class: string }),
  indicator: {
    kind: 'domain',
    required: ['pattern', 'pattern_type', 'valid_from'],
    checks: { pattern: string, pattern_type: string, pattern_version: string, valid_from: timestamp, valid_until: timestamp, indicator_types: listOf(string) },
    more: (o) => {
      const errors = notBefore('valid_until', 'valid_from', true)(o);
      if (o.pattern_type === 'stix' && typeof o.pattern === 'string') {
        const reason = stixPatternError(o.pattern);
        if (reason) errors.push({ property: 'pattern', reason: `is not a valid STIX pattern: ${reason}` });
      }
      return errors;
    },
  },
  infrastructure: named(),
  'intrusion-set': named(),
  location: { kind: 'domain', required: [], checks: { latitude: (v) => (typeof v === 'number' && v >= -90 && v <= 90 ? undefined : 'must be from -90 to 90') } },
  malware: {
    kind: 'domain',
    required: ['is_family'],
    checks: { is_family: boolean, name: string, malware_types: listOf(string), first_seen: timestamp, last_seen: timestamp },
    more: (o) => (o.is_family === true && o.name === undefined ? [{ property: 'name', reason: 'is required when is_family is true' }] : []),
  },
  note: { kind: 'domain', required: ['content', 'object_refs'], checks: { content: string, object_refs: listOf(reference()) } },
  'observed-data': {
    kind: 'domain',
    required: ['first_observed', 'last_observed', 'number_observed', 'object_refs'],
    checks: { first_observed: timestamp, last_observed: timestamp, number_observed: integer(1, 999_999_999), object_refs: listOf(reference()) },
    more: notBefore('last_observed', 'first_observed', false),
  },
  opinion: { kind: 'domain', required: ['opinion', 'object_refs'], checks: { opinion: string, object_refs: listOf(reference()) } },
  report: { ...named({ published: timestamp, object_refs: listOf(reference()), report_types: listOf(string) }), required: ['name', 'published', 'object_refs'] },
  'threat-actor': named({ threat_actor_types: listOf(string), first_seen: timestamp, last_seen: timestamp }),
  tool: named(),
  vulnerability: named(),
  relationship: {
    kind: 'relationship',
    required: ['relationship_type', 'source_ref', 'target_ref'],
    checks: { relationship_type: (v) => (typeof v === 'string' && TYPE_NAME.test(v) ? undefined : 'must be lowercase words joined by hyphens, such as indicates'), source_ref: reference(), target_ref: reference() },
  },
  sighting: { kind: 'relationship', required: ['sighting_of_ref'], checks: { sighting_of_ref: reference(), count: integer(0, 999_999_999), where_sighted_refs: listOf(reference('identity', 'location')) } },
  'marking-definition': { kind: 'marking', required: ['created'], checks: { created: timestamp, created_by_ref: reference('identity'), name: string, definition_type: string, definition: dictionary, external_references: listOf(externalReference) } },
  'ipv4-addr': observable(['value'], { value: string }),
  'ipv6-addr': observable(['value'], { value: string }),
  'domain-name': observable(['value'], { value: string }),
  url: observable(['value'], { value: string }),
  'email-addr': observable(['value'], { value: (v) => (typeof v === 'string' && /^[^\s@]+@[^\s@]+$/.test(v) ? undefined : 'must be an e-mail address') }),
  'mac-addr': observable(['value'], { value: (v) => (typeof v === 'string' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(v) ? undefined : 'must be a MAC address in lowercase, colon-separated') }),
  'autonomous-system': observable(['number'], { number: integer(0, 4_294_967_295) }),
  file: {
    ...observable([], { hashes, name: string, size: integer(0, Number.MAX_SAFE_INTEGER) }),
    more: (o) => (o.hashes === undefined && o.name === undefined ? [{ property: 'hashes', reason: 'a file needs hashes or a name' }] : []),
  },
  artifact: observable([], { hashes, mime_type: string, url: string, payload_bin: string }),
  directory: observable(['path'], { path: string }),
  'email-message': observable(['is_multipart'], { is_multipart: boolean, from_ref: reference('email-addr'), to_refs: listOf(reference('email-addr')), subject: string }),
  mutex: observable(['name'], { name: string }),
  'network-traffic': observable(['protocols'], { protocols: listOf(string), src_ref: reference('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'), dst_ref: reference('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name') }),
  process: observable([], { pid: integer(0, Number.MAX_SAFE_INTEGER), command_line: string }),
  software: observable(['name'], { name: string, cpe: string, version: string }),
  'user-account': observable([], { user_id: string, account_login: string, account_type: string }),
  'windows-registry-key': observable([], { key: string }),
  'x509-certificate': observable([], { hashes, serial_number: string, issuer: string, subject: string }),
  'extension-definition': {
    kind: 'domain',
    required: ['created_by_ref', 'name', 'schema', 'version', 'extension_types'],
    checks: { name: string, schema: string, version: string, extension_types: listOf((v) => (['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'].includes(v as string) ? undefined : 'must be an extension type of section 7.3')) },
  },
  'language-content': { kind: 'domain', required: ['object_ref', 'contents'], checks: { object_ref: reference(), object_modified: timestamp, contents: dictionary } },
};

/**
 * Custom objects (section 11.2): types of the form `x-…`, as tools still exchange them (MITRE ATT&CK's
 * `x-mitre-tactic`, for one). What they hold is their producer's; the common properties are checked,
 * so that they can be versioned, marked and shared like the others.
 */
const CUSTOM_TYPE = /^x-[a-z0-9]+(-[a-z0-9]+)*$/;
const CUSTOM: TypeRule = { kind: 'custom', required: [] };

const REQUIRED_BY_KIND: Record<TypeRule['kind'], string[]> = {
  domain: ['spec_version', 'created', 'modified'],
  relationship: ['spec_version', 'created', 'modified'],
  marking: ['spec_version'],
  'cyber-observable': [],
  custom: ['spec_version'],
};

/** Every way `value` fails to be a STIX 2.1 object this node accepts; an empty list if it is one. */
export function validateStixObject(value: unknown): StixError[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ property: '', reason: 'a STIX object must be a JSON object' }];
  const object = value as Record<string, unknown>;
  const type = object.type;
  if (typeof type !== 'string' || !TYPE_NAME.test(type)) return [{ property: 'type', reason: 'is required: lowercase words joined by hyphens, such as indicator' }];
  const rule = STIX_TYPES[type] ?? (CUSTOM_TYPE.test(type) && type.length <= 250 ? CUSTOM : undefined);
  if (!rule) return [{ property: 'type', reason: `${type} is not a STIX 2.1 type this node accepts (custom types begin with x-)` }];

  const errors: StixError[] = [];
  const id = IDENTIFIER.exec(typeof object.id === 'string' ? object.id : '');
  if (!id) errors.push({ property: 'id', reason: 'is required: type--UUID, with a UUID of version 4 or 5 in lowercase' });
  else if (id[1] !== type) errors.push({ property: 'id', reason: `must begin with ${type}--, the object's type` });
  if (object.spec_version !== undefined && object.spec_version !== '2.1') errors.push({ property: 'spec_version', reason: 'must be "2.1"' });
  for (const property of [...REQUIRED_BY_KIND[rule.kind], ...rule.required]) {
    if (object[property] === undefined) errors.push({ property, reason: `is required for ${type}` });
  }
  if (rule.kind === 'marking' && object.modified !== undefined) errors.push({ property: 'modified', reason: 'a marking definition cannot be versioned' });

  const checks = { ...(rule.kind === 'cyber-observable' ? COMMON : DOMAIN), ...rule.checks };
  for (const [property, check] of Object.entries(checks)) {
    if (object[property] === undefined) continue;
    const reason = check(object[property]);
    if (reason) errors.push({ property, reason });
  }
  errors.push(...notBefore('modified', 'created', false)(object as StixObject));
  if (errors.length === 0 && rule.more) errors.push(...rule.more(object as StixObject));
  return errors;
}

export const describeStixErrors = (errors: readonly StixError[]) =>
  errors.map((e) => (e.property ? `${e.property} ${e.reason}` : e.reason)).join('; ');
