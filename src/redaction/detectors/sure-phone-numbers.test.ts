import {
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PHONE_REGIONS } from '../../../test/support/test-redactor.js';
import { SurePhoneNumbers } from './sure-phone-numbers.js';

/** What libphonenumber says of a number: its country when valid, else undefined. */
function parsedCountry(text: string, region?: CountryCode): string | undefined {
  const number = parsePhoneNumberFromString(text, region);
  if (number?.isValid() !== true) return undefined;
  return number.country ?? region ?? 'international';
}

/** Deterministic digit runs of 6 to 14 digits, so that a failure can be run again. */
function digitRuns(count: number, seed: number): string[] {
  let state = seed;
  const next = (limit: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % limit;
  };
  return Array.from({ length: count }, () => {
    let digits = '';
    const length = 6 + next(9);
    while (digits.length < length) digits += String(next(10));
    return digits;
  });
}

const sure = new SurePhoneNumbers();

/** Every example number of every country, as a national number and with its calling code. */
const EXAMPLES = getCountries().flatMap((country) => {
  const example = getExampleNumber(country, examples);
  return example === undefined ? [] : [{ country, national: example.nationalNumber }];
});

describe('telling a phone number valid without parsing it', () => {
  it("agrees with libphonenumber on every country's example numbers written with +", () => {
    const disagreements: string[] = [];
    let sureCount = 0;
    for (const { country, national } of EXAMPLES) {
      const digits = `${getCountryCallingCode(country)}${national}`;
      const answer = sure.international(digits);
      if (answer === undefined) continue;
      sureCount++;
      if (answer !== parsedCountry(`+${digits}`)) disagreements.push(`${country} +${digits}`);
    }
    expect(disagreements).toEqual([]);
    // The point is speed: most real numbers must be answered without a parse.
    expect(sureCount).toBeGreaterThan(EXAMPLES.length * 0.8);
  });

  it('agrees with libphonenumber on national numbers in their own region and the defaults', () => {
    const disagreements: string[] = [];
    for (const { country, national } of EXAMPLES) {
      const callingCode = getCountryCallingCode(country);
      const forms = [national, `0${national}`, `1${national}`, `${callingCode}${national}`];
      for (const region of [country, ...DEFAULT_PHONE_REGIONS]) {
        for (const digits of forms) {
          const answer = sure.national(digits, region);
          if (answer !== undefined && answer !== parsedCountry(digits, region)) {
            disagreements.push(`${region} ${digits}`);
          }
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('never calls a digit run valid that libphonenumber does not, in any default region', () => {
    const disagreements: string[] = [];
    let sureCount = 0;
    for (const digits of digitRuns(4000, 7919)) {
      for (const region of DEFAULT_PHONE_REGIONS) {
        const answer = sure.national(digits, region);
        if (answer === undefined) continue;
        sureCount++;
        if (answer !== parsedCountry(digits, region)) disagreements.push(`${region} ${digits}`);
      }
      const international = sure.international(digits);
      if (international !== undefined && international !== parsedCountry(`+${digits}`)) {
        disagreements.push(`+${digits}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(sureCount).toBeGreaterThan(100);
  });

  it('leaves numbers with a prefix to cut, or a calling code inside, to the parser', () => {
    expect(sure.national('2079460321', 'GB')).toBe('GB');
    expect(sure.national('02079460321', 'GB')).toBeUndefined();
    expect(sure.national('442079460321', 'GB')).toBeUndefined();
    expect(sure.national('011442079460321', 'US')).toBeUndefined();
    expect(sure.international('442079460321')).toBe('GB');
    expect(sure.international('4402079460321')).toBeUndefined();
  });

  it('names the country that shares a calling code, as libphonenumber does', () => {
    expect(sure.national('4165550123', 'US')).toBe(parsedCountry('4165550123', 'US'));
    expect(sure.international('14165550123')).toBe('CA');
    expect(sure.international('12025550147')).toBe('US');
    expect(sure.international('447781123456')).toBe(parsedCountry('+447781123456'));
  });
});
