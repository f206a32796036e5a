/** The staff's API of good practices, training material and templates: add, edit, translate, read. */
import { Type } from 'typebox';
import type { Database } from '../platform/db/database.ts';
import { LOCALES } from '../platform/i18n/locales.ts';
import { problemResponses } from '../platform/http/problem.ts';
import type { HttpServer } from '../platform/http/server.ts';
import { Nullable, StringEnum, Timestamp } from '../platform/schema.ts';
import {
  PRACTICES_PURPOSE, PRACTICE_AUDIENCES, PRACTICE_EDITORS, PRACTICE_KINDS, PRACTICE_THEMES, type Practice, type PracticeFacts,
  createPractice, readPractice, updatePractice, writePracticeText,
} from './practices.ts';
import { BODY_MAX_LENGTH, PublishedText, TITLE_MAX_LENGTH } from './published-texts.ts';

const tags = ['practices'];
export const PRACTICES_API = '/api/v1/practices';

export const PracticeFactFields = {
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, user-assigned codes included' }),
  theme: StringEnum(PRACTICE_THEMES),
  audience: StringEnum(PRACTICE_AUDIENCES),
  kind: StringEnum(PRACTICE_KINDS),
  link: Type.Optional(Nullable(Type.String({ maxLength: 2000, pattern: '^(https?://[^\\s<>"]+)?$', description: 'where the material itself is, if elsewhere; empty for none' }))),
};
export const PracticeTextFields = { title: PublishedText(TITLE_MAX_LENGTH), body: PublishedText(BODY_MAX_LENGTH, 'plain text; a blank line starts a paragraph') };

const PracticeSchema = Type.Object({
  id: Type.String({ format: 'uuid' }), ...PracticeFactFields, link: Nullable(Type.String()), createdAt: Timestamp, updatedAt: Timestamp,
  texts: Type.Array(Type.Object({ locale: StringEnum(LOCALES), ...PracticeTextFields })),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

const practiceJson = (practice: Practice) => ({ ...practice, createdAt: practice.createdAt.toISOString(), updatedAt: practice.updatedAt.toISOString() });
/** The facts as sent, without a link meaning none. */
export const factsOf = ({ country, theme, audience, kind, link }: Omit<PracticeFacts, 'link'> & { link?: string | null | undefined }): PracticeFacts =>
  ({ country, theme, audience, kind, link: link || null });

export function practiceRoutes(app: HttpServer, db: Database): void {
  const config = { access: { roles: PRACTICE_EDITORS, purpose: PRACTICES_PURPOSE } };
  const answers = { 200: PracticeSchema, ...problemResponses };

  app.post(PRACTICES_API, {
    config,
    schema: {
      tags, summary: 'Add a good practice, training material or template, with its text in one language',
      body: Type.Object({ ...PracticeFactFields, locale: StringEnum(LOCALES), ...PracticeTextFields }, { additionalProperties: false }),
      response: { 201: PracticeSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { locale, title, body } = request.body;
    return reply.code(201).send(practiceJson(await createPractice(db, factsOf(request.body), { locale, title, body }, request)));
  });

  app.get(`${PRACTICES_API}/:id`, {
    config, schema: { tags, summary: 'An entry with its texts', params: IdParams, response: answers },
  }, async (request) => practiceJson(await readPractice(db, request.params.id)));

  app.put(`${PRACTICES_API}/:id`, {
    config,
    schema: { tags, summary: 'Change what an entry is about: country, theme, audience, kind, link', params: IdParams, body: Type.Object(PracticeFactFields, { additionalProperties: false }), response: answers },
  }, async (request) => practiceJson(await updatePractice(db, request.params.id, factsOf(request.body), request)));

  app.put(`${PRACTICES_API}/:id/texts/:locale`, {
    config,
    schema: {
      tags, summary: 'Add or rewrite the text in one language',
      params: Type.Object({ id: Type.String({ maxLength: 100 }), locale: StringEnum(LOCALES) }), body: Type.Object(PracticeTextFields, { additionalProperties: false }), response: answers,
    },
  }, async (request) => practiceJson(await writePracticeText(db, request.params.id, { locale: request.params.locale, ...request.body }, request)));
}
