/**
 * Internet identifiers: domain names (RFC 1035 / RFC 5890, IDNA through the WHATWG host parser
 * in node:url), e-mail addresses (RFC 5321 / RFC 6531 shape), URLs (WHATWG URL) and IP addresses
 * (node:net) with the time they were observed (RFC 3339).
 */
import { BlockList, isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { type Checked, type IdentifierWarningCode, accepted, cleanText, problem } from './codes.ts';

// ---------------------------------------------------------------------------------------------
// Defanged writing
// ---------------------------------------------------------------------------------------------

/**
 * Analysts "defang" indicators so nobody clicks them: hxxp://example[.]com. Turns them back.
 * Only the usual bracketed forms; a bare "dot" word is left alone.
 */
export function refang(text: string): { text: string; changed: boolean } {
  const out = text
    .replace(/^hxxp(s?)(?=(?:\[:\]|:)\/\/)/i, (_, s: string) => `http${s}`)
    .replace(/^fxp(?=(?:\[:\]|:)\/\/)/i, 'ftp')
    .replace(/\[:\]/g, ':')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[\/\]/g, '/');
  return { text: out, changed: out !== text };
}

// ---------------------------------------------------------------------------------------------
// Domain names
// ---------------------------------------------------------------------------------------------

export interface Domain {
  kind: 'domain';
  /** A-labels (punycode), lower case, no trailing dot: the form DNS and registrars use. */
  value: string;
  /** The same name for display, with U-labels. */
  unicode: string;
}

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

/** Checks a host name: LDH labels of 1–63 octets, 253 in all, at least two labels, not an address. */
export function checkDomainName(text: string): Checked<{ ascii: string; unicode: string }> {
  const name = text.endsWith('.') && !text.endsWith('..') ? text.slice(0, -1) : text;
  if (name === '' || /[/\\@:?#\s]/.test(name)) return problem('domain-invalid');
  if (isIP(name)) return problem('domain-is-ip');
  const ascii = domainToASCII(name);
  if (ascii === '') {
    // The host parser also refuses a name whose last label is a number but no IPv4 address.
    const last = name.slice(name.lastIndexOf('.') + 1);
    return /^(?:0x[0-9a-f]*|[0-9]+)$/i.test(last) ? problem('domain-label-invalid', 'value', { label: last.slice(0, 80) }) : problem('domain-invalid');
  }
  // The WHATWG host parser reads "0x7f.1" or "2130706433" as IPv4 addresses.
  if (isIP(ascii)) return problem('domain-is-ip');
  if (ascii.length > MAX_DOMAIN) return problem('domain-too-long', 'value', { length: ascii.length, max: MAX_DOMAIN });
  const labels = ascii.split('.');
  for (const label of labels) {
    if (label.length > MAX_LABEL) return problem('domain-label-too-long', 'value', { label: label.slice(0, 80), max: MAX_LABEL });
    if (!LDH_LABEL.test(label)) return problem('domain-label-invalid', 'value', { label: label.slice(0, 80) });
  }
  if (labels.length < 2) return problem('domain-single-label');
  // RFC 3696 §2: a top-level domain is never all digits.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return problem('domain-label-invalid', 'value', { label: labels[labels.length - 1] ?? '' });
  const unicode = domainToUnicode(ascii) || ascii;
  return accepted({ ascii, unicode }, unicode !== ascii ? ['domain-idn'] : []);
}

export function checkDomain(input: { value?: unknown }): Checked<Domain> {
  const cleaned = cleanText(input.value, MAX_DOMAIN * 4);
  if (!cleaned.ok) return cleaned;
  const fanged = refang(cleaned.value);
  const checked = checkDomainName(fanged.text);
  if (!checked.ok) return checked;
  const warnings: IdentifierWarningCode[] = [...(fanged.changed ? (['refanged'] as const) : []), ...checked.warnings];
  return accepted({ kind: 'domain', value: checked.value.ascii, unicode: checked.value.unicode }, warnings);
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses
// ---------------------------------------------------------------------------------------------

export interface Email {
  kind: 'email';
  /** local@domain: the local part as written (it may be case-sensitive), the domain in A-labels, lower case. */
  value: string;
  local: string;
  domain: string;
}

// RFC 5322 atext, widened by RFC 6531 to any non-ASCII character (controls are refused earlier).
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\u{10FFFF}]+";
const DOT_ATOM = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10FFFF}]|\\[\x20-\x7e])*"$/u;

