import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Attachment } from '../federation/attachments.ts';
import { isAttachmentList } from '../federation/attachments.ts';
import type { Federation } from '../federation/service.ts';
import type { Queryable } from '../platform/db/database.ts';
import { HttpProblem } from '../platform/http/problem.ts';

/** What a page or the API shows of a file: never the key that opens its encrypted copy. */
export interface FileView {
  sha256: string;
  name: string;
  mediaType: string;
  size: number;
  seq: number | null;
  addedBy: string;
  addedAt: string;
}

/** The refusal of a file for a request on which nothing more happens. */
export const requestClosed = (row: { id: string; state: string }) => new HttpProblem(409, 'request-closed', `request ${row.id} is ${row.state}: nothing more is sent with it`);

/** Files waiting to be sent on one request, at most: as many as one step may send. */
export const MAX_STAGED_FILES = 100;

/** Refuses a file beyond the files one step may send, so that files never sent cannot pile up on the node. */
export async function roomForFile(tx: Queryable, requestId: string, sha256: string): Promise<void> {
  const { rows } = await tx.query<{ staged: number; known: boolean }>(
    'SELECT count(*)::int AS staged, bool_or(sha256 = $2) AS known FROM request_files WHERE request_id = $1 AND seq IS NULL',
    [requestId, sha256],
  );
  if (!rows[0]?.known && (rows[0]?.staged ?? 0) >= MAX_STAGED_FILES) {
    throw new HttpProblem(409, 'too-many-files', `${MAX_STAGED_FILES} files are already waiting to be sent with this request: send them with a step first`);
  }
}

/** Files added to a request on this node, to be sent by a later step (data disclosed, evidence returned). */
export async function stageFiles(tx: Queryable, requestId: string, files: Attachment[], addedBy: string): Promise<void> {
  for (const file of files) {
    await tx.query(
      `INSERT INTO request_files (request_id, sha256, attachment, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (request_id, sha256) DO NOTHING`,
      [requestId, file.sha256, JSON.stringify(file), addedBy],
    );
  }
}

/** The staged files a step names, now sent by that step; refuses a name that is not staged. */
export async function takeStagedFiles(tx: Queryable, requestId: string, sha256s: string[], seq: number): Promise<Attachment[]> {
  const { rows } = await tx.query<{ attachment: Attachment }>(
    'UPDATE request_files SET seq = $3 WHERE request_id = $1 AND sha256 = ANY($2::text[]) AND seq IS NULL RETURNING attachment',
    [requestId, sha256s, seq],
  );
  if (rows.length !== new Set(sha256s).size) {
    const found = new Set(rows.map((row) => row.attachment.sha256));
    const missing = sha256s.filter((sha) => !found.has(sha));
    throw new HttpProblem(422, 'file-not-staged', `add the files before the step that sends them: ${missing.join(', ')} is not among this request's files waiting to be sent`);
  }
  return rows.map((row) => row.attachment);
}

/** The files a step of the other side carried, which must be exactly those its note names. */
export async function receiveFiles(tx: Queryable, requestId: string, seq: number, named: unknown, attachments: Attachment[], from: string): Promise<void> {
  const names = Array.isArray(named) ? named.map(String).sort() : [];
  const carried = attachments.map((file) => file.sha256).sort();
  if (!isAttachmentList(attachments) || names.join() !== carried.join()) {
    throw new HttpProblem(422, 'files-mismatch', 'the files a step names are not those it carries');
  }
  for (const file of attachments) {
    await tx.query(
      `INSERT INTO request_files (request_id, sha256, seq, attachment, added_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (request_id, sha256) DO UPDATE SET seq = excluded.seq`,
      [requestId, file.sha256, seq, JSON.stringify(file), from],
    );
  }
}

/** The files one step carried, to pass on (a provider's answer that becomes the forwarding node's). */
export async function filesOfStep(tx: Queryable, requestId: string, seq: number): Promise<Attachment[]> {
  const { rows } = await tx.query<{ attachment: Attachment }>('SELECT attachment FROM request_files WHERE request_id = $1 AND seq = $2 ORDER BY sha256', [requestId, seq]);
  return rows.map((row) => row.attachment);
}

export async function fileOf(db: Queryable, requestId: string, sha256: string): Promise<Attachment | undefined> {
  return (await db.query<{ attachment: Attachment }>('SELECT attachment FROM request_files WHERE request_id = $1 AND sha256 = $2', [requestId, sha256])).rows[0]?.attachment;
}

export async function filesOf(db: Queryable, requestId: string): Promise<FileView[]> {
  const { rows } = await db.query<{ attachment: Attachment; seq: number | null; added_by: string; added_at: Date }>(
    'SELECT attachment, seq, added_by, added_at FROM request_files WHERE request_id = $1 ORDER BY added_at, sha256',
    [requestId],
  );
  return rows.map(({ attachment: a, seq, added_by: addedBy, added_at: addedAt }) => ({
    sha256: a.sha256, name: a.name, mediaType: a.mediaType, size: a.size, seq, addedBy, addedAt: addedAt.toISOString(),
  }));
}

/** Refuses a file larger than the node takes, as its bytes arrive. */
function capped(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? new HttpProblem(413, 'file-too-large', `a file may be at most ${limit} bytes: nothing was added`) : null, chunk);
    },
  });
}

/**
 * A file uploaded by a user (through the API or a page's form), streamed into the encrypted store
 * with at most `limit` bytes; a client gone half-way, or a file too large, fails it and leaves nothing.
 */
export async function sealUpload(federation: Federation, source: Readable, limit: number, meta: { mediaType: string; name: string }): Promise<Attachment> {
  const limiter = capped(limit);
  const [, file] = await Promise.all([pipeline(source, limiter), federation.attach(limiter, meta)]);
  return file;
}
