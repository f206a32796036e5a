/** The staff's API of advisories: draft, translate or update, publish or schedule, withdraw, read. */
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { LOCALES } from '../platform/i18n/locales.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../platform/schema.ts';
import {
  ADVISORIES_PURPOSE, ADVISORY_PUBLISHERS, ADVISORY_STAFF, ADVISORY_STATUSES, ADVISORY_WRITERS, type AdvisoryVersion, type StaffAdvisory,
  classifyAdvisory, createAdvisory, listAdvisories, publishAdvisory, readAdvisory, withdrawAdvisory, writeAdvisoryText,
} from './advisories.ts';
import { INCIDENT_TYPES } from './incidents.ts';
import { BODY_MAX_LENGTH, PUBLIC_AUDIENCES, PublishedText, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH } from './published-texts.ts';

const tags = ['advisories'];
export const ADVISORIES_API = '/api/v1/advisories';

export const AdvisoryTextFields = {
  title: PublishedText(TITLE_MAX_LENGTH),
  summary: PublishedText(SUMMARY_MAX_LENGTH, 'one or two sentences: the list, the feed and search engines show it'),
  body: PublishedText(BODY_MAX_LENGTH, 'plain text; a blank line starts a paragraph'),
};
export const AdvisoryFacts = { audience: StringEnum(PUBLIC_AUDIENCES), threat: StringEnum(INCIDENT_TYPES, { description: 'the incident types of the report form' }) };
const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const TextSchema = Type.Object({ locale: StringEnum(LOCALES), ...AdvisoryTextFields });

const AdvisorySchema = Type.Object({
  id: Type.String({ format: 'uuid' }), ...AdvisoryFacts, originalLocale: StringEnum(LOCALES), status: StringEnum(ADVISORY_STATUSES),
  publicVersion: Nullable(Type.Integer({ description: 'the version the public reads now' })), createdAt: Timestamp,
  withdrawnAt: Nullable(Timestamp), withdrawalReason: Nullable(Type.String()),
  versions: Type.Array(Type.Object({
    version: Type.Integer(), createdAt: Timestamp, publishAt: Nullable(Timestamp), texts: Type.Array(TextSchema),
  }), { description: 'newest first; a version once published or scheduled never changes' }),
});
const SummarySchema = Type.Object({
  id: Type.String(), ...AdvisoryFacts, status: StringEnum(ADVISORY_STATUSES), title: Type.String(), titleLocale: StringEnum(LOCALES), latestVersion: Type.Integer(), createdAt: Timestamp,
});

const versionJson = (version: AdvisoryVersion) => ({ ...version, createdAt: version.createdAt.toISOString(), publishAt: version.publishAt?.toISOString() ?? null });
const advisoryJson = (advisory: StaffAdvisory) => ({
  ...advisory, createdAt: advisory.createdAt.toISOString(), withdrawnAt: advisory.withdrawnAt?.toISOString() ?? null, versions: advisory.versions.map(versionJson),
});

export function advisoryRoutes(app: HttpServer, db: Database): void {
  const access = (roles: typeof ADVISORY_STAFF) => ({ access: { roles, purpose: ADVISORIES_PURPOSE } });
  const answers = { 200: AdvisorySchema, ...problemResponses };

  app.get(ADVISORIES_API, {
    config: access(ADVISORY_STAFF),
    schema: { tags, summary: 'Every advisory, drafts and withdrawn ones included, newest first', response: { 200: Type.Object({ items: Type.Array(SummarySchema) }), ...problemResponses } },
  }, async () => ({ items: (await listAdvisories(db)).map((item) => ({ ...item, createdAt: item.createdAt.toISOString() })) }));

  app.post(ADVISORIES_API, {
    config: access(ADVISORY_WRITERS),
    schema: {
      tags, summary: 'Draft an advisory in one language, its original',
      body: Type.Object({ ...AdvisoryFacts, locale: StringEnum(LOCALES), ...AdvisoryTextFields }, { additionalProperties: false }),
      response: { 201: AdvisorySchema, ...problemResponses },
    },
  }, async (request, reply) => reply.code(201).send(advisoryJson(await createAdvisory(db, request.body, request))));

  app.get(`${ADVISORIES_API}/:id`, {
    config: access(ADVISORY_STAFF),
    schema: { tags, summary: 'An advisory with all its versions and texts', params: IdParams, response: answers },
  }, async (request) => advisoryJson(await readAdvisory(db, request.params.id)));

  app.put(`${ADVISORIES_API}/:id/texts/:locale`, {
    config: access(ADVISORY_WRITERS),
    schema: {
      tags,
      summary: 'Write the text in one language: a translation or an update. A version published or scheduled is kept as it is, and the change starts a new version, public once published',
      params: Type.Object({ id: Type.String({ maxLength: 100 }), locale: StringEnum(LOCALES) }),
      body: Type.Object(AdvisoryTextFields, { additionalProperties: false }),
      response: answers,
    },
  }, async (request) => advisoryJson(await writeAdvisoryText(db, request.params.id, { locale: request.params.locale, ...request.body }, request)));

  app.put(`${ADVISORIES_API}/:id/classification`, {
    config: access(ADVISORY_WRITERS),
    schema: {
      tags, summary: 'File the advisory under another audience or threat (not a new version: the public list and feed follow at once)',
      params: IdParams, body: Type.Object(AdvisoryFacts, { additionalProperties: false }), response: answers,
    },
  }, async (request) => advisoryJson(await classifyAdvisory(db, request.params.id, request.body, request)));

  app.post(`${ADVISORIES_API}/:id/publication`, {
    config: access(ADVISORY_PUBLISHERS),
    schema: {
      tags, summary: 'Publish the newest version now, or schedule it: the public sees it from that time on',
      params: IdParams,
      body: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', pattern: '^2\\d{3}-', description: 'when to publish, in this millennium; now if absent' })) }, { additionalProperties: false }),
      response: answers,
    },
  }, async (request) => advisoryJson(await publishAdvisory(db, request.params.id, request.body.at === undefined ? undefined : new Date(request.body.at), request)));

  app.post(`${ADVISORIES_API}/:id/withdrawal`, {
    config: access(ADVISORY_PUBLISHERS),
    schema: {
      tags, summary: 'Withdraw an advisory: its page says so, with the reason given',
      params: IdParams, body: Type.Object({ reason: PublishedText(SUMMARY_MAX_LENGTH, 'shown to the public') }, { additionalProperties: false }), response: answers,
    },
  }, async (request) => advisoryJson(await withdrawAdvisory(db, request.params.id, request.body.reason, request)));
}
