/** The URL parameters of TAXII 2.1 (section 3.4): pagination and `match[…]` filters, checked. */
import { compareTimestamps, isStixTimestamp } from '../stix/timestamps.ts';
import { badRequest } from './errors.ts';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

type Query = Record<string, string | string[] | undefined>;

export interface Filters {
  limit: number;
  addedAfter: string | undefined;
  ids: string[] | undefined;
  types: string[] | undefined;
  versions: string[];
  specVersions: string[] | undefined;
}

/** A parameter's values: repeated parameters and comma-separated lists both give several. */
function values(query: Query, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const list = [raw].flat().flatMap((value) => value.split(',')).map((value) => value.trim());
  if (list.some((value) => value === '')) throw badRequest(`${name} has an empty value`);
  return list;
}

function checked(query: Query, name: string, valid: (value: string) => boolean, expected: string): string[] | undefined {
  const list = values(query, name);
  const bad = list?.find((value) => !valid(value));
  if (bad !== undefined) throw badRequest(`${name} must be ${expected}, not ${JSON.stringify(bad.slice(0, 100))}`);
  return list;
}

/** The token in `next`: the date_added of the last version of the page before, opaque to clients. */
export const nextToken = (dateAdded: string) => Buffer.from(dateAdded).toString('base64url');

function afterNext(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!isStixTimestamp(decoded)) throw badRequest('next is not a value this server gave');
  return decoded;
}

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : compareTimestamps(a, b) > 0 ? a : b);

/** Reads the parameters an endpoint allows; `defaultVersions` applies when match[version] is absent. */
export function parseFilters(query: Query, defaultVersions: string[], allowed: { match: boolean }): Filters {
  const limitText = values(query, 'limit')?.[0];
  if (limitText !== undefined && !/^[1-9]\d{0,8}$/.test(limitText)) throw badRequest('limit must be a positive whole number');
  const addedAfter = checked(query, 'added_after', isStixTimestamp, 'a timestamp such as 2016-02-01T00:00:01.000Z')?.[0];
  // A client sending both asks for what follows either: the later bound wins.
  const after = later(addedAfter, afterNext(values(query, 'next')?.[0]));
  const versions = checked(query, 'match[version]', (v) => ['last', 'first', 'all'].includes(v) || isStixTimestamp(v), 'last, first, all or a timestamp') ?? defaultVersions;
  return {
    limit: Math.min(Number(limitText ?? DEFAULT_LIMIT), MAX_LIMIT),
    addedAfter: after,
    ids: allowed.match ? checked(query, 'match[id]', (v) => /^[a-z0-9-]+--[0-9a-f-]{36}$/.test(v), 'STIX identifiers') : undefined,
    types: allowed.match ? checked(query, 'match[type]', (v) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v), 'STIX types') : undefined,
    versions: allowed.match ? versions : ['all'],
    specVersions: checked(query, 'match[spec_version]', (v) => /^\d\.\d$/.test(v), 'a STIX version such as 2.1'),
  };
}
