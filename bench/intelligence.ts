/**
 * Threat intelligence (issue 9): STIX objects served per second over TAXII 2.1, a client paging with
 * `next` through a collection of 100,000 indicators (added in bulk first), beside a bare Fastify route
 * serving the same pages, prepared in memory, to the same client in the same run. See bench/README.md.
 */
import { collectionsFor } from '../src/intelligence/collections.ts';
import { addVersions } from '../src/intelligence/store.ts';
import type { StixObject } from '../src/intelligence/stix/validate.ts';
import { keep, num, progress, ratio, release, row, section } from './report.ts';
import { type BenchSettings, type Engine, MEMBER, positive, scryptLoad, startBareFastify, startBenchNode } from './support.ts';

const TAXII = 'application/taxii+json;version=2.1';

export function intelligenceSettings() {
  return {
    objects: Math.round(positive('BENCH_INTEL_OBJECTS', 100_000)),
    /** Objects a page, as a client asks with `limit` (the server's maximum is 1,000). */
    pageSize: Math.round(positive('BENCH_INTEL_PAGE', 1000)),
  };
}

export function describeIntelligence(): string {
  const { objects, pageSize } = intelligenceSettings();
  return (
    `Intelligence: ${num(objects)} STIX indicators (BENCH_INTEL_OBJECTS) added in bulk to a collection, then read by one client paging with next ` +
    `through GET …/objects/?limit=${pageSize} (BENCH_INTEL_PAGE) with a bearer token, each page read and audited; beside a bare Fastify route answering the same pages from memory. ` +
    'Then the same walk with HTTP Basic on every page, as the OASIS client sends it, beside one password check at the node\'s cost.'
  );
}

function indicator(n: number): StixObject {
  const hex = n.toString(16).padStart(12, '0');
  return {
    type: 'indicator', spec_version: '2.1', id: `indicator--00000000-0000-4000-8000-${hex}`,
    created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', name: `Indicator ${n}`,
    pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}/32']`, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z',
    object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
  };
}

/** Follows `next` from the first page to the last, as a TAXII client does; returns objects seen and seconds taken. */
async function walk(first: string, nextUrl: (token: string) => string, headers: Record<string, string>): Promise<{ objects: number; seconds: number }> {
  const started = performance.now();
  let objects = 0;
  let url = first;
  for (;;) {
    const response = await fetch(url, { headers });
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { more?: boolean; next?: string; objects?: unknown[] };
    objects += page.objects?.length ?? 0;
    if (!page.more || !page.next) return { objects, seconds: (performance.now() - started) / 1000 };
    url = nextUrl(page.next);
  }
}

export async function benchIntelligence(engine: Engine, settings: BenchSettings): Promise<void> {
  const { objects, pageSize } = intelligenceSettings();
  progress(`${engine}: intelligence: starting a node…`);
  const node = keep(await startBenchNode(engine, settings));
  try {
    section(`${node.database.label}: threat intelligence over TAXII 2.1`);
    const collection = (await collectionsFor(node.database.db, ['investigator']))[0]!;
    progress(`${engine}: intelligence: adding ${num(objects)} indicators in bulk…`);
    const bulkStarted = performance.now();
    for (let start = 0; start < objects; start += 2000) {
      const batch = Array.from({ length: Math.min(2000, objects - start) }, (_, i) => indicator(start + i));
      await node.database.db.transaction((tx) => addVersions(tx, collection.id, batch, { node: node.config.nodeId, userId: null }));
    }
    const bulkSeconds = (performance.now() - bulkStarted) / 1000;
    row('Bulk add of STIX objects (store, 2,000 a transaction)', `${num(objects / bulkSeconds)} objects/s`, `${num(objects)} in ${num(bulkSeconds)} s`, '');

    const base = `${node.url}/taxii2/${node.config.nodeId}/collections/${collection.id}/objects/?limit=${pageSize}`;
    const headers = { accept: TAXII, authorization: `Bearer ${node.memberToken}` };
    // The same pages the node serves, prepared once; the bare route only picks one by its number.
    const pages: string[] = [];
    let token: string | undefined;
    do {
      const response = await fetch(token ? `${base}&next=${token}` : base, { headers });
      const body = (await response.json()) as { more: boolean; next?: string; objects: unknown[] };
      token = body.next;
      pages.push(JSON.stringify({ ...body, next: token === undefined ? undefined : String(pages.length + 1) }));
    } while (token);
    const bare = keep(await startBareFastify((app) =>
      app.get('/', async (request, reply) => reply.type('application/json').send(pages[Number((request.query as { next?: string }).next ?? 0)]))));
    try {
      progress(`${engine}: intelligence: baseline: paging through ${pages.length} pages from memory…`);
      const memory = await walk(bare.url, (next) => `${bare.url}?next=${next}`, {});
      progress(`${engine}: intelligence: paging through ${num(objects)} objects over TAXII…`);
      const taxii = await walk(base, (next) => `${base}&next=${next}`, headers);
      if (taxii.objects !== objects || memory.objects !== objects) throw new Error(`expected ${objects} objects, TAXII gave ${taxii.objects}, the bare route ${memory.objects}`);
      const rate = taxii.objects / taxii.seconds;
      const bareRate = memory.objects / memory.seconds;
      row(`TAXII GET objects, ${num(pageSize)} a page, following next`, `${num(rate)} objects/s`, `bare Fastify, same pages from memory: ${num(bareRate)} objects/s`, ratio(rate, bareRate));
      row('TAXII: time per page (read, audited, sent)', `${num((1000 * taxii.seconds) / pages.length)} ms`, `bare: ${num((1000 * memory.seconds) / pages.length)} ms`, ratio(taxii.seconds, memory.seconds));
      progress(`${engine}: intelligence: paging again with HTTP Basic on every page…`);
      const basicHeaders = { accept: TAXII, authorization: `Basic ${Buffer.from(`${MEMBER.username}:${MEMBER.password}`).toString('base64')}` };
      const basic = await walk(base, (next) => `${base}&next=${next}`, basicHeaders);
      row('TAXII with HTTP Basic on every page (checked on the first, then remembered)', `${num(basic.objects / basic.seconds)} objects/s`, `bearer: ${num(rate)} objects/s`, ratio(basic.objects / basic.seconds, rate));
      const check = await scryptLoad(settings.passwordCost, 1, 2);
      row(
        'TAXII Basic: time per page, beside one password check',
        `${num((1000 * basic.seconds) / pages.length)} ms`,
        `scrypt at log2 N = ${settings.passwordCost}: ${num(1000 / check.rate)} ms`,
        ratio((1000 * basic.seconds) / pages.length, 1000 / check.rate),
      );
    } finally {
      await release(bare);
    }
  } finally {
    await release(node);
  }
}
