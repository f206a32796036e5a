/**
 * The requests benchmark (issue 6): drafts checked per second against a requirement profile, in
 * process, beside TypeBox's Value.Check and a JSON round trip of the same fields; then expedited
 * preservation across three real nodes on loopback (the requesting authority A, the requested
 * State's 24/7 point B, the provider P): A's investigator submits, B's officer forwards to P, P's
 * responder confirms, and the confirmation passes up through B to A. Its round trip is timed beside
 * the bare federation round trip of the same four hops (A → B → P → B → A), payloads of the same
 * size, measured in the same run on the same nodes. See bench/README.md.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { SYSTEM_ACTOR } from '../src/audit/record.ts';
import { Accounts } from '../src/identity/accounts.ts';
import type { Role } from '../src/identity/roles.ts';
import type { NodeConfig } from '../src/platform/config.ts';
import type { Database } from '../src/platform/db/database.ts';
import { type IdentifierInput, checkIdentifier } from '../src/platform/identifiers/index.ts';
import { fieldProblems } from '../src/requests/field-problems.ts';
import { IdentifierSchema, checkIdentifiers } from '../src/requests/identifiers.ts';
import { PreservationFields } from '../src/requests/kinds/preservation.ts';
import { OFFENCE_IDS } from '../src/requests/offences.ts';
import { type Profile, type Requirements, PROFILE_PATH, checkRequirements, publishProfile } from '../src/requests/profile.ts';
import { checkAgainstProfile } from '../src/requests/requirements.ts';
import { keep, latencyRatio, ms, notes, num, pct, progress, ratio, release, row, section } from './report.ts';
import {
  type BenchPeer, type BenchSettings, type Engine, type Measure,
  DbProbe, LoadMeter, positive, signIn, startBenchPeer, summarise, timedLoop, trustPeer,
} from './support.ts';

/* ---------------------------------------------------------------- settings */

export function requestsSettings() {
  return {
    /** Length of each in-process measurement of the draft checks, in seconds. */
    checkSeconds: positive('BENCH_REQ_CHECK_SECONDS', 0.5),
    /** Distinct drafts in the pool the checks go through, again and again. */
    drafts: Math.round(positive('BENCH_REQ_DRAFTS', 256)),
    /** Preservation round trips one after another (and as many of each bare federation round trip, taking turns). */
    roundTrips: Math.round(positive('BENCH_REQ_ROUND_TRIPS', 20)),
    /** Round trips in flight at once in the concurrent phase. */
    concurrency: Math.round(positive('BENCH_REQ_CONCURRENCY', 4)),
    /** Round trips in the concurrent phase (each kind); 0 to skip it. */
    concurrentRoundTrips: process.env.BENCH_REQ_CONCURRENT === '0' ? 0 : Math.round(positive('BENCH_REQ_CONCURRENT', 16)),
    /** Longest wait for one step of a round trip, in seconds. */
    timeoutSeconds: positive('BENCH_REQ_TIMEOUT', 30),
  };
}

type RequestsSettings = ReturnType<typeof requestsSettings>;

export function describeRequests(r: RequestsSettings): string {
  return (
    `Requests: drafts checked in process (${r.drafts} varied preservation drafts, ${num(r.checkSeconds)} s per measurement); ` +
    `then three nodes in this process, each over its own fresh database and HTTP server (A requesting authority, B the requested State's 24/7 point, P the provider), ` +
    `${r.roundTrips} preservation round trips one at a time, taking turns with as many bare federation round trips of the same four hops` +
    `${r.concurrentRoundTrips > 0 ? `, then ${r.concurrentRoundTrips} of each with ${r.concurrency} in flight` : ''} (BENCH_REQ_*).`
  );
}

/* ---------------------------------------------------------------- drafts */

const DAY_MS = 86_400_000;
const daysAgo = (days: number, from = Date.now()) => new Date(from - days * DAY_MS).toISOString().slice(0, 10);

