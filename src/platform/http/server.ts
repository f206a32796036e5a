import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import secureJson from 'secure-json-parse';
import type { Logger } from 'pino';
import { HttpProblem, PROBLEM_MEDIA_TYPE, ProblemSchema, problem } from './problem.ts';
import type { Access } from './access.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type HttpServer = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What a route declares about itself: the API documentation and the access tests read it. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
  page: boolean;
  documented: boolean;
  summary: string;
  tag: string;
}

const routeTables = new WeakMap<object, RouteEntry[]>();

/** Every route registered on a server made by createHttpServer. */
export function routesOf(app: HttpServer): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

export interface HttpServerOptions {
  logger: Logger;
  bodyLimit: number;
  title: string;
  version: string;
  /** Renders an error as a page for people; used when the route is a page or the client wants HTML. */
  renderErrorPage?: (request: FastifyRequest, status: number, detail: string) => string;
}

/**
 * ajv-formats takes `urn:uuid:…` as a UUID, which PostgreSQL's uuid type refuses: a request naming
 * one would fail in the database instead of being told. A UUID here is the bare 8-4-4-4-12 form.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const withFormats = (ajv: Ajv) => addFormats(ajv).addFormat('uuid', UUID);

function validators() {
  const base = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  // Bodies are taken as sent: a string where a number belongs is an error, not a guess.
  const strict = withFormats(new Ajv({ ...base, coerceTypes: false }));
  // Query strings and path parameters are text by nature and are converted to their declared types.
  const lenient = withFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? strict : lenient).compile(schema);
}

/** Decodes JSON strictly: bytes that are not UTF-8 and prototype-poisoning keys are refused. */
function parseJson(_request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void) {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return done(new HttpProblem(400, 'invalid-encoding', 'the body is not valid UTF-8'));
  }
  if (text.trim() === '') return done(new HttpProblem(400, 'invalid-json', 'the body is empty'));
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return done(new HttpProblem(400, 'invalid-json', 'the body is not well-formed JSON'));
  }
  // PostgreSQL text cannot hold U+0000: refused here, it would otherwise fail deep inside a handler.
  if (holdsNul(value)) return done(new HttpProblem(400, 'invalid-character', 'the body contains the character U+0000'));
  done(null, value);
}

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
  return false;
}

function wantsPage(request: FastifyRequest): boolean {
  if (request.routeOptions.config?.page) return true;
  if (request.url.startsWith('/api/') || request.url.startsWith('/health')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

function toProblem(error: FastifyError | HttpProblem) {
  if (error instanceof HttpProblem) return { status: error.status, body: problem(error.status, error.slug, error.message, error.extra) };
  if (error.validation) {
    const errors = error.validation.map((issue) => {
      const missing = (issue.params as { missingProperty?: string }).missingProperty;
      const extra = (issue.params as { additionalProperty?: string }).additionalProperty;
      const pointer = `${issue.instancePath}${missing ? `/${missing}` : ''}${extra ? `/${extra}` : ''}`;
      const detail = extra ? 'is not a known field' : (issue.message ?? 'is invalid');
      return { pointer: pointer === '' ? '/' : pointer, detail };
    });
    const where = error.validationContext ?? 'request';
    return { status: 400, body: problem(400, 'validation', `the ${where} does not match its schema`, { errors }) };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: problem(413, 'too-large', 'the body is larger than this node accepts') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: problem(415, 'unsupported-media-type', 'send application/json') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, body: problem(400, 'invalid-json', 'the body is not well-formed JSON') };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: problem(400, 'bad-request', 'the content length does not match the body') };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  // A 4xx raised by Fastify or a plugin names a client mistake; anything else stays on the server.
  return { status, body: problem(status, status === 500 ? 'internal' : 'bad-request', status === 500 ? 'the node could not complete the request' : error.message) };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, body: ReturnType<typeof problem>, renderPage?: HttpServerOptions['renderErrorPage']) {
  const withInstance = { ...body, instance: `urn:uuid:${request.id}` };
  if (renderPage && wantsPage(request)) {
    return reply.code(status).type('text/html; charset=utf-8').send(renderPage(request, status, body.detail ?? body.title));
  }
  return reply.code(status).type(PROBLEM_MEDIA_TYPE).serializer(JSON.stringify).send(withInstance);
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit,
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A node compiles its routes' schemas while it starts: on a machine busy with other work that can take longer than Fastify's 10 s.
    pluginTimeout: 120_000,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validators());
  // Only JSON (and forms, below) are read; anything else is 415, not a string handed to validation.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJson);
  app.addSchema(ProblemSchema);

  const table: RouteEntry[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access`);
    const schema = route.schema as { hide?: boolean; summary?: string; tags?: string[] } | undefined;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      table.push({ method, url: route.url, access, page: route.config?.page === true, documented: !schema?.hide, summary: schema?.summary ?? '', tag: schema?.tags?.[0] ?? 'node' });
    }
  });

  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    const { status, body } = toProblem(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, problem: body.type }, 'request refused');
    if (error instanceof HttpProblem) reply.headers(error.headers);
    return sendProblem(request, reply, status, body, options.renderErrorPage);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, problem(404, 'not-found', `nothing at ${request.method} ${request.url.split('?')[0]}`), options.renderErrorPage),
  );

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: false,
  });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: options.bodyLimit });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, version: options.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'entraide_session' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  return app;
}
