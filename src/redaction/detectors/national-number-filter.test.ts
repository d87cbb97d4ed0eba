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
import { NationalNumberFilter } from './national-number-filter.js';

/** Regions with carrier codes, rewriting prefix rules, shared calling codes or odd prefixes. */
const OTHER_REGIONS: CountryCode[] = ['BR', 'CO', 'AR', 'MX', 'RU', 'KZ', 'JP', 'GG', 'VI', 'VA'];

const isValidIn = (digits: string, region: CountryCode) =>
  parsePhoneNumberFromString(digits, region)?.isValid() === true;

/** Deterministic digits, so that a failure can be run again. */
function* digitRuns(count: number, seed: number): Generator<string> {
  let state = seed;
  const next = (limit: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % limit;
  };
  for (let index = 0; index < count; index++) {
    const length = 7 + next(9);
    let digits = '';
    while (digits.length < length) digits += String(next(10));
    yield digits;
  }
}

/** A national number written the ways people write it in `region`, and with its code. */
function writtenForms(region: CountryCode, national: string): string[] {
  const callingCode = getCountryCallingCode(region);
  return [national, `0${national}`, `1${national}`, `${callingCode}${national}`];
}

describe('ruling out national numbers before parsing them', () => {
  it.each([...DEFAULT_PHONE_REGIONS, ...OTHER_REGIONS])(
    'never rules out a number libphonenumber finds valid in %s',
    (region) => {
      const filter = new NationalNumberFilter(region);
      const ruledOutButValid: string[] = [];
      let validCount = 0;
      for (const national of digitRuns(1500, region.charCodeAt(0) * 97 + region.charCodeAt(1))) {
        for (const digits of writtenForms(region, national)) {
          if (!isValidIn(digits, region)) continue;
          validCount++;
          if (!filter.mayBeValid(digits)) ruledOutButValid.push(digits);
        }
      }
      expect(ruledOutButValid).toEqual([]);
      expect(validCount).toBeGreaterThan(20);
    },
  );

  it("keeps every country's example numbers, in its own region and in every default one", () => {
    const filters = new Map(
      DEFAULT_PHONE_REGIONS.map((region) => [region, new NationalNumberFilter(region)]),
    );
    const ruledOutButValid: string[] = [];
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (example === undefined) continue;
      const own = new NationalNumberFilter(country);
      const national = example.nationalNumber;
      for (const digits of writtenForms(country, national)) {
        if (!own.mayBeValid(digits) && isValidIn(digits, country)) {
          ruledOutButValid.push(`${country} ${digits}`);
        }
      }
      const international = `${example.countryCallingCode}${national}`;
      for (const [region, filter] of filters) {
        for (const digits of [international, `00${international}`, `011${international}`]) {
          if (!filter.mayBeValid(digits) && isValidIn(digits, region)) {
            ruledOutButValid.push(`${region} ${digits}`);
          }
        }
      }
    }
    expect(ruledOutButValid).toEqual([]);
  });

  it('keeps numbers that are valid only with a prefix cut or through another country', () => {
    const cases: [CountryCode, string][] = [
      ['GB', '02079460321'],
      ['GB', '442079460321'],
      ['GB', '4402079460321'],
      ['GB', '07781123456'],
      ['US', '12025550147'],
      ['US', '4165550123'],
      ['US', '011442079460321'],
      ['IT', '0669812345'],
      ['AU', '0011442079460321'],
    ];
    for (const [region, digits] of cases) {
      expect(isValidIn(digits, region), `${region} ${digits}`).toBe(true);
      expect(new NationalNumberFilter(region).mayBeValid(digits), `${region} ${digits}`).toBe(true);
    }
  });

  it('rules out the groups of a card number in every default region', () => {
    for (const region of DEFAULT_PHONE_REGIONS) {
      const filter = new NationalNumberFilter(region);
      expect(filter.mayBeValid('111111111111'), region).toBe(false);
      expect(filter.mayBeValid('11111111'), region).toBe(false);
    }
  });

  it('always says maybe where the national prefix rule rewrites the number', () => {
    expect(new NationalNumberFilter('VI').mayBeValid('111111111111')).toBe(true);
  });
});
