import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, exited } from './cli.ts';
import { SERVER_URL, createServerDatabase } from './database.ts';
import { Api } from './node.ts';
import { freePort } from './ports.ts';

export const PROCESS_ADMIN_PASSWORD = 'process admin passphrase';

/**
 * A node running as a process of its own (`entraide node start --config`), which a test can kill
 * with SIGKILL and start again on the same port, database and keys.
 */
export class NodeProcess {
  child: ChildProcess | undefined;
  readonly url: string;
  readonly databaseUrl: string | undefined;
  private readonly config: string;
  private output = '';

  private constructor(readonly nodeId: string, readonly dataDir: string, port: number, databaseUrl: string | undefined, private readonly dropDatabase?: () => Promise<void>) {
    this.url = `http://127.0.0.1:${port}`;
    this.databaseUrl = databaseUrl;
    this.config = join(dataDir, 'node.json');
    writeFileSync(this.config, JSON.stringify({ nodeId, displayName: nodeId, state: nodeId.slice(0, 2).toUpperCase(), kind: 'authority', port, dataDir, passwordCost: 12 }));
  }

  /** On the PostgreSQL server when the suite runs there, each node with a database of its own. */
  static async create(nodeId: string): Promise<NodeProcess> {
    const dir = mkdtempSync(join(tmpdir(), `entraide-${nodeId}-`));
    const server = SERVER_URL ? await createServerDatabase() : undefined;
    return new NodeProcess(nodeId, dir, await freePort(), server?.url, server?.drop);
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [CLI, 'node', 'start', '--config', this.config], {
      env: { ...process.env, DATABASE_URL: this.databaseUrl ?? '', ENTRAIDE_ADMIN_PASSWORD: PROCESS_ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    for (let i = 0; i < 1200; i += 1) {
      if (child.exitCode !== null) throw new Error(`${this.nodeId} exited with ${child.exitCode}:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/health`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`${this.nodeId} did not start:\n${this.output}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await exited(this.child);
  }

  admin(): Promise<Api> {
    return new Api(this.url).login('admin', PROCESS_ADMIN_PASSWORD);
  }

  get log(): string {
    return this.output;
  }

  async dispose(): Promise<void> {
    await this.kill();
    await this.dropDatabase?.();
  }
}

/** Two nodes trust each other through their administrators' API, fingerprints read from their metadata. */
export async function trustEachOther(a: NodeProcess, b: NodeProcess): Promise<void> {
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const metadata = (await new Api(to.url).get('/.well-known/entraide')).body as { fingerprint: string };
    const added = await (await from.admin()).post('/api/v1/federation/peers', { url: to.url, fingerprint: metadata.fingerprint });
    if (added.status !== 201) throw new Error(`${from.nodeId} cannot trust ${to.nodeId}: ${added.text}`);
  }
}
