import type { WordLists } from '../word-lists.js';
import { wordsOf, type Word } from './words.js';

/**
 * Street types written before the street's name ("Rue Dielhère", "ul. Jesionowa", "Calle
 * Mayor", "Praça da Sé").
 */
const LEADING_TYPES: ReadonlySet<string> = new Set(
  (
    'rue via viale vicolo piazza piazzale largo corso contrada rotonda borgo strada calle ' +
    'avenida rua rúa travessa praça estrada alameda azinhaga beco ladeira rodovia plaza paseo ' +
    'pasaje glorieta camino carrera carretera carr. ronda travesía prolongación chemin impasse ' +
    'allée quai route passage voie sentier aleea bulevardul calea intrarea splaiul ul. ulica ' +
    'al. aleja plac pl. os. bulw. rondo skwer nám. náměstí jln. jl. λεωφ. οδός улица ул. ' +
    'проспект пр. переулок пер. пров. бульвар шоссе avenue quadra boulevard'
  ).split(' '),
);

/** The leading types that name a street without a house number ("Rue Dielhère"). */
const LEADING_TYPES_ALONE: ReadonlySet<string> = new Set(
  (
    'rue via viale vicolo piazza corso calle avenida rua rúa travessa ul. ulica avenue ' +
    'boulevard'
  ).split(' '),
);

/** Small words inside street names ("Rue de Tanger", "Via Nuova del Campo"). */
export const NAME_PARTICLES: ReadonlySet<string> = new Set(
  'de des du del della di da do dos das la le les van von der den am an zu y e'.split(' '),
);

/**
 * Street types that their own languages write in lowercase, after the name ("Trenerys gate",
 * "Király u.", "Merivälja põik", "Brīvības iela").
 */
const LOWERCASE_TYPES: ReadonlySet<string> = new Set(
  (
    'gate gata gatan vej gade stræde vegen veien vei väg vägen gränd utca út útja u ul ulica ' +
    'ulice tér köz körút sor fasor sugárút országút tie katu kuja polku tänav põik iela ' +
    'gatve laukums dambis prospekts gatvė cesta sokak sokağı cadde caddesi vegur stígur ' +
    'straße strasse улица ул. площадь аллея ал. майдан проспект'
  ).split(' '),
);

/** Unit words; a street's name stops before them. */
export const UNIT_WORDS: ReadonlySet<string> = new Set(
  'apt apartment suite unit floor fl'.split(' '),
);

/** Endings of compound street words ("Bundesstrasse", "Hersnapvej", "Þverbraut"). */
const COMPOUND_ENDINGS = (
  'strasse straße str\\. gasse graben weg platz allee vej gade gata gate gatan vägen veien ' +
  'vegen gränd gränden backen stigen torget kroken straat laan gracht dijk kade singel ' +
  'steeg plein markt dreef braut katu kaari rinne ranta linja polku kuja utca útja tie ' +
  'tänav stræde vegur'
).split(' ');
const TYPE_ENDING = new RegExp(`(?:${COMPOUND_ENDINGS.join('|')})$`, 'iu');

/**
 * Words for a flat, a floor or a part of a building, in many languages, written before
 * their number ("Apt. 4", "Lgh. 175", "Piano 2", "кв. 12").
 */
const UNIT_WORDS_BEFORE_NUMBER = (
  'apt\\.? apartment suite unit # floor fl\\. flat lgh\\.? leil\\.? oppgang hus piano scala ' +
  'interno int\\. bloc bloco ap\\. apto\\.? puerta stan kat sprat dz\\. кв\\. m\\. pisarna ' +
  'apartma stanovanje stiege tür zimmer appartamento apartamento sobrado lote edificio esc\\. ' +
  'nadstropje loja piso casa'
).split(' ');
/** Floor words written after their number ("5 OG", "1e verdieping", "2nd floor", "5. th"). */
const FLOOR_WORDS_AFTER_NUMBER = 'og étage etage hoog verdieping em th tv mf sal floor'.split(' ');