export function checkEmail(input: { value?: unknown }): Checked<Email> {
  const cleaned = cleanText(input.value, 320);
  if (!cleaned.ok) return cleaned;
  const text = cleaned.value;
  const at = text.lastIndexOf('@');
  if (at < 1 || at === text.length - 1) return problem('email-invalid');
  const local = text.slice(0, at);
  if (!DOT_ATOM.test(local) && !QUOTED.test(local)) return problem('email-local-invalid');
  if (Buffer.byteLength(local, 'utf8') > 64) return problem('email-local-invalid');
  const domain = checkDomainName(text.slice(at + 1));
  if (!domain.ok) return problem('email-domain-invalid', 'value', { problem: domain.reason.code });
  const value = `${local}@${domain.value.ascii}`;
  if (Buffer.byteLength(value, 'utf8') > 254) return problem('email-invalid');
  return accepted({ kind: 'email', value, local, domain: domain.value.ascii }, domain.warnings);
}

/** Local parts are case-sensitive in theory and never in practice: compare them folded. */
export const emailMatchKey = (email: Email): string => `email:${email.local.toLowerCase()}@${email.domain}`;

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

export interface Url {
  kind: 'url';
  /** The WHATWG serialisation: lower-case scheme and host (punycode), default port dropped. */
  value: string;
  host: string;
}

const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ws:', 'wss:']);

export function checkUrl(input: { value?: unknown }): Checked<Url> {
  const cleaned = cleanText(input.value, 8192);
  if (!cleaned.ok) return cleaned;
  const fanged = refang(cleaned.value);
  const text = fanged.text;
  // "example.com/x" and "example.com:8080/x" have no scheme (a scheme has no dot).
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1];
  if (scheme === undefined || scheme.includes('.')) return problem('url-missing-scheme');
  if (!URL_SCHEMES.has(`${scheme.toLowerCase()}:`)) return problem('url-unsupported-scheme', 'value', { scheme: scheme.toLowerCase().slice(0, 40) });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem('url-invalid');
  }
  const warnings: IdentifierWarningCode[] = fanged.changed ? ['refanged'] : [];
  if (url.username !== '' || url.password !== '') warnings.push('url-has-credentials');
  const host = url.hostname;
  if (host.startsWith('[') || isIP(host)) {
    warnings.push('url-host-is-ip');
  } else {
    const domain = checkDomainName(host);
    if (!domain.ok) return problem('url-bad-host', 'value', { problem: domain.reason.code });
    warnings.push(...domain.warnings);
  }
  return accepted({ kind: 'url', value: url.href, host }, warnings);
}

/** The URL without its fragment (never sent to the server) and without a root-label dot. */
export function urlMatchKey(url: Url): string {
  try {
    const parsed = new URL(url.value);
    parsed.hash = '';
    if (parsed.hostname.endsWith('.')) parsed.hostname = parsed.hostname.slice(0, -1);
    return `url:${parsed.href}`;
  } catch {
    return `url:${url.value}`;
  }
}

// ---------------------------------------------------------------------------------------------
// IP addresses with the time they were seen
// ---------------------------------------------------------------------------------------------

export interface IpAddress {
  kind: 'ip';
  /** RFC 5952 text for IPv6 (compressed, lower case); dotted quad for IPv4 and IPv4-mapped IPv6. */
  value: string;
  version: 4 | 6;
  /** When the address was observed, ISO 8601 in UTC (`…Z`), sub-second digits kept as given. */
  observedAt: string;
  /** The offset the time was written with ("+02:00"; "+00:00" for Z), for showing it as the source did. */
  observedOffset: string;
  /** Source port: needed to attribute an address shared behind carrier-grade NAT. */
  port?: number;
}

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** Canonical text of an address that `isIP` accepted. */
function canonicalIp(address: string, version: 4 | 6): { value: string; version: 4 | 6 } {
  if (version === 4) return { value: address, version };
  // The WHATWG IPv6 serialiser is RFC 5952: lower case, longest zero run compressed, first on a tie.
  const serialised = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(serialised);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? '0', 16);
    const low = Number.parseInt(mapped[2] ?? '0', 16);
    return { value: [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.'), version: 4 };
  }
  return { value: serialised, version: 6 };
}

