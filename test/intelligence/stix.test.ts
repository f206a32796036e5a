import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stixPatternError } from '../../src/intelligence/stix/pattern.ts';
import { TLP_ID, tlpOf } from '../../src/intelligence/stix/tlp.ts';
import { validateStixObject } from '../../src/intelligence/stix/validate.ts';
import { CUSTOM_TACTIC, EXTENSION_DEFINITION, FILE, INDICATOR, NETWORK_TRAFFIC, MALWARE, OBSERVED_DATA, RELATIONSHIP, REPORT, TLP_RED_DEFINITION, VALID_EXAMPLES } from './stix-examples.ts';

const errorsOf = (object: unknown) => validateStixObject(object).map((e) => `${e.property}: ${e.reason}`);

describe('STIX 2.1 objects', () => {
  test('the specification\'s examples are valid', () => {
    for (const example of VALID_EXAMPLES) assert.deepEqual(errorsOf(example), [], example.type);
  });

  const cases: [string, unknown, RegExp][] = [
    ['no type', { ...INDICATOR, type: undefined }, /^type: is required/],
    ['an unknown type', { ...INDICATOR, type: 'weapon' }, /^type: weapon is not a STIX 2.1 type this node accepts \(custom types begin with x-\)/],
    ['a custom type without spec_version', { ...CUSTOM_TACTIC, spec_version: undefined }, /^spec_version: is required for x-mitre-tactic/],
    ['a custom object whose id names another type', { ...CUSTOM_TACTIC, id: 'x-mitre-matrix--2558fd61-8c75-4730-94c4-11926db2a263' }, /^id: must begin with x-mitre-tactic--/],
    ['a custom object modified before created', { ...CUSTOM_TACTIC, modified: '2017-01-01T00:00:00Z' }, /^modified: must be the same as or later than created/],
    ['network traffic without protocols', { ...NETWORK_TRAFFIC, protocols: undefined }, /^protocols: is required for network-traffic/],
    ['an extension definition of an unknown kind', { ...EXTENSION_DEFINITION, extension_types: ['new-thing'] }, /^extension_types: item 0 must be an extension type/],
    ['an id of another type', { ...INDICATOR, id: MALWARE.id }, /^id: must begin with indicator--/],
    ['an id with a version 1 UUID', { ...INDICATOR, id: 'indicator--8e2e2d2b-17d4-1cbf-938f-98ee46b3cd3f' }, /^id: is required: type--UUID/],
    ['spec_version 2.0', { ...INDICATOR, spec_version: '2.0' }, /^spec_version: must be "2.1"/],
    ['no spec_version on a domain object', { ...MALWARE, spec_version: undefined }, /^spec_version: is required for malware/],
    ['no created', { ...INDICATOR, created: undefined }, /^created: is required/],
    ['a local time', { ...INDICATOR, modified: '2016-04-06T20:03:48+02:00' }, /^modified: must be an RFC 3339 timestamp in UTC/],
    ['the 30th of February', { ...INDICATOR, created: '2016-02-30T20:03:48Z' }, /^created: must be an RFC 3339/],
    ['modified before created', { ...INDICATOR, modified: '2016-04-06T20:03:47.999Z' }, /^modified: must be the same as or later than created/],
    ['confidence 101', { ...INDICATOR, confidence: 101 }, /^confidence: must be a whole number from 0 to 100/],
    ['revoked as a string', { ...INDICATOR, revoked: 'yes' }, /^revoked: must be true or false/],
    ['labels not a list', { ...INDICATOR, labels: 'bad' }, /^labels: must be a non-empty list/],
    ['created_by_ref to a malware', { ...INDICATOR, created_by_ref: MALWARE.id }, /^created_by_ref: must refer to identity, not malware/],
    ['an external reference without source', { ...INDICATOR, external_references: [{ url: 'https://example.com' }] }, /^external_references: item 0 needs a source_name/],
    ['a marking ref to an indicator', { ...INDICATOR, object_marking_refs: [INDICATOR.id] }, /^object_marking_refs: item 0 must refer to marking-definition/],
    ['a granular marking without selectors', { ...INDICATOR, granular_markings: [{ marking_ref: TLP_ID.red }] }, /^granular_markings: item 0 needs a non-empty list of selectors/],
    ['an indicator without pattern', { ...INDICATOR, pattern: undefined }, /^pattern: is required for indicator/],
    ['valid_until not after valid_from', { ...INDICATOR, valid_until: INDICATOR.valid_from }, /^valid_until: must be later than valid_from/],
    ['a malformed pattern', { ...INDICATOR, pattern: "[file:hashes.'SHA-256' = ]" }, /^pattern: is not a valid STIX pattern: expected a value/],
    ['malware without is_family', { ...MALWARE, is_family: undefined }, /^is_family: is required for malware/],
    ['a malware family without a name', { ...MALWARE, name: undefined }, /^name: is required when is_family is true/],
    ['number_observed 0', { ...OBSERVED_DATA, number_observed: 0 }, /^number_observed: must be a whole number from 1 to 999999999/],
    ['last_observed before first_observed', { ...OBSERVED_DATA, last_observed: '2015-12-21T18:59:59Z' }, /^last_observed: must be the same as or later/],
    ['a report without published', { ...REPORT, published: undefined }, /^published: is required for report/],
    ['a report with an empty object_refs', { ...REPORT, object_refs: [] }, /^object_refs: must be a non-empty list/],
    ['a relationship without target', { ...RELATIONSHIP, target_ref: undefined }, /^target_ref: is required for relationship/],
    ['a versioned marking definition', { ...TLP_RED_DEFINITION, modified: '2022-10-01T00:00:00.000Z' }, /^modified: a marking definition cannot be versioned/],
    ['a file without hashes or name', { ...FILE, hashes: undefined }, /^hashes: a file needs hashes or a name/],
    ['a list', [INDICATOR], /a STIX object must be a JSON object/],
  ];
  for (const [what, object, expected] of cases) {
    test(`refuses ${what}, naming the property and why`, () => {
      const errors = errorsOf(object);
      assert.ok(errors.some((e) => expected.test(e)), `${what}: ${errors.join(' | ')}`);
    });
  }

  test('TLP: the strictest of an object\'s TLP 2.0 (or 1.0) markings applies', () => {
    assert.equal(tlpOf(INDICATOR), 'green');
    assert.equal(tlpOf({ object_marking_refs: [TLP_ID.clear, TLP_ID.red, TLP_ID.amber] }), 'red');
    assert.equal(tlpOf({ object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] }), 'amber');
    assert.equal(tlpOf({ object_marking_refs: [TLP_ID['amber+strict'], TLP_ID.green] }), 'amber+strict');
    assert.equal(tlpOf({}), null);
  });

  test('a valid object with any one required property removed is refused, naming that property', () => {
    const required: [Record<string, unknown>, string[]][] = [
      [INDICATOR, ['type', 'id', 'spec_version', 'created', 'modified', 'pattern', 'pattern_type', 'valid_from']],
      [OBSERVED_DATA, ['first_observed', 'last_observed', 'number_observed', 'object_refs']],
      [RELATIONSHIP, ['relationship_type', 'source_ref', 'target_ref']],
      [REPORT, ['name', 'published', 'object_refs']],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...required).chain(([object, names]) => fc.tuple(fc.constant(object), fc.constantFrom(...names))), ([object, name]) => {
        const errors = validateStixObject({ ...object, [name]: undefined });
        return errors.some((e) => e.property === name);
      }),
    );
  });

  test('any value of the wrong kind in a checked property is refused, never accepted or thrown on', () => {
    const properties = ['created', 'modified', 'confidence', 'revoked', 'labels', 'created_by_ref', 'object_marking_refs', 'valid_from', 'pattern'];
    const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
    fc.assert(
      fc.property(fc.constantFrom(...properties), notString, (property, value) => {
        // The two values of the right kind that the generator can make.
        fc.pre(!(property === 'revoked' && typeof value === 'boolean') && !(property === 'confidence' && Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100));
        const errors = validateStixObject({ ...INDICATOR, [property]: value });
        return errors.some((e) => e.property === property);
      }),
      { numRuns: 300 },
    );
  });
});

