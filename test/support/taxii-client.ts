/**
 * A TAXII 2.1 client that behaves on the wire as the OASIS reference client (taxii2-client, v21) does,
 * so that the server is tested against what that client sends and checks, not against our own habits:
 * - every GET carries `Accept: application/taxii+json;version=2.1`, and the answer is refused unless its
 *   Content-Type, spaces removed and split on `;`, holds every part of that Accept, the first being
 *   `application/taxii+json`;
 * - API roots are resolved against the discovery URL; a collection's URL is the collections URL, its id
 *   and a slash, and must contain its id; objects are at `objects/`, one object at `objects/<id>/`;
 * - filters become `match[<name>]` with several values joined by commas, beside `added_after`, `limit`
 *   and `next`;
 * - an add is a POST of the envelope as UTF-8 JSON; its status is then found at `../../status/<id>`
 *   from the collection's URL (without a trailing slash) and its counts are checked;
 * - paging (`as_pages`) asks with `limit`, then with `next` and the same limit while `more` is true,
 *   and lowers the limit to what the server gave if it gave fewer.
 * Authentication is HTTP Basic or `Authorization: Token <key>`, as the client's TokenAuth sends.
 */
export const TAXII_21 = 'application/taxii+json;version=2.1';

export type Auth = { user: string; password: string } | { token: string };
export type Filters = Record<string, string | number | readonly string[] | undefined>;

export class TaxiiHttpError extends Error {
  constructor(readonly status: number, readonly body: any, readonly headers: Headers) {
    super(`TAXII server answered ${status}: ${body?.description ?? ''}`);
  }
}

export class TaxiiClient {
  constructor(private readonly auth?: Auth) {}

