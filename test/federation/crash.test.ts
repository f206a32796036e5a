import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/platform/db/database.ts';
import { openDatabase } from '../../src/platform/db/open.ts';
import { SERVER_URL } from '../support/database.ts';
import type { Api } from '../support/node.ts';
import { NodeProcess, trustEachOther } from '../support/processes.ts';

const MESSAGES = Number(process.env.CRASH_MESSAGES ?? 2000);
const PRODUCERS = 8;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Restarting the local PostgreSQL server is possible only where the suite runs beside it, as root. */
const CAN_RESTART_POSTGRES = Boolean(SERVER_URL) && /@(127\.0\.0\.1|localhost)[:/]/.test(SERVER_URL ?? '') && existsSync('/usr/bin/pg_ctlcluster') && process.getuid?.() === 0;

function restartPostgres(): void {
  const version = execFileSync('ls', ['/etc/postgresql']).toString().trim().split('\n')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
}

async function openNodeDatabase(node: NodeProcess): Promise<Database> {
  return openDatabase({ databaseUrl: node.databaseUrl, dataDir: node.dataDir });
}

describe('nothing is lost or applied twice when nodes are killed and restarted', { timeout: 15 * 60_000 }, () => {
  let a: NodeProcess;
  let b: NodeProcess;
  before(async () => {
    [a, b] = await Promise.all([NodeProcess.create('aa-sender'), NodeProcess.create('bb-receiver')]);
    await Promise.all([a.start(), b.start()]);
    await trustEachOther(a, b);
  });
  after(async () => {
    await Promise.all([a.dispose(), b.dispose()]);
  });

  test(`${MESSAGES} messages while sender and receiver are killed with SIGKILL${CAN_RESTART_POSTGRES ? ' and PostgreSQL restarts' : ''}`, async () => {
    const acknowledged = new Set<string>();
    let producing = true;
    let admin: Api = await a.admin();

    // Producers: each ping is one API call that writes one message to A's outbox.
    let next = 0;
    const producer = async () => {
      while (next < MESSAGES) {
        next += 1;
        for (;;) {
          try {
            const sent = await admin.post('/api/v1/federation/peers/bb-receiver/ping');
            if (sent.status === 202) {
              acknowledged.add(sent.body.msgId);
              break;
            }
          } catch {
            // A is down: the call may or may not have committed; try again once it is back.
          }
          await sleep(100);
        }
      }
    };

    // Chaos: kill one node or the other, with no warning, and start it again.
    const kills = { sender: 0, receiver: 0, postgres: 0 };
    const chaos = async () => {
      let round = 0;
      const enough = () => kills.sender >= 2 && kills.receiver >= 2 && (!CAN_RESTART_POSTGRES || kills.postgres >= 1);
      while (producing || !enough()) {
        await sleep(700 + Math.random() * 900);
        round += 1;
        if (CAN_RESTART_POSTGRES && round === 3) {
          restartPostgres();
          kills.postgres += 1;
          continue;
        }
        const victim = round % 2 === 0 ? a : b;
        await victim.kill('SIGKILL');
        kills[victim === a ? 'sender' : 'receiver'] += 1;
        await victim.start();
        if (victim === a) admin = await a.admin().catch(() => admin);
      }
    };
    const chaosDone = chaos();
    await Promise.all(Array.from({ length: PRODUCERS }, producer));
    producing = false;
    await chaosDone;
    assert.ok(kills.sender >= 2 && kills.receiver >= 2, `both sides were killed: ${JSON.stringify(kills)}`);

    // Both nodes are up again: wait until the outbox is empty of pending messages.
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      const pending = (await admin.get('/api/v1/federation/messages?direction=sent&state=pending&limit=1')).body.items.length;
      if (pending === 0) break;
      assert.ok(Date.now() < deadline, 'messages still pending after five minutes');
      await sleep(500);
    }
    await Promise.all([a.kill('SIGTERM'), b.kill('SIGTERM')]);

    const [sender, receiver] = await Promise.all([openNodeDatabase(a), openNodeDatabase(b)]);
    try {
      const sent = (await sender.query<{ msg_id: string; state: string; digest: string; receipt: string | null }>(
        "SELECT msg_id, state, digest, receipt FROM outbox WHERE type = 'federation.ping'",
      )).rows;
      const received = (await receiver.query<{ msg_id: string; digest: string }>(
        "SELECT msg_id, digest FROM inbox WHERE sender = 'aa-sender' AND type = 'federation.ping'",
      )).rows;

      // Nothing acknowledged to a user was lost on the way out.
      const inOutbox = new Set(sent.map((m) => m.msg_id));
      assert.ok(acknowledged.size >= MESSAGES);
      for (const id of acknowledged) assert.ok(inOutbox.has(id), `acknowledged message ${id} is not in the outbox`);
      // Every message sent was delivered, with a receipt, and applied exactly once.
      assert.deepEqual(sent.filter((m) => m.state !== 'delivered' || !m.receipt), []);
      const receivedDigests = new Map(received.map((m) => [m.msg_id, m.digest]));
      assert.equal(received.length, sent.length, 'the receiver holds exactly the messages sent');
      for (const m of sent) assert.equal(receivedDigests.get(m.msg_id), m.digest, `message ${m.msg_id} arrived as sent`);
      process.stdout.write(`# crash test: ${sent.length} messages, kills ${JSON.stringify(kills)}\n`);
    } finally {
      await Promise.all([sender.close(), receiver.close()]);
    }
  });
});
