import assert from 'node:assert/strict';
import type { ConfigOverrides } from '../../src/platform/config.ts';
import { type Api, type TestNode, startTestNodeWithAdmin } from './node.ts';

export interface Party {
  node: TestNode;
  admin: Api;
}

/**
 * A test node that understands `test.note` messages: each one applied inserts one row in
 * `test_notes`, so that "applied exactly once" can be counted.
 */
export async function party(nodeId: string, state: string, overrides: ConfigOverrides = {}): Promise<Party> {
  const started = await startTestNodeWithAdmin({ nodeId, state, federation: { deadAfterSeconds: 2 }, ...overrides });
  await started.node.database.db.exec('CREATE TABLE test_notes (msg_id uuid PRIMARY KEY, sender text NOT NULL, body text NOT NULL)');
  started.node.federation.on('test.note', async (tx, message) => {
    await tx.query('INSERT INTO test_notes (msg_id, sender, body) VALUES ($1, $2, $3)', [message.msgId, message.from, (message.payload as { body: string }).body]);
  });
  return started;
}

/** `from` trusts `to`, with the fingerprint `to` publishes (in real life, read out to its administrator). */
export async function trust(from: Party, to: Party): Promise<void> {
  const theirs = (await to.admin.get('/.well-known/entraide')).body;
  const added = await from.admin.post('/api/v1/federation/peers', { url: to.node.url, fingerprint: theirs.fingerprint });
  assert.equal(added.status, 201, added.text);
}

export const notes = async (node: TestNode) =>
  (await node.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM test_notes')).rows[0]!.n;

/** Queues a note from one node to another the way a capability would: in a transaction of its own. */
export const queueNote = (from: TestNode, to: string, body: string) =>
  from.database.db.transaction((tx) => from.federation.send(tx, to, 'test.note', { body }));

/** Polls until `probe` finds something (not undefined), for at most `seconds`: what crosses nodes arrives in its own time. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, seconds = 30): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline;) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

/** Waits until the message reaches one of the given states in the sender's outbox. */
export function settled(node: TestNode, msgId: string, states = ['delivered', 'dead']): Promise<string> {
  return waitFor(`message ${msgId} settling`, async () => {
    const { rows } = await node.database.db.query<{ state: string }>('SELECT state FROM outbox WHERE msg_id = $1', [msgId]);
    return states.includes(rows[0]!.state) ? rows[0]!.state : undefined;
  }, 60);
}
