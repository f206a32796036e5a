/**
 * Files the public sends with a report: screenshots, scanned letters, the headers of a message.
 * Only a few kinds are taken, each told by its first bytes, not by what the sender's computer
 * says; a file whose content is not the kind its name or type claims (a web page named
 * `photo.png`) is refused. Kept encrypted in the node's store, as the files of requests are, and
 * given back to staff only as a download.
 */
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { recordAudit } from '../audit/record.ts';
import { type Attachment, openAttachment, sealAttachment } from '../federation/attachments.ts';
import type { BlobStore } from '../platform/blobs.ts';
import type { Database, Queryable } from '../platform/db/database.ts';
import { notFound } from '../platform/http/problem.ts';
import { type Act, REPORTS_PURPOSE } from './reports.ts';

/** A phone's screenshot or photo of a letter fits; a video does not belong here. */
export const FILE_MAX_BYTES = 5 * 1024 * 1024;
export const FILES_MAX_COUNT = 5;
export const FILES_MAX_TOTAL = 10 * 1024 * 1024;

interface Kind {
  mediaType: string;
  /** The types and name endings a sender may declare for it. */
  declared: readonly string[];
  endings: readonly string[];
  is: (bytes: Buffer) => boolean;
}

const startsWith = (magic: number[]) => (bytes: Buffer) => bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text: UTF-8 without control characters but tab, line feed, carriage return and form feed, that
 * does not open as markup: message headers begin with a field name, a web page with `<`.
 */
function isPlainText(bytes: Buffer): boolean {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return false;
  }
  return text.trim() !== '' && !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) && !text.replace(/^\uFEFF/, '').trimStart().startsWith('<');
}

const KINDS: readonly Kind[] = [
  { mediaType: 'image/png', declared: ['image/png'], endings: ['.png'], is: startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mediaType: 'image/jpeg', declared: ['image/jpeg', 'image/pjpeg'], endings: ['.jpg', '.jpeg'], is: startsWith([0xff, 0xd8, 0xff]) },
  { mediaType: 'application/pdf', declared: ['application/pdf'], endings: ['.pdf'], is: startsWith([0x25, 0x50, 0x44, 0x46, 0x2d]) },
  { mediaType: 'text/plain', declared: ['text/plain', 'message/rfc822'], endings: ['.txt', '.eml'], is: isPlainText },
];

export interface Upload {
  name: string;
  declaredType: string;
  bytes: Buffer;
}

export interface CheckedFile extends Upload {
  mediaType: string;
}

export type FileRefusal = 'file.tooBig' | 'file.tooMany' | 'file.tooMuch' | 'file.type';

/** A name as shown to staff: its last path segment, without control characters, at most 200 characters. */
export function fileName(sent: string | undefined): string {
  const last = (sent ?? '').split(/[\\/]/).at(-1) ?? '';
  return [...last.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()].slice(0, 200).join('') || 'file';
}

/** The kind of a file, when its content is one of the kinds taken and its name or declared type says the same. */
function kindOf(upload: Upload): Kind | undefined {
  const kind = KINDS.find((candidate) => candidate.is(upload.bytes));
  if (!kind) return undefined;
  const name = upload.name.toLowerCase();
  const agrees = kind.declared.includes(upload.declaredType.toLowerCase()) || kind.endings.some((ending) => name.endsWith(ending));
  const claimsOther = KINDS.some((other) => other !== kind && (other.declared.includes(upload.declaredType.toLowerCase()) || other.endings.some((ending) => name.endsWith(ending))));
  return agrees && !claimsOther ? kind : undefined;
}

/** The files checked together: all are taken, or none, with the first reason. */
export function checkFiles(uploads: readonly Upload[]): { files: CheckedFile[] } | { refused: FileRefusal } {
  if (uploads.length > FILES_MAX_COUNT) return { refused: 'file.tooMany' };
  if (uploads.some((upload) => upload.bytes.length > FILE_MAX_BYTES)) return { refused: 'file.tooBig' };
  if (uploads.reduce((sum, upload) => sum + upload.bytes.length, 0) > FILES_MAX_TOTAL) return { refused: 'file.tooMuch' };
  const files: CheckedFile[] = [];
  for (const upload of uploads) {
    const kind = kindOf(upload);
    if (!kind) return { refused: 'file.type' };
    files.push({ ...upload, mediaType: kind.mediaType });
  }
  return { files };
}

/** Encrypts the checked files into the store; called once the report they go with passed its checks. */
export const sealFiles = (store: BlobStore, files: readonly CheckedFile[]): Promise<Attachment[]> =>
  Promise.all(files.map((file) => sealAttachment(store, Readable.from([file.bytes]), { mediaType: file.mediaType, name: file.name })));

/** Removes sealed copies that nothing will keep: each was sealed with a key of its own, so no other file shares it. */
export async function discardSealed(store: BlobStore, sealed: readonly Attachment[]): Promise<void> {
  await Promise.all(sealed.map((file) => rm(store.pathOf(file.encrypted.sha256), { force: true })));
}

export async function attachToReport(tx: Queryable, reportId: string, files: readonly Attachment[]): Promise<void> {
  for (const file of files) {
    await tx.query('INSERT INTO report_attachments (report_id, sha256, attachment) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [reportId, file.sha256, JSON.stringify(file)]);
  }
}

/** What staff see of a file: never the key. */
export interface FileSummary {
  sha256: string;
  name: string;
  mediaType: string;
  size: number;
  addedAt: Date;
}

export async function filesOfReport(tx: Queryable, reportId: string): Promise<FileSummary[]> {
  const { rows } = await tx.query<{ attachment: Attachment; added_at: Date }>('SELECT attachment, added_at FROM report_attachments WHERE report_id = $1 ORDER BY added_at, sha256', [reportId]);
  return rows.map(({ attachment: a, added_at: addedAt }) => ({ sha256: a.sha256, name: a.name, mediaType: a.mediaType, size: a.size, addedAt }));
}

/** A file of a report for a member of staff to download; the reading is audited before a byte is sent. */
export async function readReportFile(db: Database, store: BlobStore, reference: string, sha256: string, act: Act): Promise<{ file: Attachment; content: Readable }> {
  const { rows } = await db.query<{ attachment: Attachment }>(
    'SELECT a.attachment FROM report_attachments a JOIN reports r ON r.id = a.report_id WHERE r.reference = $1 AND a.sha256 = $2',
    [reference, sha256],
  );
  const file = rows[0]?.attachment;
  if (!file) throw notFound(`file ${sha256} of report ${reference}`);
  await recordAudit(db, {
    actor: act.actor, action: 'prevention.report.file.read', subject: { type: 'report', id: reference }, purpose: REPORTS_PURPOSE, requestId: act.id, details: { sha256 },
  });
  return { file, content: await openAttachment(store, file) };
}
