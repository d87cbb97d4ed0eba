import { Metadata, type CountryCode } from 'libphonenumber-js/max';

/** The parts of libphonenumber's metadata API that its type declarations leave out. */
export interface Plans {
  selectNumberingPlan(country: string): void;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  hasCallingCode(callingCode: string): boolean;
  numberingPlan?: Plan;
}

export interface Plan {
  callingCode(): string;
  IDDPrefix(): string;
  nationalPrefixForParsing(): string | 0 | undefined;
  nationalNumberPattern(): string;
  nationalPrefixTransformRule(): string | 0 | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** Every number type libphonenumber validates against; a valid number matches one of them. */
export const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'PERSONAL_NUMBER',
  'VOICEMAIL',
  'UAN',
  'PAGER',
  'VOIP',
  'SHARED_COST',
] as const;

/**
 * A quick, sure "no" for national numbers that libphonenumber would find valid nowhere in one
 * region, so that the digits of cards, orders and dates are not parsed ten times each.
 *
 * Parsed in a region, a national number's significant part is its digits, or its digits
 * after the region's calling code, in either case with or without what the national prefix
 * rule cuts from the front. It is valid only when it matches the general pattern and one
 * type's pattern of a country sharing the region's calling code; when none of those few
 * strings does, parsing cannot find the number valid. Two cases lead elsewhere, and there
 * the answer is always "maybe": digits that start with the region's international prefix,
 * and regions whose national prefix rule puts digits in rather than cutting them.
 */
export class NationalNumberFilter {
  readonly #callingCode: string = '';
  readonly #internationalPrefix: RegExp | undefined;
  readonly #nationalPrefixes: readonly RegExp[] = [];
  readonly #lengths: ReadonlySet<number> | undefined;
  readonly #valid: RegExp | undefined;

  constructor(region: CountryCode) {
    const plans = new Metadata() as unknown as Plans;
    const plan = planOf(plans, region);
    const callingCode = plan?.callingCode() ?? '';
    const countries = plans.getCountryCodesForCallingCode(callingCode) ?? [];
    const main = countries[0] === undefined ? undefined : planOf(plans, countries[0]);
    if (plan === undefined || main === undefined || rewrites(plan) || rewrites(main)) return;

    this.#callingCode = callingCode;
    this.#internationalPrefix = new RegExp(`^(?:${plan.IDDPrefix()})`);
    const prefixes = new Set([plan, main].map((each) => each.nationalPrefixForParsing()));
    this.#nationalPrefixes = [...prefixes].flatMap((prefix) =>
      prefix ? [new RegExp(`^(?:${prefix})`)] : [],
    );
    const countryPlans = countries.map((country) => planOf(plans, country) as Plan);
    this.#lengths = validLengths(countryPlans);
    this.#valid = new RegExp(`^(?:${countryPlans.map(validPattern).join('|')})$`);
  }

  /** False only when `digits`, a national number without `+`, cannot be valid in the region. */
  mayBeValid(digits: string): boolean {
    if (this.#valid === undefined || this.#internationalPrefix?.test(digits) === true) return true;
    if (this.#mayBeSignificant(digits)) return true;
    if (!digits.startsWith(this.#callingCode)) return false;
    return this.#mayBeSignificant(digits.slice(this.#callingCode.length));
  }

  /** Valid as it is, or once a national prefix is cut from its front. */
  #mayBeSignificant(digits: string): boolean {
    if (this.#isValid(digits)) return true;
    for (const prefix of this.#nationalPrefixes) {
      const match = prefix.exec(digits);
      if (match !== null && this.#isValid(digits.slice(match[0].length))) return true;
    }
    return false;
  }

  #isValid(significant: string): boolean {
    if (this.#lengths?.has(significant.length) === false) return false;
    return this.#valid?.test(significant) !== false;
  }
}

export function planOf(plans: Plans, country: string): Plan | undefined {
  try {
    plans.selectNumberingPlan(country);
  } catch {
    return undefined;
  }
  return plans.numberingPlan;
}

/** Regions whose national prefix rule puts digits in (an area code before a local number). */
function rewrites(plan: Plan): boolean {
  return Boolean(plan.nationalPrefixTransformRule());
}

/**
 * Every length a type of these countries allows, or none when a type leaves its lengths open:
 * libphonenumber refuses a number whose length its type does not list.
 */
function validLengths(plans: readonly Plan[]): ReadonlySet<number> | undefined {
  const lengths = new Set<number>();
  for (const plan of plans) {
    if (!plan.hasTypes()) return undefined;
    for (const name of NUMBER_TYPES) {
      const type = plan.type(name);
      if (type === undefined || !type.pattern()) continue;
      const allowed = type.possibleLengths();
      if (allowed === undefined) return undefined;
      for (const length of allowed) lengths.add(length);
    }
  }
  return lengths;
}

/** One country's valid numbers as one pattern: its general pattern and one of its types. */
function validPattern(plan: Plan): string {
  const general = `(?=(?:${plan.nationalNumberPattern()})$)`;
  if (!plan.hasTypes()) return `${general}(?:${plan.nationalNumberPattern()})`;
  const types = NUMBER_TYPES.map((name) => plan.type(name)?.pattern() ?? '').filter(Boolean);
  return `${general}(?:${types.map((pattern) => `(?:${pattern})`).join('|')})`;
}
