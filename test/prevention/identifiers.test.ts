import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkIdentifier, matchKey } from '../../src/platform/identifiers/index.ts';
import { ACCOUNT_SERVICE, type IdentifierKind, type IdentifierOptions, checkReportIdentifier } from '../../src/prevention/identifiers.ts';
import { checkReport } from '../../src/prevention/intake.ts';
import { storedMatchKey } from '../../src/prevention/match-keys.ts';

/** The match key of each writing: all accepted, all the same; that key is returned. */
function sameKey(kind: IdentifierKind, typed: readonly string[], options: IdentifierOptions = {}): string {
  const keys = typed.map((value) => {
    const checked = checkReportIdentifier(kind, value, options);
    assert.ok(checked.ok, `${kind} ${JSON.stringify(value)} refused: ${JSON.stringify(checked)}`);
    return checked.identifier.matchKey;
  });
  assert.equal(new Set(keys).size, 1, `${typed.join(' | ')} → ${keys.join(' | ')}`);
  return keys[0]!;
}

function refused(kind: IdentifierKind, typed: string, options: IdentifierOptions = {}): string {
  const checked = checkReportIdentifier(kind, typed, options);
  assert.ok(!checked.ok, `${kind} ${JSON.stringify(typed)} accepted: ${JSON.stringify(checked)}`);
  return checked.problem.code;
}

/** The key a case gets for the same identifier, through the platform module alone. */
const caseKey = (input: Parameters<typeof checkIdentifier>[0]) => {
  const checked = checkIdentifier(input);
  assert.ok(checked.ok, JSON.stringify(checked));
  return matchKey(checked.value);
};

