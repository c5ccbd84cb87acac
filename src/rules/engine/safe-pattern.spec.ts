import { compileSafeRegex, compileWildcard, MAX_MATCHED_TEXT } from './safe-pattern';

function regex(pattern: string, flags = '') {
  const compiled = compileSafeRegex(pattern, flags);
  if (!compiled.ok) throw new Error(compiled.reason);
  return compiled.test;
}

describe('compileSafeRegex', () => {
  it('matches as a JavaScript regular expression would, with its flags', () => {
    expect(regex('@example\\.com$')('ana@example.com')).toBe(true);
    expect(regex('@example\\.com$')('ana@EXAMPLE.com')).toBe(false);
    expect(regex('@example\\.com$', 'i')('ana@EXAMPLE.com')).toBe(true);
    expect(regex('^b$', 'm')('a\nb\nc')).toBe(true);
    expect(regex('a.c', 's')('a\nc')).toBe(true);
    expect(regex('(?<host>[a-z]+)\\.com')('x.com')).toBe(true);
    expect(regex('^\\d{3}$')('12a')).toBe(false);
  });

  const aThen = (length: number, last: string) => `${'a'.repeat(length)}${last}`;

  it.each([
    ['^(\\w+\\s?)+$', aThen(2_000, '!'), false],
    ['^(\\w+\\s?)+$', aThen(10_000, '!'), true],
    ['(a*)*b', aThen(10_000, ''), false],
    ['^(a|a)*$', aThen(2_000, 'b'), false],
    ['^(a|aa)+$', aThen(10_000, 'b'), true],
    ['(.*a){20}b', aThen(10_000, ''), false],
    ['^([a-z]+.)+[A-Z][a-z]+$', aThen(10_000, '!'), false],
  ])('runs %s against a long value in linear time', (pattern, text, expected) => {
    // A backtracking engine takes hours here (the test would time out). Past the first
    // MAX_MATCHED_TEXT characters nothing is seen: the 10,000th character is not.
    expect(regex(pattern)(text)).toBe(expected);
  });

  it('sees only the beginning of a long value', () => {
    const text = `${'a'.repeat(MAX_MATCHED_TEXT)}needle`;
    expect(regex('needle')(text)).toBe(false);
    expect(regex('^a+$')(text)).toBe(true);
  });

  it('refuses what RE2 cannot run, saying why', () => {
    expect(compileSafeRegex('(a)\\1')).toMatchObject({ ok: false });
    expect(compileSafeRegex('(?<=a)b')).toMatchObject({ ok: false });
    expect(compileSafeRegex('(')).toEqual({
      ok: false,
      reason: 'bad regular expression: missing closing ): `(`',
    });
  });
});

describe('compileWildcard', () => {
  it.each([
    ['*@1passwordserviceaccounts.com', 'bot@1PasswordServiceAccounts.com', true],
    ['*@1passwordserviceaccounts.com', 'bot@1passwordserviceaccounts.com.evil', false],
    ['svc-*', 'svc-backup', true],
    ['svc-*', 'my-svc-backup', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['*', '', true],
    ['**x**', 'x', true],
    ['exact', 'EXACT', true],
    ['exact', 'exactly', false],
  ])('%s against %s is %s', (pattern, text, expected) => {
    expect(compileWildcard(pattern)(text)).toBe(expected);
  });

  it('matches *a*a*a*b against 10,000 characters in one pass', () => {
    // The regex it used to become backtracks for tens of seconds on 500 characters.
    expect(compileWildcard('*a*a*a*b')('a'.repeat(10_000))).toBe(false);
    expect(compileWildcard('*a*a*a*b')(`${'a'.repeat(2_000)}b`)).toBe(true);
  });
});
