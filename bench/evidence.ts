/**
 * The evidence files' benchmark (issue 7): a large file uploaded to a request through the HTTP API
 * (hashed, encrypted and written to the store as it streams) and downloaded back (decrypted as it
 * streams), in MB/s, beside a plain copy of a file of the same size on the same disk in the same run.
 * See bench/README.md.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { insertRequest } from '../src/requests/store.ts';
import { keep, num, progress, ratio, release, row, section } from './report.ts';
import { type BenchSettings, type Engine, positive, startBenchNode } from './support.ts';

const MiB = 1024 * 1024;

export const evidenceSettings = () => ({ megabytes: Math.round(positive('BENCH_EVIDENCE_MB', 256)) });

export function describeEvidence(e: ReturnType<typeof evidenceSettings>): string {
  return (
    `Evidence: a file of ${num(e.megabytes)} MiB (BENCH_EVIDENCE_MB) uploaded to a request through the API and downloaded back, ` +
    'beside a plain stream copy of a file of the same size on the same disk.'
  );
}

/** Generated content, different in every MiB. */
const generated = (bytes: number) => Readable.from((function* () {
  for (let offset = 0; offset < bytes; offset += MiB) yield Buffer.alloc(Math.min(MiB, bytes - offset), offset / MiB);
})());

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

function upload(url: string, token: string, requestId: string, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const sending = request({
      hostname, port, method: 'POST', path: `/api/v1/requests/${requestId}/files?name=bench.bin`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(bytes) },
    }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 201 ? resolve() : reject(new Error(`upload: ${response.statusCode}`))));
    });
    sending.on('error', reject);
    pipeline(generated(bytes), sending).catch(reject);
  });
}

export async function benchEvidence(engine: Engine, settings: BenchSettings): Promise<void> {
  const bytes = evidenceSettings().megabytes * MiB;
  const dir = mkdtempSync(join(tmpdir(), 'entraide-bench-evidence-'));
  const node = keep(await startBenchNode(engine, settings, { blobDir: join(dir, 'blobs') }));
  try {
    section(`Evidence files (${node.database.label})`);
    // A request held on this node as its executor, as a peer's submission leaves it: files may be added to it.
    const requestId = randomUUID();
    await insertRequest(node.database.db, {
      id: requestId, kind: 'disclosure', side: 'executor', requester: 'xa-police', executor: node.config.nodeId, parent_id: null,
      state: 'submitted', fields: {}, legal_basis: { type: 'reciprocity' }, created_by: 'xa-police:ines',
    });
    progress(`${engine}: evidence: plain copy of ${num(bytes / MiB)} MiB…`);
    const source = join(dir, 'source.bin');
    await pipeline(generated(bytes), createWriteStream(source));
    const copy = await timed(() => pipeline(createReadStream(source), createWriteStream(join(dir, 'copy.bin'))));
    const read = await timed(() => pipeline(createReadStream(source), createHash('sha256'), discard()));
    rmSync(join(dir, 'copy.bin'));
    progress(`${engine}: evidence: upload and download through the API…`);
    const up = await timed(() => upload(node.url, node.memberToken, requestId, bytes));
    const { rows } = await node.database.db.query<{ sha256: string }>('SELECT sha256 FROM request_files WHERE request_id = $1', [requestId]);
    const down = await timed(async () => {
      const response = await fetch(`${node.url}/api/v1/requests/${requestId}/files/${rows[0]!.sha256}`, { headers: { authorization: `Bearer ${node.memberToken}` } });
      if (response.status !== 200) throw new Error(`download: ${response.status}`);
      await pipeline(Readable.fromWeb(response.body! as never), discard());
    });
    const mbps = (seconds: number) => `${num(bytes / MiB / seconds)} MiB/s`;
    row(`Baseline: plain stream copy of ${num(bytes / MiB)} MiB (read + write, same disk)`, mbps(copy));
    row('Baseline: plain read + SHA-256 of the same file', mbps(read));
    row('Upload through the API (SHA-256, AES-256-GCM, fsync, custody + audit)', mbps(up), `copy ${mbps(copy)}`, ratio(1 / up, 1 / copy));
    row('Download through the API (decrypt, custody + audit)', mbps(down), `read + SHA-256 ${mbps(read)}`, ratio(1 / down, 1 / read));
  } finally {
    await release(node);
    rmSync(dir, { recursive: true, force: true });
  }
}
