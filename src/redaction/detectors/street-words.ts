import type { WordLists } from '../word-lists.js';
import type { Word } from './words.js';

/**
 * Street types written before the street's name ("Rue Dielhère", "ul. Jesionowa", "Calle
 * Mayor", "Praça da Sé").
 */
const LEADING_TYPES: ReadonlySet<string> = new Set(
  (
    'rue via viale vicolo piazza piazzale largo corso calle avenida rua rúa travessa praça ' +
    'estrada plaza paseo camino carrera carretera ronda chemin impasse allée quai route ' +
    'ul. ulica al. aleja plac os. avenue quadra boulevard strada'
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
    'ulice tér köz körút tie katu kuja polku tänav põik iela gatvė cesta sokak sokağı cadde ' +
    'caddesi vegur stígur straße strasse'
  ).split(' '),
);

/** Unit words; a street's name stops before them. */
export const UNIT_WORDS: ReadonlySet<string> = new Set(
  'apt apartment suite unit floor fl'.split(' '),
);

/** Endings of compound street words ("Bundesstrasse", "Hersnapvej", "Þverbraut"). */
const COMPOUND_ENDINGS = (
  'strasse straße str\\. gasse weg platz allee vej gade gata gatan vägen veien vegen straat ' +
  'laan braut katu utca útja tie tänav gränd stræde vegur'
).split(' ');
const TYPE_ENDING = new RegExp(`(?:${COMPOUND_ENDINGS.join('|')})$`, 'iu');

export function isLeadingType(word: Word): boolean {
  const lower = word.text.toLowerCase();
  return LEADING_TYPES.has(lower) || LEADING_TYPES.has(`${lower}.`);
}

export function isStreetType(word: Word, text: string, lists: WordLists): boolean {
  const lower = word.text.toLowerCase();
  if (TYPE_ENDING.test(lower) && word.text.length > 5) return true;
  const withDot = text[word.end] === '.' ? `${lower}.` : lower;
  if (LOWERCASE_TYPES.has(lower) || LEADING_TYPES.has(withDot)) return true;
  // A lowercase "keys" or "way" is prose; a street type is written with a capital.
  if (word.shape !== 'title' && word.shape !== 'upper') return false;
  return lists.streetTypes.has(lower) || lists.streetTypes.has(withDot);
}

/**
 * Whether a street type names a street with no house number beside it ("Isaac Lodge Street").
 * The rarer suffixes in faker's lists ("Club", "Union", "Summit") name clubs, unions and
 * mountains as often, so they need the number.
 */
export function namesStreetAlone(word: Word, text: string, lists: WordLists): boolean {
  const lower = word.text.toLowerCase();
  const withDot = text[word.end] === '.' ? `${lower}.` : lower;
  if (TYPE_ENDING.test(lower) || LOWERCASE_TYPES.has(lower) || LEADING_TYPES.has(withDot)) {
    return true;
  }
  return lists.plainStreetTypes.has(lower) || lists.plainStreetTypes.has(withDot);
}
