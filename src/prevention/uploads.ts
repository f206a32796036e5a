/**
 * The public's forms that may carry files (the report, an addition to it) are posted as
 * multipart/form-data, without script. Their parts are read before validation: the text fields
 * become the body that the form's schema checks as for any other form, and the files are kept in
 * memory, within limits, for the route to check and store only once the form passed its checks.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { FILES_MAX_COUNT, FILES_MAX_TOTAL, FILE_MAX_BYTES, type FileRefusal, type Upload, fileName } from './attachments.ts';
import { FORM_LIMIT } from './public-forms.ts';

/** The name of the file input of the public's forms. */
export const FILES_FIELD = 'files';

/** What a form's files came to: the files, or why they are refused. */
export type Received = { files: Upload[] } | { refused: FileRefusal };

const received = new WeakMap<FastifyRequest, Received>();

/** The files the request carried; a form posted without any (or url-encoded) carried none. */
export const filesOf = (request: FastifyRequest): Received => received.get(request) ?? { files: [] };

const LIMIT_CODES: Record<string, FileRefusal> = { FST_FILES_LIMIT: 'file.tooMany', FST_REQ_FILE_TOO_LARGE: 'file.tooBig' };

/**
 * Makes the routes `register` adds take multipart forms. `mayCarryFiles` is asked before a byte
 * of the body is read: a route that refuses files (a path that is no incident type, and so the
 * path for child sexual abuse material) throws there, and nothing is read, let alone kept.
 */
export async function takingFiles(scope: HttpServer, mayCarryFiles: (request: FastifyRequest) => void): Promise<void> {
  // One file more than allowed is read, so that "too many" is told as such; busboy stops past it.
  await scope.register(multipart, {
    limits: { fileSize: FILE_MAX_BYTES, files: FILES_MAX_COUNT + 1, fields: 40, parts: 50, fieldSize: FORM_LIMIT * 4, headerPairs: 100 },
    throwFileSizeLimit: false,
  });
  scope.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return;
    mayCarryFiles(request);
    const fields: Record<string, string | string[]> = {};
    const files: Upload[] = [];
    let refused: FileRefusal | undefined;
    let total = 0;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          const value = String(part.value);
          const before = fields[part.fieldname];
          // Twice the same field, as a url-encoded form would give it: the schema refuses it.
          fields[part.fieldname] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
          continue;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          total += chunk.length;
          if (refused === undefined && total <= FILES_MAX_TOTAL) chunks.push(chunk);
        }
        // A file box left empty is sent as a part with no name and no content.
        if (part.filename === '' && size === 0) continue;
        if (part.fieldname !== FILES_FIELD) refused ??= 'file.type';
        else if (part.file.truncated) refused ??= 'file.tooBig';
        else if (total > FILES_MAX_TOTAL) refused ??= 'file.tooMuch';
        else if (files.length === FILES_MAX_COUNT) refused ??= 'file.tooMany';
        else files.push({ name: fileName(part.filename), declaredType: part.mimetype, bytes: Buffer.concat(chunks) });
      }
    } catch (error) {
      const code = LIMIT_CODES[(error as { code?: string }).code ?? ''];
      if (error instanceof HttpProblem) throw error;
      if (!code) throw new HttpProblem(400, 'invalid-form', 'the form could not be read');
      refused ??= code;
    }
    received.set(request, refused ? { refused } : { files });
    request.body = fields;
  });
}