/** A small deterministic generator (mulberry32), so that every run checks the same drafts. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/** Identifiers as investigators write them (spacing, case, defanged links, national phone numbers), each valid. */
const IDENTIFIER_SAMPLES: IdentifierInput[] = [
  { kind: 'email', value: 'Decrypt-Now@MAIL.example' },
  { kind: 'email', value: 'Accounts@Supplier-Invoices.example' },
  { kind: 'email', value: 'support.desk+refund@bank-secure-login.example' },
  { kind: 'phone', value: '+33 6 12 34 56 78' },
  { kind: 'phone', value: '+44 20 7946 0958' },
  { kind: 'phone', value: '020 7946 0958', defaultRegion: 'GB' },
  { kind: 'phone', value: '01 42 68 53 00', defaultRegion: 'FR' },
  { kind: 'ip', value: '198.51.100.23', observedAt: '2026-03-02T08:14:55Z' },
  { kind: 'ip', value: '8.8.8.8', observedAt: '2026-03-01T12:00:00+01:00', port: 443 },
  { kind: 'ip', value: '2001:0DB8:0000:0000:0000:ff00:0042:8329', observedAt: '2026-03-01T14:30:15.250+02:00', port: 51234 },
  { kind: 'url', value: 'https://pay-now.example/invoice?id=77812' },
  { kind: 'url', value: 'hxxps[:]//evil-example[.]com/login' },
  { kind: 'url', value: 'HTTPS://Bücher.Example/Path/To?Q=1#Top' },
  { kind: 'domain', value: 'films-cheap.example' },
  { kind: 'domain', value: 'Bücher.Example.' },
  { kind: 'domain', value: 'invoices-pay.example' },
  { kind: 'wallet', chain: 'bitcoin', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' },
  { kind: 'wallet', chain: 'bitcoin', value: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' },
  { kind: 'wallet', chain: 'bitcoin', value: '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy' },
  { kind: 'wallet', chain: 'ethereum', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' },
  { kind: 'wallet', chain: 'ethereum', value: '0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359' },
  { kind: 'wallet', chain: 'tron', value: 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7' },
  { kind: 'wallet', chain: 'litecoin', value: 'ltc1qxtm55gultqzhqzl2p3ks50hg2478y3hehuj6dz' },
  { kind: 'account', service: ' Telegram ', value: '@Decrypt_Support' },
  { kind: 'account', service: 'Instagram', value: 'cheap.films.official' },
];

const SENTENCES = [
  'A hospital in State A was encrypted on 2 March; the ransom note names an e-mail account held by the provider.',
  'The victims paid for goods that never came, to an account opened a week before the first sale.',
  'Messages sent from the account lured employees to a page imitating the bank sign-in.',
  'The wallet received the ransom payments and forwarded them within the hour.',
  'Logs of the victim show sign-ins from the address at the times given.',
  'The domain took the payments; its subscriber is believed to be the seller.',
  'Several hundred customers of the retailer were contacted from the same number.',
  'The suspect used the handle to advertise the stolen data for sale.',
];

/** Drafts as the node stores them (their fields passed the schema and the identifier checks), varied as real ones are. */
function draftPool(count: number): Record<string, unknown>[] {
  const rng = random(6);
  const pool: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const ids: IdentifierInput[] = [];
    const want = 1 + rng.below(rng.chance(0.8) ? 3 : 8);
    while (ids.length < want) {
      const candidate = rng.pick(IDENTIFIER_SAMPLES);
      if (!ids.includes(candidate)) ids.push(candidate);
    }
    const categories = (['subscriber', 'traffic', 'content'] as const).filter((c) => rng.chance(c === 'content' ? 0.2 : 0.6));
    if (categories.length === 0) categories.push('subscriber');
    const to = rng.below(45);
    const summary = Array.from({ length: 1 + rng.below(8) }, () => rng.pick(SENTENCES)).join(' ');
    const fields: Record<string, unknown> = {
      offence: rng.chance(0.05) ? 'commercial-copyright-infringement' : rng.pick(OFFENCE_IDS),
      summary,
      identifiers: ids.map((id) => ({ ...id })),
      dataCategories: categories,
      period: { from: daysAgo(to + 1 + rng.below(rng.chance(0.85) ? 90 : 200)), to: daysAgo(to) },
      language: rng.chance(0.9) ? rng.pick(['en', 'en', 'en', 'fr']) : rng.pick(['es', 'ru', 'ar', 'zh']),
      ...(rng.chance(0.85) ? { caseReference: `XA-CYB-2026-${String(1000 + i).padStart(4, '0')}` } : {}),
      ...(rng.chance(0.8) ? { link: rng.pick(SENTENCES) } : {}),
      ...(categories.includes('content') ? (rng.chance(0.7) ? { proportionality: 'Only the messages of the account, for the weeks of the offence.' } : {}) : {}),
      ...(rng.chance(0.5) ? { provider: rng.pick(['Example Mail', 'Example Hosting', 'Example Chat']) } : {}),
      ...(rng.chance(0.4) ? { preserveDays: 30 + rng.below(61) } : {}),
    };
    pool.push(fields);
  }
  return pool;
}

/** A demanding recipient: every rule of a profile in play (languages, facts, dual criminality, period, retention). */
const DEMANDING: Requirements = checkRequirements({
  languages: ['en', 'fr'],
  kinds: { preservation: { requiredFacts: ['caseReference', 'link'], maxPeriodDays: 90, acknowledgeWithinHours: 12 } },
  offences: OFFENCE_IDS.filter((id) => id !== 'commercial-copyright-infringement'),
  directDisclosure: ['subscriber'],
  retentionDays: { subscriber: 365, traffic: 90, content: 30 },
});

/** What `checkFields` in src/requests/service.ts does: the schema, then each identifier, in its normal form. */
function checkFields(value: unknown): { fields: Record<string, unknown>; problems: unknown[] } {
  const problems = fieldProblems(PreservationFields, value);
  if (problems.length > 0) return { fields: {}, problems };
  const fields = value as Record<string, unknown>;
  const checked = checkIdentifiers(fields.identifiers as IdentifierInput[]);
  if (checked.problems.length > 0) return { fields: {}, problems: checked.problems };
  return { fields: { ...fields, identifiers: checked.identifiers }, problems: [] };
}

/** Keeps results alive, so that the engine cannot drop the work measured. */
let sink = 0;

/** Calls `op` on every item, round after round, for `seconds` (after a short warm-up): items per second and µs each. */
function throughput<T>(items: readonly T[], seconds: number, op: (item: T) => unknown): { rate: number; us: number; count: number } {
  const run = (ms: number) => {
    const begun = performance.now();
    const until = begun + ms;
    let count = 0;
    let now = begun;
    while (now < until) {
      for (const item of items) if (op(item) !== undefined) sink++;
      count += items.length;
      now = performance.now();
    }
    return { count, ms: now - begun };
  };
  run(Math.min(250, seconds * 250));
  const { count, ms: elapsed } = run(seconds * 1000);
  return { rate: (count * 1000) / elapsed, us: (elapsed * 1000) / count, count };
}

/** Part one, no database: drafts checked per second against a profile, beside the cheapest handling of the same fields. */
export async function benchDraftChecks(): Promise<void> {
  const r = requestsSettings();
  const S = r.checkSeconds;
  section('Requests: drafts checked in process (no database, no HTTP)');
  const today = new Date();
  const profile: Profile = { nodeId: 'b-provider', state: 'XB', version: 1, issuedAt: today.toISOString(), ...DEMANDING };
  // What a drafter sends, and what the node keeps once checked (defaults filled, identifiers normalised).
  const raw = draftPool(r.drafts);
  const stored = raw.map((fields, i) => {
    const checked = checkFields(Value.Default(PreservationFields, structuredClone(fields)));
    if (checked.problems.length > 0) throw new Error(`draft ${i} of the pool is not valid: ${JSON.stringify(checked.problems)}`);
    return checked.fields;
  });
  const findings = stored.map((fields) => checkAgainstProfile(profile, 'preservation', fields, today));
  const refused = findings.filter((f) => f.problems.length > 0).length;
  const identifiers = stored.reduce((n, f) => n + (f.identifiers as unknown[]).length, 0);
  const bytes = stored.reduce((n, f) => n + JSON.stringify(f).length, 0);
  const poolNote = `${r.drafts} drafts, ${num(identifiers / r.drafts)} identifiers and ${num(bytes / r.drafts / 1024, ' kB')} of JSON each; ${pct(refused / r.drafts)} with problems`;

  progress(`requests: drafts: baselines (JSON round trip, Value.Check), then the checks, ${num(S)} s each…`);
  const json = throughput(stored, S, (f) => JSON.parse(JSON.stringify(f)));
  const check = throughput(stored, S, (f) => Value.Check(PreservationFields, f) || undefined);
  const compiledSchema = Compile(PreservationFields);
  const compiled = throughput(stored, S, (f) => compiledSchema.Check(f) || undefined);
  const profiled = throughput(stored, S, (f) => checkAgainstProfile(profile, 'preservation', f, today));
  const errors = throughput(stored, S, (f) => fieldProblems(PreservationFields, f));
  const ids = throughput(stored, S, (f) => checkIdentifiers(f.identifiers as IdentifierInput[]));
  const fields = throughput(stored, S, (f) => checkFields(f));
  // A draft as the node takes it in (defaults, a copy) and then checks it before it leaves.
  const whole = throughput(raw, S, (f) => {
    const checked = checkFields(Value.Default(PreservationFields, structuredClone(f)));
    return checked.problems.length > 0 ? checked : checkAgainstProfile(profile, 'preservation', checked.fields, today);
  });

  const drafts = (m: { rate: number }) => `${num(m.rate)} drafts/s`;
  const each = (m: { us: number }) => num(m.us, ' µs');
  row('Baseline: JSON.parse(JSON.stringify(fields))', drafts(json), `${each(json)} each; ${poolNote}`);
  row('Baseline: TypeBox Value.Check(PreservationFields, fields)', drafts(check), `${each(check)} each`, ratio(check.rate, json.rate) + ' of JSON');
  row('Baseline: TypeBox Compile(PreservationFields).Check(fields)', drafts(compiled), `${each(compiled)} each`, ratio(compiled.rate, check.rate) + ' of Value.Check');
  row('Drafts checked against a profile: checkAgainstProfile(profile, preservation, fields)', drafts(profiled), `Value.Check ${drafts(check)}; ${each(profiled)} each`, ratio(profiled.rate, check.rate));
  row('fieldProblems (compiled check, then its errors when it fails)', drafts(errors), `Value.Check ${drafts(check)}; ${each(errors)} each`, ratio(errors.rate, check.rate));
  row('checkIdentifiers (formats, checksums, normal form)', drafts(ids), `Value.Check ${drafts(check)}; ${each(ids)} each (${num(ids.us / (identifiers / r.drafts), ' µs')} per identifier)`, ratio(ids.rate, check.rate));
  row('checkFields (fieldProblems + checkIdentifiers)', drafts(fields), `Value.Check ${drafts(check)}; ${each(fields)} each`, ratio(fields.rate, check.rate));
  row('Drafts checked in full: Value.Default + copy + checkFields + checkAgainstProfile', drafts(whole), `Value.Check ${drafts(check)}; JSON ${drafts(json)}; ${each(whole)} each`, ratio(whole.rate, check.rate));

  // Each kind of identifier alone: where checkIdentifiers spends its time.
  const kinds = [...new Set(IDENTIFIER_SAMPLES.map((id) => id.kind))];
  const perKind = kinds.map((kind) => {
    const samples = IDENTIFIER_SAMPLES.filter((id) => id.kind === kind);
    for (const sample of samples) if (!checkIdentifier(sample).ok) notes.push(`requests: the sample identifier ${JSON.stringify(sample)} is not valid`);
    const checked = throughput(samples, S / 4, (id) => checkIdentifier(id));
    const schema = throughput(samples, S / 4, (id) => Value.Check(IdentifierSchema, id) || undefined);
    return { kind, checked, schema };
  });
  row(
    'checkIdentifier by kind: µs per identifier',
    perKind.map((k) => `${k.kind} ${num(k.checked.us)}`).join(', '),
    `Value.Check(IdentifierSchema): ${perKind.map((k) => `${k.kind} ${num(k.schema.us)}`).join(', ')}`,
    `slowest ${perKind.reduce((a, b) => (b.checked.us > a.checked.us ? b : a)).kind}`,
  );
  if (sink < 0) console.log(sink);
}

/* ---------------------------------------------------------------- three nodes */

const RELAY = 'bench.relay';
const ACCOUNT_COST = 12; // sign-in is not what this part measures
const PASSWORD = 'a benchmark passphrase, long enough';
const CLAIM = /^\s*UPDATE outbox o SET lease_until/i;

/** A person at a node, signed in through its API. */
interface Person {
  peer: BenchPeer;
  token: string;
}

/** Where the three nodes' hops go: A → B, B → P, P → B, B → A. */
type Hop = 0 | 1 | 2 | 3;
type Variant = 'preservation' | 'bare-at-once';

/** A bare round trip in flight: when each hop was applied (committed) on its receiver. */
interface Trip {
  variant: Variant;
  stamps: number[];
  done: () => void;
}

interface Counters {
  statements: number;
  ms: number;
  idlePolls: number;
}

interface Trio {
  a: BenchPeer;
  b: BenchPeer;
  p: BenchPeer;
  investigator: Person;
  officer: Person;
  responder: Person;
  /** Resolves when the node next finishes applying a batch of incoming messages (its inbox has committed). */
  until<T>(peer: BenchPeer, what: string, check: () => Promise<T | undefined>): Promise<T>;
  /** The payload of each hop of the preservation, captured from the first round trip, for the bare round trips. */
  bodies: unknown[];
  trips: Map<string, Trip>;
  counters: Map<BenchPeer, Counters>;
  close(): Promise<void>;
}

async function person(peer: BenchPeer, username: string, roles: Role[]): Promise<Person> {
  await new Accounts(peer.database.db, ACCOUNT_COST).create({ username, displayName: username, password: PASSWORD, roles }, SYSTEM_ACTOR);
  return { peer, token: await signIn(peer.url, { username, password: PASSWORD }) };
}

async function api<T = any>(who: Person, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${who.peer.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${who.peer.nodeId}${path}: ${response.status} ${text.slice(0, 400)}`);
  return JSON.parse(text) as T;
}

const stateOf = async (db: Database, id: string) => (await db.query<{ state: string }>('SELECT state FROM requests WHERE id = $1', [id])).rows[0]?.state;
const reached = (peer: BenchPeer, id: string, state: string) => async () => ((await stateOf(peer.database.db, id)) === state ? true : undefined);

async function startTrio(engine: Engine, settings: BenchSettings, r: RequestsSettings): Promise<Trio> {
  const start = (nodeId: string, state: string, kind: NodeConfig['kind']) =>
    startBenchPeer(engine, settings, { nodeId, state, probe: new DbProbe((sql) => sql.replace(/\s+/g, ' ').trim().slice(0, 48)), config: { kind, passwordCost: ACCOUNT_COST, displayName: `Benchmark ${nodeId}` } });
  // One after another: a PGlite database being created holds the main thread for seconds, long
  // enough for another node's plugins to time out while it starts.
  const a = keep(await start('a-police', 'XA', 'authority'));
  const b = keep(await start('b-247', 'XB', 'contact_point'));
  const p = keep(await start('b-provider', 'XB', 'service_provider'));
  for (const [x, y] of [[a, b], [b, a], [b, p], [p, b]] as const) await trustPeer(x, y);
  // B asks what State B's 24/7 point would; the provider says how long it keeps each category.
  await b.database.db.transaction((tx) => publishProfile(tx, checkRequirements({
    languages: ['en', 'fr'],
    kinds: { preservation: { requiredFacts: ['caseReference', 'link'], maxPeriodDays: 90, acknowledgeWithinHours: 12 } },
    offences: OFFENCE_IDS.filter((id) => id !== 'commercial-copyright-infringement'),
  })));
  await p.database.db.transaction((tx) => publishProfile(tx, checkRequirements({ languages: ['en'], kinds: {}, retentionDays: { subscriber: 365, traffic: 90 } })));
  const investigator = await person(a, 'ines', ['investigator']);
  const officer = await person(b, 'olga', ['contact_point']);
  const responder = await person(p, 'pat', ['provider_responder']);

  // Each node tells the bench when its inbox has applied and committed a batch (as a person would be
  // notified), and, for the bare round trips, which hops it applied.
  const waiters = new Map<BenchPeer, Set<() => void>>();
  const applied = new AsyncLocalStorage<{ run: string; hop: Hop }[]>();
  const trips = new Map<string, Trip>();
  const counters = new Map<BenchPeer, Counters>();
  const bodies: unknown[] = [];
  for (const peer of [a, b, p]) {
    waiters.set(peer, new Set());
    const c: Counters = { statements: 0, ms: 0, idlePolls: 0 };
    counters.set(peer, c);
    peer.probe.recording = true;
    peer.probe.on((event) => {
      if (CLAIM.test(event.sql) && event.rowCount === 0) c.idlePolls += 1;
      else {
        c.statements += 1;
        c.ms += event.end - event.start;
      }
    });
    const inbox = peer.federation.inbox;
    const receiveAll = inbox.receiveAll.bind(inbox);
    inbox.receiveAll = async (envelopes) => {
      const hops: { run: string; hop: Hop }[] = [];
      const outcomes = await applied.run(hops, () => receiveAll(envelopes));
      const at = performance.now();
      // The node wakes its own worker once a batch is applied: what a handler queued leaves at once.
      for (const { run, hop } of hops) {
        const trip = trips.get(run);
        if (!trip) continue;
        trip.stamps[hop] = at;
        if (hop === 3) trip.done();
      }
      for (const wake of waiters.get(peer)!) wake();
      return outcomes;
    };
  }
  // The bare round trip: each node passes the message on in its inbox transaction, as the requests service does.
  const receiver: Record<Hop, BenchPeer> = { 0: b, 1: p, 2: b, 3: a };
  for (const peer of [a, b, p]) {
    peer.federation.on(RELAY, async (tx, message) => {
      const { run, hop } = message.payload as { run: string; hop: Hop };
      applied.getStore()?.push({ run, hop });
      if (hop < 3) {
        const next = (hop + 1) as Hop;
        await peer.federation.send(tx, receiver[next].nodeId, RELAY, { run, hop: next, body: bodies[next] });
      }
    });
  }
  for (const peer of [a, b, p]) peer.federation.worker.start();

  const timeoutMs = r.timeoutSeconds * 1000;
  const trio: Trio = {
    a, b, p, investigator, officer, responder, bodies, trips, counters,
    async until(peer, what, check) {
      const deadline = performance.now() + timeoutMs;
      const set = waiters.get(peer)!;
      for (;;) {
        let wake!: () => void;
        const woken = new Promise<void>((resolve) => (wake = resolve));
        set.add(wake); // before the check, so that a batch applied during it is not missed
        try {
          const found = await check();
          if (found !== undefined) return found;
          if (performance.now() > deadline) throw new Error(`${what} did not happen within ${r.timeoutSeconds} s (BENCH_REQ_TIMEOUT)`);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([woken, new Promise((resolve) => (timer = setTimeout(resolve, 100)))]);
          clearTimeout(timer);
        } finally {
          set.delete(wake);
        }
      }
    },
    async close() {
      await release(p);
      await release(b);
      await release(a);
    },
  };
  return trio;
}

/** The fields of the preservation each round trip asks for: what B's and the provider's profiles require. */
function preservationFields(n: number) {
  return {
    caseReference: `XA-CYB-2026-${String(n).padStart(4, '0')}`,
    offence: 'ransomware-extortion',
    summary: 'A hospital in State A was encrypted on 2 March; the ransom note names an e-mail account held by the provider.',
    identifiers: [{ kind: 'email', value: 'Decrypt-Now@MAIL.example' }, { kind: 'wallet', chain: 'bitcoin', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' }],
    dataCategories: ['subscriber', 'traffic'],
    period: { from: daysAgo(40), to: daysAgo(1) },
    provider: 'Example Mail',
    link: 'The account sent the ransom note; its subscriber and sign-ins identify who sent it.',
  };
}

let drafted = 0;
async function draft(trio: Trio): Promise<string> {
  const created = await api<{ id: string; state: string }>(trio.investigator, 'POST', '/api/v1/requests', {
    kind: 'preservation', executor: trio.b.nodeId, fields: preservationFields(++drafted),
  });
  return created.id;
}

/** When each step of one preservation was over, from A's submit (ms). */
const LEGS = [
  ['submit (A API)', 'submit answered'],
  ['A → B', 'applied at B'],
  ['forward (B API)', 'forward answered'],
  ['B → P', 'applied at P'],
  ['confirm (P API)', 'confirm answered'],
  ['P → B', 'applied at B, passed up'],
  ['B → A', 'applied at A'],
  ['read (A API)', 'seen by the investigator'],
] as const;

/** One preservation across the three nodes, people at B and P acting as soon as their node has it. */
async function preservationRoundTrip(trio: Trio, id: string, n: number): Promise<number[]> {
  const { a, b, p } = trio;
  const stamps: number[] = [];
  const t0 = performance.now();
  const mark = () => stamps.push(performance.now() - t0);
  await api(trio.investigator, 'POST', `/api/v1/requests/${id}/actions/submit`, {});
  mark();
  await trio.until(b, `request ${id} arriving at B`, reached(b, id, 'submitted'));
  mark();
  const forwarded = await api<{ forwarded: { id: string; executor: string }[] }>(trio.officer, 'POST', `/api/v1/requests/${id}/actions/forward`, { to: p.nodeId });
  const child = forwarded.forwarded.find((f) => f.executor === p.nodeId)?.id;
  if (!child) throw new Error(`B forwarded request ${id} to nobody`);
  mark();
  await trio.until(p, `request ${child} arriving at P`, reached(p, child, 'submitted'));
  mark();
  await api(trio.responder, 'POST', `/api/v1/requests/${child}/actions/confirm-preserved`, { preservedUntil: daysAgo(-90), providerReference: `EM-PRES-${n}` });
  mark();
  await trio.until(b, `request ${id} preserved at B`, reached(b, id, 'preserved'));
  mark();
  await trio.until(a, `request ${id} preserved at A`, reached(a, id, 'preserved'));
  mark();
  const seen = await api<{ state: string }>(trio.investigator, 'GET', `/api/v1/requests/${id}`);
  if (seen.state !== 'preserved') throw new Error(`the investigator sees request ${id} ${seen.state}`);
  mark();
  return stamps;
}

/** The same four hops through bare federation messages; returns when each hop was applied, from A's send (ms). */
async function bareRoundTrip(trio: Trio, variant: Variant, timeoutMs: number): Promise<number[]> {
  const run = randomUUID();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const trip: Trip = { variant, stamps: [], done };
  trio.trips.set(run, trip);
  let timer: NodeJS.Timeout | undefined;
  try {
    const t0 = performance.now();
    await trio.a.federation.db.transaction((tx) => trio.a.federation.send(tx, trio.b.nodeId, RELAY, { run, hop: 0, body: trio.bodies[0] }));
    trio.a.federation.worker.kick();
    await Promise.race([
      finished,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`a bare round trip (${variant}) did not come back within ${timeoutMs / 1000} s`)), timeoutMs))),
    ]);
    return trip.stamps.map((t) => t - t0);
  } finally {
    clearTimeout(timer);
    trio.trips.delete(run);
  }
}

/** Captures what each node sends during one preservation: the payload of each of the four hops. */
async function capturePayloads(trio: Trio, n: number): Promise<void> {
  const { a, b, p } = trio;
  const sent: { from: string; to: string; type: string; payload: any }[] = [];
  const originals = [a, b, p].map((peer) => {
    const original = peer.federation.send;
    peer.federation.send = function (this: typeof peer.federation, tx, to, type, payload, attachments) {
      sent.push({ from: peer.nodeId, to, type, payload });
      return original.call(this, tx, to, type, payload, attachments);
    };
    return () => (peer.federation.send = original);
  });
  try {
    await preservationRoundTrip(trio, await draft(trio), n);
  } finally {
    for (const restore of originals) restore();
  }
  const find = (from: BenchPeer, to: BenchPeer, action: string) => {
    const found = sent.find((m) => m.from === from.nodeId && m.to === to.nodeId && m.payload?.action === action);
    if (!found) throw new Error(`no ${action} message from ${from.nodeId} to ${to.nodeId} was seen`);
    return found.payload;
  };
  trio.bodies.splice(0, 4, find(a, b, 'submit'), find(b, p, 'submit'), find(p, b, 'confirm-preserved'), find(b, a, 'confirm-preserved'));
  const others = sent.filter((m) => !trio.bodies.includes(m.payload));
  const note = `requests: besides the four hops, a preservation sends ${others.map((m) => `${m.payload?.action ?? m.type} ${m.from} → ${m.to}`).join(', ')} (off the round trip's path).`;
  if (others.length > 0 && !notes.includes(note)) notes.push(note);
}

/** Waits until no node has a message waiting to be delivered: one round trip does not spill into the next. */
async function settle(trio: Trio, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let pending = 0;
    for (const peer of [trio.a, trio.b, trio.p]) {
      pending += (await peer.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE state = 'pending'")).rows[0]!.n;
    }
    if (pending === 0) return;
    if (performance.now() > deadline) throw new Error(`${pending} messages still waiting after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Over some round trips: each node's statements (the workers' idle polls apart), their time, and its transactions; the CPU. */
interface Cost {
  trips: number;
  statements: number[];
  statementMs: number[];
  transactions: number[];
  cpu: number;
  postgres: number;
}

const emptyCost = (): Cost => ({ trips: 0, statements: [0, 0, 0], statementMs: [0, 0, 0], transactions: [0, 0, 0], cpu: 0, postgres: 0 });

async function costed<T>(trio: Trio, cost: Cost, databases: string[], timeoutMs: number, trips: number, work: () => Promise<T>): Promise<T> {
  const peers = [trio.a, trio.b, trio.p];
  const before = peers.map((peer) => ({ ...trio.counters.get(peer)!, tx: peer.probe.total('transaction').count }));
  const meter = new LoadMeter(databases);
  // Taken after the meter, whose reading of /proc would otherwise count as the nodes' CPU.
  const cpu = process.cpuUsage();
  const result = await work();
  await settle(trio, timeoutMs);
  const used = process.cpuUsage(cpu);
  const load = meter.stop();
  peers.forEach((peer, i) => {
    const now = trio.counters.get(peer)!;
    cost.statements[i]! += now.statements - before[i]!.statements;
    cost.statementMs[i]! += now.ms - before[i]!.ms;
    cost.transactions[i]! += peer.probe.total('transaction').count - before[i]!.tx;
  });
  cost.cpu += (used.user + used.system) / 1000;
  cost.postgres += Number.isFinite(load.postgresCpu) ? [...load.databaseCpu.values()].reduce((x, y) => x + y, 0) : 0;
  cost.trips += trips;
  return result;
}

/**
 * Times the nodes' requests for a peer's requirement profile (a step that submits fetches the
 * recipient's, signed, before its transaction), through the global fetch the nodes call, by the peer asked.
 */
class ProfileFetches {
  recording = false;
  readonly durations = new Map<string, number[]>();
  private readonly original = globalThis.fetch;

  install(): void {
    const { original } = this;
    const self = this;
    globalThis.fetch = async function (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (!self.recording || !url.endsWith(PROFILE_PATH)) return original(input, init);
      const begun = performance.now();
      const response = await original(input, init);
      // The body is read by the caller; the clone is read here, to time the whole answer.
      await response.clone().arrayBuffer();
      const origin = new URL(url).origin;
      self.durations.set(origin, [...(self.durations.get(origin) ?? []), performance.now() - begun]);
      return response;
    } as typeof fetch;
  }

  uninstall(): void {
    globalThis.fetch = this.original;
  }

  mean(peer: BenchPeer): number {
    return mean(this.durations.get(new URL(peer.url).origin) ?? []);
  }
}

/** Runs `work` on every item, with at most `inFlight` running at once. */
async function forEachInFlight<T>(items: readonly T[], inFlight: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const mean = (values: number[]) => (values.length ? values.reduce((x, y) => x + y, 0) / values.length : Number.NaN);
/** Means of each leg, from the time each step was over. */
function legMeans(runs: number[][]): number[] {
  const legs = runs[0]?.length ?? 0;
  return Array.from({ length: legs }, (_, i) => mean(runs.map((s) => s[i]! - (i === 0 ? 0 : s[i - 1]!))));
}

/** Part two: preservation round trips across three nodes, beside bare federation round trips of the same hops. */
export async function benchPreservation(engine: Engine, settings: BenchSettings): Promise<void> {
  const r = requestsSettings();
  const timeoutMs = r.timeoutSeconds * 1000;
  progress(`${engine}: requests: three nodes (A authority, B 24/7 point, P provider) on fresh databases, trusting each other, with people and profiles…`);
  const trio = keep(await startTrio(engine, settings, r));
  const { a, b, p } = trio;
  const databases = [a, b, p].map((peer) => peer.database.name).filter((name): name is string => name !== undefined);
  section(`${a.database.label.replace(/, fresh database\)$/, ', a fresh database per node)')} — preservation A → B → P → B → A`);
  const profiles = new ProfileFetches();
  try {
    progress(`${engine}: requests: warm-up (2 preservations, capturing their payloads; 3 bare round trips)…`);
    await capturePayloads(trio, 0);
    await preservationRoundTrip(trio, await draft(trio), 0);
    for (let i = 0; i < 3; i++) {
      await bareRoundTrip(trio, 'bare-at-once', timeoutMs);
    }
    await settle(trio, timeoutMs);
    const sizes = trio.bodies.map((body) => JSON.stringify(body).length);

    /* Sequential: preservations and bare round trips take turns, so that all see the same machine. */
    const N = r.roundTrips;
    progress(`${engine}: requests: ${N} preservation round trips, one at a time, taking turns with ${N} bare round trips…`);
    const variants: Variant[] = ['preservation', 'bare-at-once'];
    profiles.install();
    const runs = new Map<Variant, number[][]>(variants.map((v) => [v, []]));
    const costs = new Map<Variant, Cost>(variants.map((v) => [v, emptyCost()]));
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < variants.length; k++) {
        const variant = variants[(i + k) % variants.length]!;
        const id = variant === 'preservation' ? await draft(trio) : '';
        profiles.recording = variant === 'preservation';
        const stamps = await costed(trio, costs.get(variant)!, databases, timeoutMs, 1, () =>
          variant === 'preservation' ? preservationRoundTrip(trio, id, i + 1) : bareRoundTrip(trio, variant, timeoutMs));
        profiles.recording = false;
        runs.get(variant)!.push(stamps);
      }
    }
    profiles.uninstall();
    const total = (v: Variant) => summarise(runs.get(v)!.map((s) => s.at(-1)!), { rateBy: 'window', concurrency: 1, seconds: Number.NaN });
    const preserved = total('preservation');
    const atOnce = total('bare-at-once');
    // Until A has applied the confirmation (before the investigator's read): the same end as the bare hops'.
    const toApplied = summarise(runs.get('preservation')!.map((s) => s[6]!), { rateBy: 'window', concurrency: 1, seconds: Number.NaN });

    /* Concurrent: throughput with several round trips in flight. */
    let concurrent: { preservation: Measure; bare: Measure; costP: Cost; costB: Cost } | undefined;
    if (r.concurrentRoundTrips > 0) {
      const M = r.concurrentRoundTrips;
      progress(`${engine}: requests: ${M} preservation round trips with ${r.concurrency} in flight (drafting them first)…`);
      const ids: string[] = [];
      for (let i = 0; i < M; i++) ids.push(await draft(trio));
      const costP = emptyCost();
      const latP: number[] = [];
      const beganP = performance.now();
      await costed(trio, costP, databases, timeoutMs, M, () =>
        forEachInFlight(ids, r.concurrency, async (id, i) => {
          latP.push((await preservationRoundTrip(trio, id, 1000 + i)).at(-1)!);
        }));
      const preservation = summarise(latP, { rateBy: 'window', concurrency: r.concurrency, seconds: (performance.now() - beganP) / 1000 });
      progress(`${engine}: requests: ${M} bare round trips with ${r.concurrency} in flight…`);
      const costB = emptyCost();
      const latB: number[] = [];
      const beganB = performance.now();
      await costed(trio, costB, databases, timeoutMs, M, () =>
        forEachInFlight(Array.from({ length: M }), r.concurrency, async () => {
          latB.push((await bareRoundTrip(trio, 'bare-at-once', timeoutMs)).at(-1)!);
        }));
      const bare = summarise(latB, { rateBy: 'window', concurrency: r.concurrency, seconds: (performance.now() - beganB) / 1000 });
      concurrent = { preservation, bare, costP, costB };
    }

    /* Checking a draft through the API: the recipient's profile is fetched each time. */
    progress(`${engine}: requests: GET /api/v1/requests/:id/check on A for ${num(r.checkSeconds)} s, beside B's signed profile fetched alone…`);
    const checkId = await draft(trio);
    const checkOnce = () => api(trio.investigator, 'GET', `/api/v1/requests/${checkId}/check`);
    const profileOnce = async () => {
      const response = await fetch(`${b.url}${PROFILE_PATH}`);
      if (!response.ok) throw new Error(`B's profile: ${response.status}`);
      await response.text();
    };
    await timedLoop(1, 0.2, checkOnce);
    await timedLoop(1, 0.2, profileOnce);
    const profileFetch = await timedLoop(1, r.checkSeconds, profileOnce);
    const checkApi = await timedLoop(1, r.checkSeconds, checkOnce);

    /* Everything arrived once, nothing was retried. */
    for (const peer of [a, b, p]) {
      const { rows } = await peer.database.db.query<{ retried: number; dead: number }>(
        "SELECT count(*) FILTER (WHERE attempts > 1)::int AS retried, count(*) FILTER (WHERE state = 'dead')::int AS dead FROM outbox",
      );
      if (rows[0]!.retried || rows[0]!.dead) notes.push(`${engine} requests: ${peer.nodeId} retried ${rows[0]!.retried} messages (${rows[0]!.dead} dead): the figures include back-off.`);
    }

    /* ------------------------------------------------------------ the figures */
    const perTrip = (cost: Cost) => {
      const each = (values: number[]) => values.map((v) => num(v / cost.trips)).join(' / ');
      return `${each(cost.statements)} statements (${each(cost.statementMs)} ms), ${each(cost.transactions)} transactions`;
    };
    const cpu = (cost: Cost) => `${num(cost.cpu / cost.trips, ' ms')}${engine === 'postgres' && databases.length ? ` + PostgreSQL backends ${num(cost.postgres / cost.trips, ' ms')}` : ''}`;
    const trips = (m: Measure) => `${num(m.rate)} round trips/s`;
    const kb = (bytes: number) => num(bytes / 1024, ' kB');

    row(
      `Preservation round trip, one at a time (A submits → A's API shows preserved): p50 / p99 / mean`,
      ms(preserved),
      `bare federation, the same 4 hops, each passed on at once: ${ms(atOnce)}`,
      latencyRatio(preserved, atOnce),
    );
    row(
      '… until the confirmation is applied at A (without the final read)',
      ms(toApplied),
      `bare federation, the same 4 hops, each passed on at once: ${ms(atOnce)}`,
      latencyRatio(toApplied, atOnce),
    );
    const legs = legMeans(runs.get('preservation')!);
    row(
      '… where the time goes: each step, from the end of the one before (means, ms)',
      num(preserved.mean, ' ms'),
      LEGS.map(([name], i) => `${name} ${num(legs[i]!)}`).join(', '),
      `people's API calls ${num(legs[0]! + legs[2]! + legs[4]! + legs[7]!, ' ms')}, hops ${num(legs[1]! + legs[3]! + legs[5]! + legs[6]!, ' ms')}`,
    );
    row(
      "… of which fetching the recipient's signed profile (A's submit from B / B's forward from P)",
      `${num(profiles.mean(b), ' ms')} / ${num(profiles.mean(p), ' ms')}`,
      `submit (A API) ${num(legs[0]!, ' ms')} / forward (B API) ${num(legs[2]!, ' ms')}`,
      `${pct(profiles.mean(b) / legs[0]!)} / ${pct(profiles.mean(p) / legs[2]!)}`,
    );
    const bareHops = legMeans(runs.get('bare-at-once')!);
    row(
      'Baseline: bare round trip, each hop passed on at once: total, per hop (means, ms)',
      num(mean(runs.get('bare-at-once')!.map((s) => s.at(-1)!)), ' ms'),
      ['A → B', 'B → P', 'P → B', 'B → A'].map((name, i) => `${name} ${num(bareHops[i]!)}`).join(', '),
      `payloads ${sizes.map(kb).join(' / ')}`,
    );
    row('Preservation: per round trip, on A / B / P (idle polls apart)', perTrip(costs.get('preservation')!), `bare: ${perTrip(costs.get('bare-at-once')!)}`);
    row(
      'Preservation: CPU per round trip, this process (three nodes)',
      cpu(costs.get('preservation')!),
      `bare ${cpu(costs.get('bare-at-once')!)}`,
      ratio(costs.get('preservation')!.cpu, costs.get('bare-at-once')!.cpu),
    );
    if (concurrent) {
      const { preservation, bare, costP, costB } = concurrent;
      row(`Preservation round trips, ${r.concurrency} in flight: throughput`, trips(preservation), `bare, ${r.concurrency} in flight: ${trips(bare)}`, ratio(preservation.rate, bare.rate));
      row(`Preservation round trips, ${r.concurrency} in flight: p50 / p99 / mean`, ms(preservation), `bare: ${ms(bare)}`, latencyRatio(preservation, bare));
      row(`Preservation round trips, ${r.concurrency} in flight: CPU per round trip`, cpu(costP), `bare ${cpu(costB)}`, ratio(costP.cpu, costB.cpu));
    }
    row(
      'Draft check over the API (GET /api/v1/requests/:id/check on A), one at a time',
      `${num(checkApi.rate)} checks/s`,
      `B's signed profile fetched alone: ${num(profileFetch.rate)}/s, ${ms(profileFetch)}`,
      ratio(checkApi.rate, profileFetch.rate),
    );
    row('… latency p50 / p99 / mean', ms(checkApi), `B's profile alone ${ms(profileFetch)}`, latencyRatio(checkApi, profileFetch));
  } finally {
    profiles.uninstall();
    await release(trio);
  }
}
