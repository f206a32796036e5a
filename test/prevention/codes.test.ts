import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { accessDigest, accessMatches, checkCharacter, newAccessCode, newReference, parseAccessCode, parseReference } from '../../src/prevention/codes.ts';
import { parseAmount } from '../../src/prevention/intake.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const payload = (length: number) => fc.array(fc.constantFrom(...ALPHABET), { minLength: length, maxLength: length }).map((chars) => chars.join(''));

describe('reference numbers and access codes', () => {
  test('a new reference reads ENT-XXXX-XXXX-C and parses back to itself, however it is typed', () => {
    for (let i = 0; i < 200; i += 1) {
      const reference = newReference();
      assert.match(reference, /^ENT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
      assert.deepEqual(parseReference(reference), { ok: true, value: reference });
      assert.deepEqual(parseReference(` ${reference.toLowerCase().replaceAll('-', ' ')} `), { ok: true, value: reference });
      assert.deepEqual(parseReference(reference.slice(4)), { ok: true, value: reference }, 'without its prefix');
    }
  });

  test('O is read as zero, I and L as one', () => {
    const reference = `ENT-1010-0000-${checkCharacter('10100000')}`;
    assert.deepEqual(parseReference('ent-IOLO-oooo-' + reference.slice(-1)), { ok: true, value: reference });
  });

  test('the check character catches every single wrong character and every swap of two different neighbours', () => {
    fc.assert(
      fc.property(payload(8), fc.nat(8), fc.constantFrom(...ALPHABET), (chars, at, replacement) => {
        const good = chars + checkCharacter(chars);
        const typo = good.slice(0, at) + replacement + good.slice(at + 1);
        if (typo === good) return;
        assert.deepEqual(parseReference(typo), { ok: false, reason: 'typo' }, `${good} → ${typo}`);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(payload(8), fc.nat(7), (chars, at) => {
        const good = chars + checkCharacter(chars);
        const swapped = good.slice(0, at) + good[at + 1] + good[at] + good.slice(at + 2);
        // Luhn mod N misses only the swap of the first and last characters of the alphabet, 0 and Z.
        if (swapped === good || [good[at], good[at + 1]].sort().join('') === '0Z') return;
        assert.deepEqual(parseReference(swapped), { ok: false, reason: 'typo' }, `${good} → ${swapped}`);
      }),
      { numRuns: RUNS },
    );
  });

  test('what cannot be a reference is told apart from a typo', () => {
    for (const typed of ['', 'ENT', 'ENT-1234-5678', 'ENT-1234-5678-90', 'ENT-UUUU-UUUU-U', 'ENT-12#4-5678-9']) {
      assert.deepEqual(parseReference(typed), { ok: false, reason: 'malformed' }, typed);
    }
  });

  test('an access code has 130 random bits and a check character, and only its digest is compared', () => {
    const codes = new Set(Array.from({ length: 500 }, newAccessCode));
    assert.equal(codes.size, 500);
    for (const code of [...codes].slice(0, 50)) {
      assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{3}$/);
      const parsed = parseAccessCode(code.toLowerCase());
      assert.ok(parsed.ok);
      assert.ok(accessMatches(parsed.value, accessDigest(code)));
      assert.ok(!accessMatches(parsed.value, accessDigest(newAccessCode())));
    }
    assert.deepEqual(parseAccessCode('ABCD'), { ok: false, reason: 'malformed' });
  });
});

describe('amounts as people write them', () => {
  test('grouping and decimal separators of several languages, and Arabic-Indic digits', () => {
    const cases: [string | number, string | undefined][] = [
      ['250', '250'], ['1200.50', '1200.5'], ['1 200,50', '1200.5'], ['1.200,50', '1200.5'], ['1,200.50', '1200.5'], ['1,200', '1200'], ['12,5', '12.5'],
      ['١٬٢٠٠٫٥٠', '1200.5'], ['1\u202f000', '1000'], [99.99, '99.99'], ['-5', undefined], ['ten', undefined], ['1..2', undefined], [-1, undefined], [0.0001, undefined],
    ];
    for (const [typed, expected] of cases) assert.equal(parseAmount(typed), expected, String(typed));
  });
});
