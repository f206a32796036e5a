import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROLES } from '../identity/roles.ts';
import { SAMPLE_ADVISORIES, SAMPLE_PRACTICES } from './demo-publications.ts';

/**
 * The demo federation `npm start` brings up on loopback: two States' police, 24/7 point and
 * central authority, and one service provider, each its own process with its own embedded
 * database, trusting each other, with an account for every role. States XA and XB are
 * user-assigned ISO 3166 codes: clearly not real countries.
 */
export const DEMO_NODES = [
  { nodeId: 'a-police', displayName: 'State A — police cyber unit', state: 'XA', kind: 'authority' },
  { nodeId: 'a-247', displayName: 'State A — 24/7 point of contact', state: 'XA', kind: 'contact_point' },
  { nodeId: 'a-central', displayName: 'State A — central authority', state: 'XA', kind: 'central_authority' },
  { nodeId: 'b-police', displayName: 'State B — police cyber unit', state: 'XB', kind: 'authority' },
  { nodeId: 'b-247', displayName: 'State B — 24/7 point of contact', state: 'XB', kind: 'contact_point' },
  { nodeId: 'b-central', displayName: 'State B — central authority', state: 'XB', kind: 'central_authority' },
  { nodeId: 'provider', displayName: 'Example service provider', state: 'XB', kind: 'service_provider' },
] as const;

/**
 * What each demo node publishes of its State's requirements (sample data, like the States): State B
 * lets foreign authorities order subscriber information straight from its provider and wants to be
 * told; the provider keeps data for a limited time; every 24/7 point publishes the number a provider
 * calls back to confirm an emergency request.
 */
const DEMO_PROFILES: Record<string, Record<string, unknown>> = {
  'a-247': { languages: ['en', 'fr'], kinds: { preservation: { requiredFacts: [], acknowledgeWithinHours: 24 } }, contact: '24/7 desk of State A: +000 100 247 (sample)' },
  'b-247': {
    languages: ['en', 'fr', 'es'], kinds: { preservation: { requiredFacts: ['provider'], maxPeriodDays: 366, acknowledgeWithinHours: 12 } },
    contact: '24/7 desk of State B: +000 200 247 (sample)',
  },
  'b-central': { languages: ['en', 'fr'], kinds: { mla: { requiredFacts: ['proportionality'] } }, contact: 'Central authority of State B, office hours (sample)' },
  provider: {
    languages: ['en'], kinds: { disclosure: { requiredFacts: [], maxPeriodDays: 366 } }, directDisclosure: ['subscriber'], notifyOn: ['subscriber'], notifyNode: 'b-central',
    retentionDays: { subscriber: 3650, traffic: 365, content: 180 }, contact: 'Law-enforcement response team (sample)',
  },
};

/** Every demo account has this password: a demonstration, never a deployment. */
export const DEMO_PASSWORD = 'entraide-demo';
const FIRST_PORT = 4100;
const CLI = fileURLToPath(new URL('../../bin/entraide.mjs', import.meta.url));

interface DemoNode {
  nodeId: string;
  url: string;
  config: string;
  child?: ChildProcess;
}

async function call(url: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { ...init, headers, body: init.json === undefined ? null : JSON.stringify(init.json) });
}

/**
 * Seven nodes starting at once on a small machine each compile the embedded database and run every
 * migration: on two busy cores the first start can take well over a minute.
 */
const START_TIMEOUT_MS = 240_000;

