import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from 'typebox/value';
import { LOCALES } from '../../src/platform/i18n/locales.ts';
import { StringEnum } from '../../src/platform/schema.ts';
import {
  OFFENCES, OFFENCE_GROUPS, OFFENCE_IDS, TREATIES, type OffenceId, type Treaty, isOffenceId, offenceById, offenceLabel, treatyArticles,
} from '../../src/requests/offences.ts';

const TREATY_KEYS = Object.keys(TREATIES) as Treaty[];

/** The word, and its equivalents in the other five languages, that must never name abuse material. */
const FORBIDDEN = ['porn', 'порн', 'إباحي', 'خلاع', '色情', '淫秽'];

/** A translation in the right script, so that a string pasted from another language is caught. */
const SCRIPT: Partial<Record<(typeof LOCALES)[number], RegExp>> = { ar: /\p{Script=Arabic}/u, zh: /\p{Script=Han}/u, ru: /\p{Script=Cyrillic}/u };

const texts = function* () {
  for (const offence of OFFENCES) {
    for (const field of ['label', 'description'] as const) {
      for (const locale of LOCALES) yield { offence, field, locale, text: offence[field][locale] };
    }
  }
};

describe('the offence taxonomy', () => {
  test('ids are unique, kebab-case, and listed in OFFENCE_IDS order', () => {
    const ids = OFFENCES.map((offence) => offence.id);
    assert.deepEqual(ids, [...OFFENCE_IDS]);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  test('OFFENCE_IDS works as a TypeBox StringEnum', () => {
    const schema = StringEnum(OFFENCE_IDS);
    for (const id of OFFENCE_IDS) assert.ok(Value.Check(schema, id), id);
    assert.ok(!Value.Check(schema, 'child-pornography'));
    assert.ok(!Value.Check(schema, 'Illegal-Access'));
  });

  test('both groups hold offences, and every offence is in one of them', () => {
    for (const group of OFFENCE_GROUPS) assert.ok(OFFENCES.some((offence) => offence.group === group), group);
    for (const offence of OFFENCES) assert.ok(OFFENCE_GROUPS.includes(offence.group), offence.id);
  });

  test('every label and description is present in all six languages, trimmed, and translated', () => {
    for (const { offence, field, locale, text } of texts()) {
      const where = `${offence.id} ${field} ${locale}`;
      assert.equal(typeof text, 'string', where);
      assert.ok(text.length > 0, where);
      assert.equal(text, text.trim(), where);
      if (locale !== 'en') assert.notEqual(text, offence[field].en, `${where} is the English text (none of these is a proper name)`);
      const script = SCRIPT[locale];
      if (script) assert.match(text, script, where);
    }
    for (const offence of OFFENCES) {
      for (const field of ['label', 'description'] as const) {
        assert.deepEqual(Object.keys(offence[field]).sort(), [...LOCALES].sort(), `${offence.id} ${field}`);
      }
    }
  });

  test('a label is a name, a description one sentence', () => {
    for (const { offence, field, locale, text } of texts()) {
      const terminal = locale === 'zh' ? '。' : '.';
      const stops = [...text].filter((char) => '.。!?！？؟'.includes(char));
      if (field === 'label') assert.deepEqual(stops, [], `${offence.id} label ${locale}`);
      else {
        assert.ok(text.endsWith(terminal), `${offence.id} description ${locale} ends with ${terminal}`);
        assert.equal(stops.length, 1, `${offence.id} description ${locale} is one sentence`);
      }
    }
  });

  test('no text in any language calls abuse material "pornography"', () => {
    assert.ok(FORBIDDEN.some((word) => 'child pornography'.includes(word)), 'the check itself would catch the English term');
    for (const { offence, field, locale, text } of texts()) {
      for (const word of FORBIDDEN) assert.ok(!text.toLowerCase().includes(word), `${offence.id} ${field} ${locale} contains ${word}`);
    }
  });

  test('the abuse material entry uses the agreed term', () => {
    const csam = offenceById('child-sexual-abuse-material');
    assert.ok(csam);
    assert.match(csam.label.en, /child sexual abuse\/exploitation material \(CSAM\/CSEM\)/i);
    assert.match(csam.label.fr, /matériels d'abus sexuels d'enfants\/matériels d'exploitation sexuelle d'enfants/i);
  });

  test('article references are whole numbers within each treaty\'s offence articles, ascending, without repeats', () => {
    for (const offence of OFFENCES) {
      assert.deepEqual(Object.keys(offence.articles).sort(), [...TREATY_KEYS].sort(), offence.id);
      for (const treaty of TREATY_KEYS) {
        const { firstArticle, lastArticle } = TREATIES[treaty];
        const articles = offence.articles[treaty];
        for (const article of articles) {
          assert.ok(Number.isInteger(article) && article >= firstArticle && article <= lastArticle, `${offence.id} ${treaty} art. ${article}`);
        }
        for (let i = 1; i < articles.length; i += 1) assert.ok(articles[i - 1]! < articles[i]!, `${offence.id} ${treaty} ascending`);
      }
    }
  });

  test('every offence article of both treaties is reachable from some offence', () => {
    for (const treaty of TREATY_KEYS) {
      const used = new Set(OFFENCES.flatMap((offence) => offence.articles[treaty]));
      for (let article = TREATIES[treaty].firstArticle; article <= TREATIES[treaty].lastArticle; article += 1) {
        assert.ok(used.has(article), `${treaty} art. ${article}`);
      }
    }
  });

  test('the offences each treaty defines point to the right article', () => {
    const expected: [OffenceId, number[], number[]][] = [
      ['illegal-access', [2], [7]],
      ['illegal-interception', [3], [8]],
      ['data-interference', [4], [9]],
      ['system-interference', [5], [10]],
      ['misuse-of-devices', [6], [11]],
      ['computer-related-forgery', [7], [12]],
      ['computer-related-fraud', [8], [13]],
      ['child-sexual-abuse-material', [9], [14]],
      ['commercial-copyright-infringement', [10], []],
      ['online-grooming', [], [15]],
      ['non-consensual-intimate-images', [], [16]],
      ['cybercrime-proceeds-laundering', [], [17]],
      ['cyberstalking', [], []],
    ];
    for (const [id, budapest, unCybercrime] of expected) assert.deepEqual(treatyArticles(id), { budapest, unCybercrime }, id);
  });

  test('lookups', () => {
    assert.equal(offenceById('illegal-access')?.group, 'cyber-dependent');
    assert.equal(offenceById('phishing')?.group, 'cyber-enabled');
    assert.equal(offenceById('child-pornography'), undefined);
    assert.equal(offenceById('constructor'), undefined);
    assert.ok(isOffenceId('ddos-attack'));
    assert.ok(!isOffenceId('toString'));
    assert.equal(offenceLabel('illegal-access', 'fr'), 'Accès illégal');
    assert.equal(offenceLabel('phishing', 'zh'), '网络钓鱼');
    for (const offence of OFFENCES) {
      for (const locale of LOCALES) assert.equal(offenceLabel(offence.id, locale), offence.label[locale]);
    }
  });
});