  private headers(extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': 'taxii2-client-behaviour', ...extra };
    if (this.auth !== undefined) {
      headers.authorization = 'token' in this.auth ? `Token ${this.auth.token}` : `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`).toString('base64')}`;
    }
    return headers;
  }

  private static async body(response: Response): Promise<any> {
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    if (response.status >= 400) throw new TaxiiHttpError(response.status, body, response.headers);
    return body;
  }

  async get(url: string, params: Filters = {}, accept = TAXII_21): Promise<{ body: any; headers: Headers }> {
    const response = await fetch(withQuery(url, params), { headers: this.headers({ accept }) });
    const body = await TaxiiClient.body(response);
    const contentType = (response.headers.get('content-type') ?? '').replace(/ /g, '').split(';');
    const wanted = accept.replace(/ /g, '').split(';');
    if (contentType[0] !== 'application/taxii+json' || !wanted.every((part) => contentType.includes(part))) {
      throw new Error(`Unexpected Response. Got Content-Type: '${response.headers.get('content-type')}' for Accept: '${accept}'`);
    }
    return { body, headers: response.headers };
  }

  async post(url: string, envelope: unknown): Promise<any> {
    const response = await fetch(url, {
      method: 'POST',
      headers: this.headers({ accept: TAXII_21, 'content-type': TAXII_21 }),
      body: Buffer.from(JSON.stringify(envelope), 'utf8'),
    });
    return TaxiiClient.body(response);
  }

  async delete(url: string, params: Filters = {}): Promise<void> {
    await TaxiiClient.body(await fetch(withQuery(url, params), { method: 'DELETE', headers: this.headers({ accept: TAXII_21 }) }));
  }
}

/** `match[…]` for every filter but the four the specification names on their own. */
function withQuery(url: string, filters: Filters): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === '' || value === 0 || (Array.isArray(value) && value.length === 0)) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    target.searchParams.set(['added_after', 'limit', 'next'].includes(name) ? name : `match[${name}]`, text);
  }
  return target.href;
}

const slash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

export async function discover(client: TaxiiClient, url: string) {
  const { body } = await client.get(slash(url));
  if (!body.title) throw new Error('no title in the discovery resource');
  const roots: string[] = (body.api_roots ?? []).map((root: string) => new URL(root, slash(url)).href);
  return { ...body, apiRoots: roots, defaultRoot: roots.find((root, i) => body.api_roots[i] === body.default) };
}

export async function apiRootInformation(client: TaxiiClient, root: string) {
  const { body } = await client.get(root);
  if (!body.title || !body.versions?.length || body.max_content_length === undefined) throw new Error('the API root lacks title, versions or max_content_length');
  return body;
}

export async function collectionsOf(client: TaxiiClient, root: string): Promise<Collection[]> {
  const url = `${root}collections/`;
  const { body } = await client.get(url);
  return (body.collections ?? []).map((info: CollectionInfo) => new Collection(client, `${url}${info.id}/`, info));
}

interface CollectionInfo { id: string; title: string; can_read: boolean; can_write: boolean; media_types?: string[]; description?: string }

export interface Status {
  id: string; status: string; total_count: number; success_count: number; failure_count: number; pending_count: number;
  successes?: { id: string; version?: string; message?: string }[]; failures?: { id: string; message?: string }[]; pendings?: unknown[];
}

/** The reference client's checks of a status resource: required counts, lists that match them, and a total that adds up. */
export function checkStatus(status: Status): Status {
  for (const field of ['id', 'status'] as const) if (!status[field]) throw new Error(`No '${field}' in Status`);
  for (const field of ['total_count', 'success_count', 'failure_count', 'pending_count'] as const) {
    if (status[field] === undefined || status[field] === null) throw new Error(`No '${field}' in Status`);
  }
  if (status.successes?.length && status.successes.length !== status.success_count) throw new Error('successes do not match success_count');
  if (status.failures?.length && status.failures.length !== status.failure_count) throw new Error('failures do not match failure_count');
  if (status.pendings?.length && status.pendings.length !== status.pending_count) throw new Error('pendings do not match pending_count');
  if (status.success_count + status.failure_count + status.pending_count !== status.total_count) throw new Error('the counts do not add up to total_count');
  return status;
}

export class Collection {
  constructor(private readonly client: TaxiiClient, readonly url: string, readonly info: CollectionInfo) {
    if (!info.id || !info.title || info.can_read === undefined || info.can_write === undefined) throw new Error('the collection lacks id, title, can_read or can_write');
    if (!url.includes(info.id)) throw new Error('the collection does not match its URL');
  }

  get objectsUrl() { return `${this.url}objects/`; }

  getObjects = (filters: Filters = {}) => this.client.get(this.objectsUrl, filters);
  getObject = (id: string, filters: Filters = {}) => this.client.get(`${this.objectsUrl}${id}/`, filters);
  objectVersions = (id: string, filters: Filters = {}) => this.client.get(`${this.objectsUrl}${id}/versions/`, filters);
  getManifest = (filters: Filters = {}) => this.client.get(`${this.url}manifest/`, filters);
  deleteObject = (id: string, filters: Filters = {}) => this.client.delete(`${this.objectsUrl}${id}/`, filters);

  async addObjects(envelope: unknown): Promise<{ status: Status; statusUrl: string }> {
    const status = checkStatus(await this.client.post(this.objectsUrl, envelope));
    return { status, statusUrl: new URL(`../../status/${status.id}`, this.url).href };
  }

  async status(statusUrl: string): Promise<Status> {
    return checkStatus((await this.client.get(statusUrl)).body);
  }
}

/** Every page of a paged endpoint, as the reference client's `as_pages` walks them. */
export async function asPages(fetchPage: (filters: Filters) => Promise<{ body: any }>, perRequest: number, filters: Filters = {}): Promise<any[]> {
  let limit = perRequest;
  let { body } = await fetchPage({ ...filters, limit });
  const pages = [body];
  // As the reference client does, only `objects` is counted: for versions the limit drops to 0, which it then leaves out.
  const obtained = (body.objects ?? []).length;
  if (body.more && obtained !== limit) limit = obtained;
  while (body.more) {
    ({ body } = await fetchPage({ ...filters, limit, next: body.next ?? '' }));
    pages.push(body);
  }
  return pages;
}
