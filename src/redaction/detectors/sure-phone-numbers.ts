import { Metadata, type CountryCode } from 'libphonenumber-js/max';
import type { Plan, Plans } from './national-number-filter.js';
import { NUMBER_TYPES, planOf } from './national-number-filter.js';

/** Shortest and longest significant numbers libphonenumber parses at all. */
const MIN_SIGNIFICANT_DIGITS = 2;
const MAX_SIGNIFICANT_DIGITS = 17;

/** One country's patterns, compiled once instead of on every parse. */
interface CountryPatterns {
  country: string;
  leadingDigits: RegExp | undefined;
  general: RegExp;
  /** Undefined when the country lists no types: its general pattern alone decides. */
  types: { pattern: RegExp; lengths: readonly number[] | undefined }[] | undefined;
}

/** The countries sharing one calling code, the main one first. */
interface CallingCodeGroup {
  callingCode: string;
  countries: readonly CountryPatterns[];
}

/**
 * A country's prefixes, as libphonenumber reads them: the national prefix rule of the plan
 * a number is parsed in (the region's for a national number, the calling code's main
 * country's for one written with `+`) may cut or rewrite digits at its front, and the
 * international prefix turns a national number into an international one.
 */
interface Prefixes {
  national: RegExp | undefined;
  international: RegExp | undefined;
}

/**
 * A sure "yes" for the plain case of a phone number, without parsing it: digits that carry no
 * national or international prefix and match, as they stand, a number type of the country
 * libphonenumber would pick for them. libphonenumber compiles its patterns anew on every
 * parse, which costs tens of microseconds a number; these are compiled once. Anything less
 * plain (a prefix to cut, a calling code inside a national number, a rewriting rule, a
 * country chosen by its leading digits that does not match) is answered `undefined`, and
 * the caller parses. The answers agree with libphonenumber: see the test beside this file.
 */
export class SurePhoneNumbers {
  readonly #plans = new Metadata() as unknown as Plans;
  readonly #groups = new Map<string, CallingCodeGroup | undefined>();
  readonly #prefixes = new Map<string, Prefixes | undefined>();

  /** The country of `digits`, written after `+`, when it is surely valid. */
  international(digits: string): string | undefined {
    // Calling codes are prefix-free: the first known one is the number's.
    for (let length = 1; length <= 3; length++) {
      const callingCode = digits.slice(0, length);
      if (!this.#plans.hasCallingCode(callingCode)) continue;
      const group = this.#group(callingCode);
      const main = group?.countries[0];
      if (group === undefined || main === undefined) return undefined;
      return this.#countryOf(group, this.#prefixesOf(main.country), digits.slice(length));
    }
    return undefined;
  }

  /** The country of `digits`, a national number written in `region`, when surely valid. */
  national(digits: string, region: CountryCode): string | undefined {
    const prefixes = this.#prefixesOf(region);
    const callingCode = planOf(this.#plans, region)?.callingCode();
    if (prefixes === undefined || callingCode === undefined) return undefined;
    if (digits.startsWith(callingCode) || prefixes.international?.test(digits) !== false) {
      return undefined;
    }
    const group = this.#group(callingCode);
    return group === undefined ? undefined : this.#countryOf(group, prefixes, digits);
  }

  #countryOf(
    group: CallingCodeGroup,
    prefixes: Prefixes | undefined,
    significant: string,
  ): string | undefined {
    if (significant.length < MIN_SIGNIFICANT_DIGITS) return undefined;
    if (significant.length > MAX_SIGNIFICANT_DIGITS) return undefined;
    if (prefixes === undefined || prefixes.national?.test(significant) === true) return undefined;
    const country = pickCountry(group.countries, significant);
    return country !== undefined && isOfAType(country, significant) ? country.country : undefined;
  }

  #group(callingCode: string): CallingCodeGroup | undefined {
    if (!this.#groups.has(callingCode)) this.#groups.set(callingCode, this.#build(callingCode));
    return this.#groups.get(callingCode);
  }

  #build(callingCode: string): CallingCodeGroup | undefined {
    const countries = this.#plans.getCountryCodesForCallingCode(callingCode) ?? [];
    const compiled: CountryPatterns[] = [];
    for (const country of countries) {
      const plan = planOf(this.#plans, country);
      if (plan === undefined) return undefined;
      compiled.push(compile(country, plan));
    }
    return compiled.length === 0 ? undefined : { callingCode, countries: compiled };
  }

  #prefixesOf(country: string): Prefixes | undefined {
    if (!this.#prefixes.has(country)) {
      const plan = planOf(this.#plans, country);
      this.#prefixes.set(
        country,
        plan && {
          national: prefixPattern(plan.nationalPrefixForParsing()),
          international: prefixPattern(plan.IDDPrefix()),
        },
      );
    }
    return this.#prefixes.get(country);
  }
}

function prefixPattern(source: string | 0 | undefined): RegExp | undefined {
  return source ? new RegExp(`^(?:${source})`) : undefined;
}

function compile(country: string, plan: Plan): CountryPatterns {
  const leadingDigits = plan.leadingDigits();
  const types = plan.hasTypes()
    ? NUMBER_TYPES.flatMap((name) => {
        const type = plan.type(name);
        const pattern = type?.pattern();
        if (type === undefined || !pattern) return [];
        return [{ pattern: new RegExp(`^(?:${pattern})$`), lengths: type.possibleLengths() }];
      })
    : undefined;
  return {
    country,
    leadingDigits: leadingDigits ? new RegExp(`^(?:${leadingDigits})`) : undefined,
    general: new RegExp(`^(?:${plan.nationalNumberPattern()})$`),
    types,
  };
}

/**
 * The country libphonenumber picks among those sharing a calling code: the first whose
 * leading digits begin the number, or, for one without leading digits, whose types hold it.
 * A country with leading digits that do not match is passed over, as libphonenumber does.
 */
function pickCountry(
  countries: readonly CountryPatterns[],
  significant: string,
): CountryPatterns | undefined {
  if (countries.length === 1) return countries[0];
  return countries.find((country) =>
    country.leadingDigits === undefined
      ? isOfAType(country, significant)
      : country.leadingDigits.test(significant),
  );
}

function isOfAType(country: CountryPatterns, significant: string): boolean {
  if (!country.general.test(significant)) return false;
  if (country.types === undefined) return true;
  return country.types.some(
    (type) =>
      (type.lengths === undefined || type.lengths.includes(significant.length)) &&
      type.pattern.test(significant),
  );
}
