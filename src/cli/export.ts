import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ExportOptions {
  /** The node's URL, as its users reach it. */
  node: string;
  username: string;
  password: string;
  otp?: string;
  /** One request's evidence, or that of every request of a case. */
  subject: { type: 'request' | 'case'; id: string };
  out: string;
}

/** A refusal of the node, told as its problem says it. */
async function refusal(response: Response, what: string): Promise<Error> {
  const text = await response.text();
  let detail = text;
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string };
    detail = problem.detail ?? problem.title ?? text;
  } catch {
    // not a problem document: its text says it
  }
  return new Error(`${what}: ${response.status} ${detail}`);
}

/**
 * Fetches an evidence bundle from a running node through its API, signed in as the user, and streams
 * it to a file: the export is recorded on the node under that user, as if exported from the console.
 * The file appears only once complete, so a failed export leaves nothing that could pass for a bundle.
 */
export async function exportBundle(options: ExportOptions): Promise<number> {
  const base = options.node.replace(/\/$/, '');
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: options.username, password: options.password, ...(options.otp ? { otp: options.otp } : {}) }),
  });
  if (!login.ok) throw await refusal(login, `cannot sign in to ${base} as ${options.username}`);
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  try {
    const { type, id } = options.subject;
    const path = type === 'request' ? `/api/v1/requests/${encodeURIComponent(id)}/export` : `/api/v1/cases/${encodeURIComponent(id)}/export`;
    const response = await fetch(`${base}${path}`, { method: type === 'request' ? 'GET' : 'POST', headers });
    if (!response.ok || !response.body) throw await refusal(response, `cannot export ${type} ${id}`);
    const partial = `${options.out}.partial`;
    let size = 0;
    const counted = Readable.fromWeb(response.body as never).on('data', (chunk: Buffer) => (size += chunk.length));
    try {
      await pipeline(counted, createWriteStream(partial));
      await rename(partial, options.out);
    } finally {
      await rm(partial, { force: true });
    }
    return size;
  } finally {
    await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers }).catch(() => undefined);
  }
}
