import type { Detection } from '../detection.js';
import type { WordLists } from '../word-lists.js';
import { classifyWord } from './words.js';

/**
 * Before a run: a capitalised word and a particle that joins the parts of a place's name
 * ("Reguengos de Monsaraz", "Chiclana de la Frontera", "Radlje ob Dravi", "Velden am See").
 */
const WORD_AND_PARTICLE_BEFORE =
  /([\p{Lu}][\p{L}\p{M}'’-]*) (?:de la|de las|de los|an der|am|ob|im|de|do|da|dos|das|del|di|du|des|sur) $/u;

/**
 * A run after "Word de", "Word do", "Word ob" continues the name that the word begins. When
 * that word is no person's name (a place's, as in "flew to Reguengos de Monsaraz"), the run
 * is not one either; "Leonardo da Vinci" keeps "Vinci", as "Leonardo" is found. An everyday
 * word before the particle makes it English ("I am Dana", "Why do Quill and Brevik…").
 */
export function withoutPlaceTails(
  text: string,
  found: readonly Detection[],
  lists: WordLists,
): Detection[] {
  const people = found.filter((finding) => finding.className === 'PERSON');
  const personEnds = new Set(people.map((finding) => finding.end));
  return found.filter((finding) => {
    if (finding.className !== 'PERSON') return true;
    const before = WORD_AND_PARTICLE_BEFORE.exec(
      text.slice(Math.max(0, finding.start - 60), finding.start),
    );
    const word = before?.[1];
    if (before === null || word === undefined || classifyWord(word, lists) === 'common') {
      return true;
    }
    const wordEnd = finding.start - before[0].length + word.length;
    return personEnds.has(wordEnd);
  });
}

/** Between the given and family names of one person: "da", "van der", "de la", "bin". */
const NAME_PARTICLE_GAP =
  /^ (?:(?:van|von|de|da|do|dos|das|del|della|di|du|le|la|der|den|ten|ter|bin|ibn|al)[ ]){1,2}$/u;

/** "Leonardo da Vinci", "Ludwig van Beethoven": two parts of one name, joined into one finding. */
export function joinedOverParticles(text: string, found: readonly Detection[]): Detection[] {
  const sorted = [...found].sort((a, b) => a.start - b.start);
  const joined: Detection[] = [];
  for (const finding of sorted) {
    const previous = joined.at(-1);
    const isSamePerson =
      previous?.className === 'PERSON' &&
      finding.className === 'PERSON' &&
      NAME_PARTICLE_GAP.test(text.slice(previous.end, finding.start));
    if (previous !== undefined && isSamePerson) {
      previous.end = finding.end;
      previous.confidence = Math.max(previous.confidence, finding.confidence);
      continue;
    }
    joined.push({ ...finding });
  }
  return joined;
}
