import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEMO_NODES, DEMO_PASSWORD } from '../../src/node/demo.ts';
import { CLI, exited } from '../support/cli.ts';
import { Api } from '../support/node.ts';

// The demo always runs on embedded databases on fixed ports: once per suite is enough.
describe('the demo federation that npm start brings up', { skip: Boolean(process.env.DATABASE_URL) && 'runs on PGlite only' }, () => {
  test('seven nodes on loopback from port 4100, trusting each other, with an account for every role', { timeout: 5 * 60_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'entraide-demo-'));
    const child = spawn(process.execPath, [CLI, 'demo', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (output.includes('Stop with Ctrl-C')) {
            clearInterval(timer);
            resolve();
          }
          if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`the demo stopped:\n${output}`));
          }
        }, 200);
      });
      assert.match(output, /a-police\s+XA\s+authority\s+http:\/\/127\.0\.0\.1:4100\/login/);
      for (const [index, node] of DEMO_NODES.entries()) {
        const url = `http://127.0.0.1:${4100 + index}`;
        const metadata = (await new Api(url).get('/.well-known/entraide')).body;
        assert.equal(metadata.nodeId, node.nodeId);
        assert.equal(metadata.state, node.state);
      }
      const police = await new Api('http://127.0.0.1:4100').login('admin', DEMO_PASSWORD);
      const peers = (await police.get('/api/v1/federation/peers')).body.map((p: { nodeId: string }) => p.nodeId);
      assert.deepEqual(peers.sort(), DEMO_NODES.map((n) => n.nodeId).filter((id) => id !== 'a-police').sort());
      await new Api('http://127.0.0.1:4106').login('provider-responder', DEMO_PASSWORD);

      // Each node publishes its State's (sample) requirements, which peers fetch signed.
      const investigator = await new Api('http://127.0.0.1:4100').login('investigator', DEMO_PASSWORD);
      const provider = (await investigator.get('/api/v1/requests/profiles/provider')).body;
      assert.deepEqual([provider.version, provider.directDisclosure, provider.notifyNode], [1, ['subscriber'], 'b-central']);

      // State A's portal shows sample advisories and good practices, marked as samples.
      assert.match(await (await fetch('http://127.0.0.1:4100/advisories', { headers: { 'accept-language': 'en' } })).text(), /Sample: fake parcel messages/);
      assert.match(await (await fetch('http://127.0.0.1:4100/practices?q=password', { headers: { 'accept-language': 'en' } })).text(), /Sample: strong <mark>passwords<\/mark>/);

      // A message from State A's police reaches the provider, with its receipt.
      const { msgId } = (await police.post('/api/v1/federation/peers/provider/ping')).body;
      for (let i = 0; i < 100; i += 1) {
        const log = (await police.get('/api/v1/federation/messages?direction=sent')).body.items;
        if (log.find((m: { msgId: string; state: string }) => m.msgId === msgId && m.state === 'delivered')) return;
        await new Promise((done) => setTimeout(done, 100));
      }
      assert.fail('the message to the provider was not delivered');
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(data, { recursive: true, force: true });
    }
  });
});