/** Splits "a.b.c.d:port", "[v6]:port" and "[v6]" from the address. */
function splitPort(text: string): { address: string; port?: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(text);
  if (bracketed) return bracketed[2] === undefined ? { address: bracketed[1] ?? '' } : { address: bracketed[1] ?? '', port: bracketed[2] };
  const v4 = /^([0-9.]+):(\d*)$/.exec(text);
  if (v4) return { address: v4[1] ?? '', port: v4[2] ?? '' };
  return { address: text };
}

function parsePort(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 1 && raw <= 65535 ? raw : undefined;
  if (typeof raw === 'string' && /^\s*\d{1,5}\s*$/.test(raw)) return parsePort(Number(raw));
  return undefined;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*(?:([Zz])|(?:UTC|GMT)|([+-])(\d{2})(?::?(\d{2}))?))?$/;

/** An RFC 3339 date-time (a space for T, "UTC"/"GMT" for Z and ±hhmm are accepted too). */
export function parseObservedAt(raw: unknown): Checked<{ utc: string; offset: string }> {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return problem('ip-missing-timestamp', 'observedAt');
  if (typeof raw !== 'string' || raw.length > 64) return problem('ip-bad-timestamp', 'observedAt');
  const text = raw.trim();
  const match = DATE_TIME.exec(text);
  if (!match) return problem('ip-bad-timestamp', 'observedAt');
  const [, year, month, day, hour, minute, second = '00', fraction = '', zulu, sign, offsetHours, offsetMinutes = '00'] = match;
  const zoned = zulu !== undefined || sign !== undefined || /(?:UTC|GMT)$/.test(text);
  if (!zoned) return problem('ip-missing-timezone', 'observedAt');
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  const oh = Number(offsetHours ?? 0);
  const om = Number(offsetMinutes);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59) {
    return problem('ip-bad-timestamp', 'observedAt');
  }
  const offsetTotal = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  const instant = Date.UTC(y, mo - 1, d, h, mi, s) - offsetTotal * 60_000;
  const iso = new Date(instant).toISOString();
  if (!/^\d{4}-/.test(iso)) return problem('ip-bad-timestamp', 'observedAt');
  const digits = fraction.replace(/0+$/, '');
  const utc = `${iso.slice(0, 19)}${digits ? `.${digits}` : ''}Z`;
  const offset = `${offsetTotal < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetTotal) / 60))}:${pad(Math.abs(offsetTotal) % 60)}`;
  return accepted({ utc, offset });
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The observation time written back with its original offset: "2024-03-01T14:00:00+02:00". */
export function localObservedAt(ip: Pick<IpAddress, 'observedAt' | 'observedOffset'>): string {
  const match = /^(.{19})(?:\.(\d+))?Z$/.exec(ip.observedAt);
  const offset = /^([+-])(\d{2}):(\d{2})$/.exec(ip.observedOffset);
  if (!match || !offset) return ip.observedAt;
  const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  const local = new Date(Date.parse(`${match[1]}Z`) + minutes * 60_000).toISOString().slice(0, 19);
  return `${local}${match[2] ? `.${match[2]}` : ''}${ip.observedOffset}`;
}

export function checkIp(input: { value?: unknown; observedAt?: unknown; port?: unknown }): Checked<IpAddress> {
  const cleaned = cleanText(input.value, 128);
  if (!cleaned.ok) return cleaned;
  const split = splitPort(cleaned.value);
  if (split.address.includes('%')) return problem('ip-zone-id');
  const version = isIP(split.address);
  if (version !== 4 && version !== 6) return problem('ip-invalid');
  const address = canonicalIp(split.address, version);

  let port: number | undefined;
  if (split.port !== undefined) {
    port = parsePort(split.port);
    if (port === undefined) return problem('ip-bad-port', 'value', { port: split.port.slice(0, 10) });
  }
  if (input.port !== undefined && input.port !== null && input.port !== '') {
    const given = parsePort(input.port);
    if (given === undefined) return problem('ip-bad-port', 'port', { port: String(input.port).slice(0, 10) });
    if (port !== undefined && port !== given) return problem('ip-port-conflict', 'port', { inValue: port, given });
    port = given;
  }

  const observed = parseObservedAt(input.observedAt);
  if (!observed.ok) return observed;

  const ip: IpAddress = { kind: 'ip', value: address.value, version: address.version, observedAt: observed.value.utc, observedOffset: observed.value.offset };
  if (port !== undefined) ip.port = port;
  const warnings: IdentifierWarningCode[] = NOT_PUBLIC.check(address.value, address.version === 4 ? 'ipv4' : 'ipv6') ? ['ip-not-public'] : [];
  return accepted(ip, warnings);
}