async function waitHealthy(node: DemoNode): Promise<void> {
  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline;) {
    try {
      if ((await fetch(`${node.url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (node.child?.exitCode !== null && node.child?.exitCode !== undefined) throw new Error(`${node.nodeId} exited with ${node.child.exitCode}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${node.nodeId} did not become healthy`);
}

function spawnNode(node: DemoNode, logDir: string): ChildProcess {
  const child = spawn(process.execPath, [CLI, 'node', 'start', '--config', node.config], {
    env: { ...process.env, ENTRAIDE_ADMIN_PASSWORD: DEMO_PASSWORD, DATABASE_URL: '', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Each node's own output goes to its log file; the terminal shows only the table.
  const log = join(logDir, `${node.nodeId}.log`);
  child.stdout!.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
  child.stderr!.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
  return child;
}

/** The node's sample requirements, published once: a restart keeps the version published. */
async function publishProfile(node: DemoNode, token: string): Promise<void> {
  const requirements = DEMO_PROFILES[node.nodeId];
  if (!requirements) return;
  const current = await call(`${node.url}/api/v1/requests/profile`, { token });
  if (current.ok && ((await current.json()) as { version: number }).version > 0) return;
  const published = await call(`${node.url}/api/v1/requests/profile`, { method: 'PUT', token, json: requirements });
  if (!published.ok) throw new Error(`cannot publish the requirements of ${node.nodeId}: ${await published.text()}`);
}

/** The portal of State A's police, with sample advisories (written by the analyst, published by the administrator) and good practices; once. */
const PORTAL_NODE = 'a-police';

async function seedPublications(node: DemoNode, adminToken: string): Promise<void> {
  if (node.nodeId !== PORTAL_NODE) return;
  const existing = await call(`${node.url}/api/v1/advisories`, { token: adminToken });
  if (existing.ok && ((await existing.json()) as { items: unknown[] }).items.length > 0) return;
  const login = await call(`${node.url}/api/v1/auth/login`, { method: 'POST', json: { username: 'analyst', password: DEMO_PASSWORD } });
  const token = ((await login.json()) as { token: string }).token;
  const send = async (method: string, path: string, json: unknown, as = token) => {
    const response = await call(`${node.url}${path}`, { method, token: as, json });
    if (!response.ok) throw new Error(`cannot seed ${method} ${path} on ${node.nodeId}: ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  for (const sample of SAMPLE_ADVISORIES) {
    const texts = Object.entries(sample.texts);
    const [locale, original] = texts[0]!;
    const { id } = await send('POST', '/api/v1/advisories', { audience: sample.audience, threat: sample.threat, locale, ...original });
    for (const [other, text] of texts.slice(1)) await send('PUT', `/api/v1/advisories/${id}/texts/${other}`, text);
    await send('POST', `/api/v1/advisories/${id}/publication`, {}, adminToken);
  }
  for (const sample of SAMPLE_PRACTICES) {
    const texts = Object.entries(sample.texts);
    const [locale, first] = texts[0]!;
    const { id } = await send('POST', '/api/v1/practices', { ...sample.facts, locale, ...first });
    for (const [other, text] of texts.slice(1)) await send('PUT', `/api/v1/practices/${id}/texts/${other}`, text);
  }
}

/** The police units of States A and B share their indicators and the wallets they record, each subscribed to the other's. */
const SHARING_NODES = ['a-police', 'b-police'];
const TAXII = 'application/taxii+json;version=2.1';

async function seedSharing(nodes: DemoNode[], adminTokens: Map<string, string>): Promise<void> {
  const sharing = nodes.filter((node) => SHARING_NODES.includes(node.nodeId));
  const analystTokens = new Map<string, string>();
  const collections = new Map<string, string>();
  for (const node of sharing) {
    const login = await call(`${node.url}/api/v1/auth/login`, { method: 'POST', json: { username: 'analyst', password: DEMO_PASSWORD } });
    const token = ((await login.json()) as { token: string }).token;
    analystTokens.set(node.nodeId, token);
    const listed = await fetch(`${node.url}/taxii2/${node.nodeId}/collections/`, { headers: { accept: TAXII, authorization: `Bearer ${token}` } });
    const { collections: own } = (await listed.json()) as { collections: { id: string; title: string }[] };
    collections.set(node.nodeId, own.find((collection) => collection.title === 'Indicators')!.id);
    const peers = SHARING_NODES.filter((id) => id !== node.nodeId);
    for (const scope of [collections.get(node.nodeId)!, 'wallets']) {
      const set = await call(`${node.url}/api/v1/intelligence/collections/${scope}/sharing`, { method: 'PUT', token: adminTokens.get(node.nodeId), json: { peers, amberPeers: [] } });
      if (!set.ok) throw new Error(`cannot share ${scope} of ${node.nodeId}: ${await set.text()}`);
    }
  }
  for (const node of sharing) {
    const token = analystTokens.get(node.nodeId)!;
    const { items: existing } = (await (await call(`${node.url}/api/v1/intelligence/subscriptions`, { token })).json()) as { items: { peer: string; collectionId: string }[] };
    for (const peer of SHARING_NODES.filter((id) => id !== node.nodeId)) {
      for (const collectionId of [collections.get(peer)!, 'wallets']) {
        if (existing.some((subscription) => subscription.peer === peer && subscription.collectionId === collectionId)) continue;
        const subscribed = await call(`${node.url}/api/v1/intelligence/subscriptions`, { method: 'POST', token, json: { peer, collectionId } });
        if (!subscribed.ok) throw new Error(`${node.nodeId} cannot subscribe to ${collectionId} of ${peer}: ${await subscribed.text()}`);
      }
    }
  }
}

/** Accounts for every role, mutual trust and the police units' sharing; on a restart everything is already there (409) and kept. */
async function seed(nodes: DemoNode[]): Promise<void> {
  const tokens = new Map<string, string>();
  await Promise.all(nodes.map(async (node) => {
    const login = await call(`${node.url}/api/v1/auth/login`, { method: 'POST', json: { username: 'admin', password: DEMO_PASSWORD } });
    if (!login.ok) throw new Error(`cannot sign in to ${node.nodeId} as admin: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { token: string }).token;
    tokens.set(node.nodeId, token);
    for (const role of ROLES.filter((r) => r !== 'node_admin')) {
      const created = await call(`${node.url}/api/v1/users`, {
        method: 'POST', token, json: { username: role.replaceAll('_', '-'), displayName: `Demo ${role.replaceAll('_', ' ')}`, password: DEMO_PASSWORD, roles: [role] },
      });
      if (!created.ok && created.status !== 409) throw new Error(`cannot create ${role} on ${node.nodeId}: ${await created.text()}`);
    }
    await publishProfile(node, token);
    await seedPublications(node, token);
  }));
  const fingerprints = new Map<string, string>();
  for (const node of nodes) {
    fingerprints.set(node.nodeId, ((await (await fetch(`${node.url}/.well-known/entraide`)).json()) as { fingerprint: string }).fingerprint);
  }
  await Promise.all(nodes.map(async (node) => {
    for (const peer of nodes.filter((other) => other !== node)) {
      const added = await call(`${node.url}/api/v1/federation/peers`, { method: 'POST', token: tokens.get(node.nodeId), json: { url: peer.url, fingerprint: fingerprints.get(peer.nodeId) } });
      if (!added.ok && added.status !== 409) throw new Error(`${node.nodeId} cannot trust ${peer.nodeId}: ${await added.text()}`);
    }
  }));
  await seedSharing(nodes, tokens);
}

export async function startDemo(dataRoot = 'data'): Promise<{ nodes: DemoNode[]; stop(): Promise<void> }> {
  const root = resolve(dataRoot);
  const configs = join(root, 'demo');
  mkdirSync(configs, { recursive: true });
  const nodes: DemoNode[] = DEMO_NODES.map((node, index) => {
    const port = FIRST_PORT + index;
    const config = join(configs, `${node.nodeId}.json`);
    writeFileSync(config, JSON.stringify({ ...node, host: '127.0.0.1', port, dataDir: join(root, node.nodeId) }, null, 2));
    return { nodeId: node.nodeId, url: `http://127.0.0.1:${port}`, config };
  });
  let stopping = false;
  const launch = (node: DemoNode) => {
    node.child = spawnNode(node, configs);
    node.child.once('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`${node.nodeId} stopped (${signal ?? code}); starting it again\n`);
      launch(node);
    });
  };
  nodes.forEach(launch);
  const stop = async () => {
    stopping = true;
    await Promise.all(nodes.map((node) => new Promise<void>((done) => {
      if (!node.child || node.child.exitCode !== null) return done();
      node.child.once('exit', () => done());
      node.child.kill('SIGTERM');
    })));
  };
  try {
    await Promise.all(nodes.map(waitHealthy));
    await seed(nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, stop };
}

export function demoTable(nodes: DemoNode[]): string {
  const rows = DEMO_NODES.map((node, i) => [node.nodeId, node.state, node.kind, `${nodes[i]!.url}/login`]);
  const header = ['node', 'State', 'kind', 'console'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `Sign in on any node as one of: admin, ${ROLES.filter((r) => r !== 'node_admin').map((r) => r.replaceAll('_', '-')).join(', ')}`,
    `with the password "${DEMO_PASSWORD}". Logs: ${join(resolve('data'), 'demo')}/<node>.log. Stop with Ctrl-C.`,
  ].join('\n');
}