describe('a victim’s identifiers are checked by the platform and share the match keys of cases', () => {
  test('phone numbers: E.164 however written; 00 as the international prefix; national numbers with the node’s region only', () => {
    const key = sameKey('phone', ['+33 6 12 34 56 78', '0033612345678', '00 33 6 12 34 56 78', '+33 (6) 12-34-56-78', '+٣٣٦١٢٣٤٥٦٧٨', '＋33612345678']);
    assert.equal(key, 'phone:+33612345678');
    assert.equal(key, caseKey({ kind: 'phone', value: '06 12 34 56 78', defaultRegion: 'FR' }));
    assert.equal(sameKey('phone', ['06 12 34 56 78', '0612345678', '+33 6 12 34 56 78'], { phoneRegion: 'FR' }), key);
    assert.equal(refused('phone', '06 12 34 56 78'), 'phone-not-e164', 'no region to read it with');
    assert.equal(refused('phone', '06 12 34 56 78', { phoneRegion: 'XA' }), 'phone-not-e164', 'a region without a number plan is none');
    for (const bad of ['call me', '+12', '+44 7700 900123', 'phone: 0612']) assert.ok(refused('phone', bad, { phoneRegion: 'FR' }), bad);
  });

  test('e-mail addresses: the domain and the local part folded in the key, as for cases', () => {
    assert.equal(sameKey('email', ['Fake.Bank@Example.COM', ' fake.bank@example.com ']), caseKey({ kind: 'email', value: 'fake.bank@example.com' }));
    for (const bad of ['not an address', 'a@b', 'x y@example.com']) assert.ok(refused('email', bad), bad);
  });

  test('websites: a link without its scheme is a web link; case of the host, fragments and defanging do not matter', () => {
    const key = sameKey('url', ['fake-shop.example/offer', 'https://fake-shop.example/offer', 'HTTPS://Fake-Shop.example/offer#top', 'hxxps://fake-shop[.]example/offer', 'fake-shop.example:443/offer']);
    assert.equal(key, 'url:https://fake-shop.example/offer');
    assert.equal(key, caseKey({ kind: 'url', value: 'https://fake-shop.example/offer' }));
    for (const bad of ['localhost', 'two words.example', 'fake-shop.example/offer now', 'javascript:alert(1)', `https://fake-shop.example/${'a'.repeat(3000)}`]) assert.ok(refused('url', bad), bad);
    assert.equal(refused('url', `https://fake-shop.example/${'a'.repeat(3000)}`), 'value-too-long');
  });

  test('IBANs: the electronic format is the key, whatever the spacing or case; a wrong one is refused with its reason', () => {
    const key = sameKey('iban', ['GB33 BUKB 2020 1555 5555 55', 'gb33bukb20201555555555', 'IBAN: GB33-BUKB-2020-1555-5555-55']);
    assert.equal(key, 'iban:GB33BUKB20201555555555');
    assert.equal(key, caseKey({ kind: 'iban', value: 'GB33BUKB20201555555555' }));
    assert.equal(refused('iban', 'GB34 BUKB 2020 1555 5555 55'), 'iban-bad-checksum');
    assert.equal(refused('iban', 'GB33 BUKB 2020 1555 5555 5'), 'iban-bad-length');
    assert.equal(refused('iban', 'XX33 BUKB 2020 1555 5555 55'), 'iban-country-unknown');
    assert.equal(refused('iban', 'GB33 BUKB 2020 1555 5555 5X'), 'iban-bad-format');
  });

  test('wallets: the chain found from the address, the key a case naming that chain gets; unknown chains kept as written', () => {
    assert.equal(sameKey('wallet', ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ']), caseKey({ kind: 'wallet', chain: 'bitcoin', value: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' }));
    assert.equal(
      sameKey('wallet', ['0x52908400098527886E0F7030069857D2E4169EE7', '0x52908400098527886e0f7030069857d2e4169ee7']),
      caseKey({ kind: 'wallet', chain: 'erc20', value: '0x52908400098527886E0F7030069857D2E4169EE7' }),
    );
    assert.equal(sameKey('wallet', ['GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7']), 'wallet:other::GAAZI4TCR3TY5OJHCTJC2A4QSY6CJWJH5IAJTGKIN2ER7LBNVKOCCWN7');
    assert.equal(refused('wallet', '0x52908400098527886E0F7030069857D2E4169EE7!'), 'wallet-bad-format');
    assert.equal(refused('wallet', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp'), 'wallet-bad-checksum', 'a typo in a bitcoin address');
    assert.ok(refused('wallet', 'abc'));
  });

  test('usernames: without case or @, on a platform the victim did not name', () => {
    assert.equal(sameKey('account', ['@Lovely_Anna', 'lovely_anna']), `account:${ACCOUNT_SERVICE}:lovely_anna`);
    assert.ok(refused('account', '@'));
    assert.ok(refused('account', 'a\u0007b'));
  });

  test('the same identifier written twice in one report is kept once; each refusal names its box and tells the fix', () => {
    const checked = checkReport({
      type: 'online-fraud', whatHappened: 'x', locale: 'en',
      identifiers: [
        { kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 55' }, { kind: 'iban', value: 'gb33bukb20201555555555' },
        { kind: 'phone', value: '+44 20 7946 0958' }, { kind: 'phone', value: '00442079460958' },
      ],
    });
    assert.deepEqual(checked.report?.identifiers.map((identifier) => identifier.matchKey), ['iban:GB33BUKB20201555555555', 'phone:+442079460958']);
    const refusedReport = checkReport({
      type: 'online-fraud', whatHappened: 'x', locale: 'en', contact: { phone: '020 7946 0958' },
      identifiers: [
        { kind: 'iban', value: 'GB33 BUKB 2020 1555 5555 5' }, { kind: 'iban', value: 'US64 SVBK US6S 3300 9673 86' }, { kind: 'phone', value: '020 7946 0958' },
        // Exchanges hand out X-addresses: the victim is told the classic address to give instead.
        { kind: 'wallet', value: 'X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu' },
      ],
    });
    assert.deepEqual(refusedReport.issues.map((issue) => [issue.field, issue.pointer, issue.message, issue.values]), [
      ['iban', '/identifiers/0/value', 'error.iban.length', { value: 'GB33 BUKB 2020 1555 5555 5', country: 'GB', expected: 22 }],
      ['iban', '/identifiers/1/value', 'error.iban.country', { value: 'US64 SVBK US6S 3300 9673 86' }],
      ['phone', '/identifiers/2/value', 'error.phone.international', { value: '020 7946 0958' }],
      ['wallet', '/identifiers/3/value', 'error.wallet.xAddress', { value: 'X7AcgcsBL6XDcUb289X4mJ8djcdyKaGZMhc9YTE92ehJ2Fu', classic: 'r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59' }],
      ['contactPhone', '/contact/phone', 'error.phone.international', { value: '020 7946 0958' }],
    ]);
    assert.equal(checkReport({ type: 'other', whatHappened: 'x', locale: 'en', contact: { phone: '020 7946 0958' }, identifiers: [] }, { phoneRegion: 'GB' }).issues.length, 0);
  });

  test('an identifier stored before the platform’s keys gets today’s key, or keeps its old form under a prefix of its own', () => {
    assert.equal(storedMatchKey({ kind: 'phone', value: '00 44 20 7946 0958', normalised: '+442079460958' }, {}), 'phone:+442079460958');
    assert.equal(storedMatchKey({ kind: 'phone', value: '06 12 34 56 78', normalised: '0612345678' }, { phoneRegion: 'FR' }), 'phone:+33612345678');
    assert.equal(storedMatchKey({ kind: 'phone', value: '06 12 34 56 78', normalised: '0612345678' }, {}), 'legacy:phone:0612345678');
    assert.equal(storedMatchKey({ kind: 'url', value: 'www.sofa-bargains.example/checkout/', normalised: 'sofa-bargains.example/checkout' }, {}), 'url:https://www.sofa-bargains.example/checkout/');
    assert.equal(storedMatchKey({ kind: 'wallet', value: 'some-old-chain-address:0000000000', normalised: 'some-old-chain-address:0000000000' }, {}), 'wallet:other::some-old-chain-address:0000000000');
  });
});