describe('STIX patterns', () => {
  const valid = [
    "[ipv4-addr:value = '198.51.100.1/32']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[domain-name:value = 'example.com' OR domain-name:value = 'example.net']",
    "[url:value = 'http://example.com/foo' AND url:value != 'http://example.com/bar']",
    "[file:size > 1024 AND file:size <= 4096] FOLLOWEDBY [file:name LIKE '%.exe']",
    "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$']",
    "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [ipv4-addr:value ISSUPERSET '198.51.100.1/32']",
    "[network-traffic:dst_port IN (443, 8443)] AND [network-traffic:protocols[*] = 'tcp'] WITHIN 300 SECONDS",
    "([file:name = 'a'] AND [file:name = 'b']) REPEATS 5 TIMES",
    "[user-account:account_type NOT = 'unix'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
    "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q='] OR [file:hashes.MD5 = h'ab01']",
    "[windows-registry-key:values[0].name = 'x' AND (process:pid = 4 OR EXISTS process:name)]",
    "[x509-certificate:issuer = 'O\\'Reilly']",
  ];
  for (const pattern of valid) test(`accepts ${pattern}`, () => assert.equal(stixPatternError(pattern), undefined));

  const invalid: [string, RegExp][] = [
    ['', /expected an observation expression/],
    ["ipv4-addr:value = '1.2.3.4'", /expected an observation expression/],
    ["[ipv4-addr:value = '1.2.3.4'", /expected "\]" to close/],
    ["[ipv4-addr:value == '1.2.3.4']", /expected a value/],
    ["[ipv4-addr:value '1.2.3.4']", /expected a comparison operator/],
    ["[ipv4-addr:value = 1.2.3.4]", /unexpected character|expected/],
    ["[ipv4-addr:value = '1.2.3.4'] WITHIN -5 SECONDS", /WITHIN needs a positive number/],
    ["[ipv4-addr:value = '1.2.3.4'] REPEATS 2.5 TIMES", /REPEATS needs a positive whole number/],
    ["[ipv4-addr:value = '1.2.3.4'] START t'2016-13-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'", /START needs a timestamp/],
    ["[file:name LIKE 5]", /LIKE needs a string/],
    ["[file:size IN ()]", /expected a value/],
    ["[file:name = 'a'] [file:name = 'b']", /expected AND, OR or FOLLOWEDBY/],
    ["[file:name = 'unterminated]", /a string is not closed/],
    ["[file:hashes.MD5 = h'abc']", /hexadecimal literal is malformed/],
    ["[file:name = true AND file:size > true]", /a boolean cannot be ordered/],
    ["[File:name = 'a']", /expected an object type/],
  ];
  for (const [pattern, reason] of invalid) {
    test(`refuses ${JSON.stringify(pattern)}, saying where and why`, () => {
      const error = stixPatternError(pattern);
      assert.ok(error, 'refused');
      assert.match(error, reason);
      assert.match(error, /at character \d+/);
    });
  }

  test('any text either parses or gets a reason; the parser never throws', () => {
    const pieces = fc.constantFrom('[', ']', '(', ')', "file:name", "'x'", '=', 'AND', 'OR', 'FOLLOWEDBY', 'WITHIN', '5', 'SECONDS', 'IN', ',', "t'2016-01-01T00:00:00Z'", 'NOT', 'LIKE', '.', 'hashes', '*');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(pieces, { maxLength: 14 }).map((p) => p.join(' '))), (text) => {
        const result = stixPatternError(text);
        return result === undefined || typeof result === 'string';
      }),
      { numRuns: 2000 },
    );
  });
});
