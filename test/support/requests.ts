import { type Party, trust, waitFor } from './federation.ts';
import type { Api } from './node.ts';

/** Polls the request on a node until it reaches the state, and returns it. */
export const reaches = (api: Api, id: string, state: string): Promise<any> =>
  waitFor(`request ${id} becoming ${state}`, async () => {
    const seen = (await api.get(`/api/v1/requests/${id}`)).body;
    return seen.state === state ? seen : undefined;
  });

/** Each pair trusts each other. */
export async function mutualTrust(...pairs: [Party, Party][]): Promise<void> {
  for (const [x, y] of pairs) {
    await trust(x, y);
    await trust(y, x);
  }
}

/** Takes a step through the API and expects it to pass. */
export async function act(api: Api, id: string, action: string, note: Record<string, unknown> = {}): Promise<any> {
  const done = await api.post(`/api/v1/requests/${id}/actions/${action}`, note);
  if (done.status !== 200) throw new Error(`${action} on ${id}: ${done.status} ${done.text}`);
  return done.body;
}

/** Adds a file to a request through the API, as a browser or a script would upload it. */
export async function addFile(api: Api, id: string, name: string, content: Buffer, mediaType = 'application/octet-stream'): Promise<any> {
  const added = await fetch(`${api.url}/api/v1/requests/${id}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': mediaType }, body: content,
  });
  const text = await added.text();
  if (added.status !== 201) throw new Error(`adding ${name} to ${id}: ${added.status} ${text}`);
  return JSON.parse(text);
}
