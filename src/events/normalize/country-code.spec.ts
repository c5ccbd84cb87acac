import { toCountryCode } from './country-code';

describe('toCountryCode', () => {
  it.each([
    ['CA', 'CA'],
    ['ca', 'CA'],
    ['CAN', 'CA'],
    ['Canada', 'CA'],
    [' canada ', 'CA'],
    ['AR', 'AR'],
    ['France', 'FR'],
    ['United States of America', 'US'],
    ['USA', 'US'],
    ['United Kingdom', 'GB'],
    ['Korea, Republic of', 'KR'],
  ])('maps %j to %s', (value, expected) => {
    expect(toCountryCode(value)).toBe(expected);
  });

  it.each(['Atlantis', 'Europe', 'Congo', 'XX'])('keeps %j as received', (value) => {
    expect(toCountryCode(value)).toBe(value);
  });
});
