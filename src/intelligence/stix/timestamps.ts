/**
 * STIX timestamps (section 3.2 of STIX 2.1): RFC 3339 in UTC with the "Z" designator, any number of
 * fractional digits. Compared as instants, keeping the digits beyond the millisecond that Date drops.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/;

export function isStixTimestamp(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const parts = TIMESTAMP.exec(value);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)));
  // Leap seconds (…:60) are allowed by RFC 3339; everything else must name a real day and time.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second <= 60;
}

/** A sortable key for an instant: milliseconds plus the fractional digits beyond them. */
function key(value: string): [number, string] {
  const fraction = /\.(\d+)Z$/.exec(value)?.[1] ?? '';
  return [Date.parse(value.replace(/\.\d+Z$/, 'Z')), fraction.padEnd(12, '0')];
}

/** Negative, zero or positive as `a` is before, at or after `b`; both must be STIX timestamps. */
export function compareTimestamps(a: string, b: string): number {
  const [ma, fa] = key(a);
  const [mb, fb] = key(b);
  return ma !== mb ? ma - mb : fa < fb ? -1 : fa > fb ? 1 : 0;
}
