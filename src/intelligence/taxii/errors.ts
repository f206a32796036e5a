/**
 * TAXII error messages (TAXII 2.1 section 3.6.1). Within /taxii2/ every failure, including those the
 * HTTP layer raises (body too large, unreadable JSON, a password check turned away), is answered as
 * a TAXII error object rather than the node's usual problem details.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../platform/http/problem.ts';
import { TAXII_MEDIA_TYPE } from './media.ts';

export class TaxiiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

export const unauthenticated = (description: string) =>
  new TaxiiError(401, 'unauthenticated', description, { 'www-authenticate': 'Basic realm="TAXII", charset="UTF-8", Bearer' });
export const forbidden = (description: string) => new TaxiiError(403, 'forbidden', description);
export const notFound = (description: string) => new TaxiiError(404, 'not-found', description);
export const badRequest = (description: string) => new TaxiiError(400, 'bad-request', description);

function asTaxii(error: FastifyError | HttpProblem | TaxiiError): TaxiiError {
  if (error instanceof TaxiiError) return error;
  if (error instanceof HttpProblem) return new TaxiiError(error.status, error.slug, error.message, error.headers);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new TaxiiError(413, 'too-large', 'the envelope is larger than max_content_length of the API root');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new TaxiiError(415, 'unsupported-media-type', `send ${TAXII_MEDIA_TYPE}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('the body is empty or its length does not match Content-Length');
  }
  if (error.validation) return badRequest(`the ${error.validationContext ?? 'request'} is malformed: ${error.message}`);
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return new TaxiiError(status, status === 500 ? 'internal' : 'bad-request', status === 500 ? 'the server could not complete the request' : error.message);
}

export function sendTaxiiError(request: FastifyRequest, reply: FastifyReply, error: FastifyError | HttpProblem | TaxiiError) {
  const taxii = asTaxii(error);
  if (taxii.status >= 500) request.log.error({ err: error }, 'TAXII request failed');
  else request.log.info({ status: taxii.status, code: taxii.code }, 'TAXII request refused');
  return reply
    .code(taxii.status)
    .headers(taxii.headers)
    .type(TAXII_MEDIA_TYPE)
    .serializer(JSON.stringify)
    .send({
      title: STATUS_CODES[taxii.status] ?? 'Error',
      description: taxii.message,
      error_id: request.id,
      error_code: taxii.code,
      http_status: String(taxii.status),
    });
}