/** "apt" as "[aA][pP][tT]": unit words match in any case inside case-sensitive patterns. */
function anyCase(word: string): string {
  return word.replace(/(?<!\\)\p{L}/gu, (char) => `[${char}${char.toUpperCase()}]`);
}

const unitWords = UNIT_WORDS_BEFORE_NUMBER.map(anyCase).join('|');
const floorWords = FLOOR_WORDS_AFTER_NUMBER.map(anyCase).join('|');

/** A unit of an address, as a regular expression's source, for patterns with the `u` flag. */
export const UNIT =
  String.raw`(?:(?:${unitWords})(?!\p{L})\s*(?:(?:št|no|nr)\.\s*)?[\d\p{L}-]{1,6}(?![\p{L}\p{N}])\.?` +
  String.raw`|\d{1,3}(?:\.|e|º|ª|st|nd|rd|th)?\s*(?:${floorWords})(?![\p{L}\p{N}])\.?)`;

export function isLeadingType(word: Word, text: string, lists: WordLists): boolean {
  const lower = word.text.toLowerCase();
  const withDot = text[word.end] === '.' ? `${lower}.` : lower;
  return LEADING_TYPES.has(withDot) || lists.leadingStreetTypes.has(withDot);
}

/**
 * The leading types taken from faker's locales ("Eje", "Gamle", "Jr.") are ordinary words
 * too, so they make a street only with a capitalised name after them: "Eje Central 6".
 */
export function needsNameAfter(word: Word, text: string): boolean {
  const lower = word.text.toLowerCase();
  return !LEADING_TYPES.has(text[word.end] === '.' ? `${lower}.` : lower);
}

export function isStreetType(word: Word, text: string, lists: WordLists): boolean {
  const lower = word.text.toLowerCase();
  const withDot = text[word.end] === '.' ? `${lower}.` : lower;
  if (isCompound(lower, withDot, lists)) return true;
  if (LOWERCASE_TYPES.has(withDot) || isLeadingType(word, text, lists)) return true;
  if (LOWERCASE_TYPES.has(lower)) return true;
  if (word.shape === 'lower' && lists.lowercaseStreetTypes.has(withDot)) return true;
  // A lowercase "keys" or "way" is prose; a street type is written with a capital.
  if (word.shape !== 'title' && word.shape !== 'upper') return false;
  return lists.streetTypes.has(lower) || lists.streetTypes.has(withDot);
}

/** "Flurstr.", "Wagenaargracht": not "ballpark" or "tailgate", which are English words. */
function isCompound(lower: string, withDot: string, lists: WordLists): boolean {
  if (lower.length <= 5 || lists.englishWords.has(lower)) return false;
  return TYPE_ENDING.test(lower) || TYPE_ENDING.test(withDot);
}

/**
 * Whether a street type names a street with no house number beside it ("Isaac Lodge Street").
 * The rarer suffixes in faker's lists ("Club", "Union", "Summit") name clubs, unions and
 * mountains as often, so they need the number.
 */
export function namesStreetAlone(word: Word, text: string, lists: WordLists): boolean {
  const lower = word.text.toLowerCase();
  const withDot = text[word.end] === '.' ? `${lower}.` : lower;
  if (isCompound(lower, withDot, lists) || LOWERCASE_TYPES.has(lower)) return true;
  if (LEADING_TYPES_ALONE.has(withDot)) return true;
  return lists.plainStreetTypes.has(lower) || lists.plainStreetTypes.has(withDot);
}

/**
 * "5 Musicians Of The 70s" is a title: a street's name holds a word that is not everyday
 * English.
 */
export function hasUncommonWord(candidate: string, lists: WordLists): boolean {
  return wordsOf(candidate).some((word) => {
    const lower = word.text.toLowerCase();
    if (lower.length < 3) return false;
    const singular = lower.replace(/(?<=..)(?:e?s)$/u, '');
    return !lists.englishWords.has(lower) && !lists.englishWords.has(singular);
  });
}
