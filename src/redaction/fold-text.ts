/**
 * The text detectors read: characters that change how a value looks but not what it is are
 * replaced by the plain ones detectors know, so formatting cannot hide a value.
 *
 * - Full-width forms (`ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`) and the small and ideographic `@` and
 *   full stops become ASCII.
 * - Every kind of space (no-break, narrow no-break as French groups digits, thin) becomes a
 *   space, and the dashes used inside numbers (hyphen, non-breaking hyphen, figure dash, en
 *   dash, minus sign) become `-`. The em dash, which separates words, is left alone.
 * - Digits of other scripts (`٤١١١`, `𝟒𝟏𝟏𝟏`) become ASCII digits.
 * - Characters Unicode gives a compatibility form in ASCII (circled and superscript digits,
 *   mathematical letters, ligatures, the one-dot leader) become that form: `⑤` is `5`.
 * - Characters that are not drawn (zero-width space and joiners, soft hyphen, word joiner,
 *   byte-order mark, direction marks, variation selectors, Hangul fillers: Unicode's
 *   default-ignorable code points, and every format character), combining marks that
 *   decorate an ASCII character (`4̲`), and lone surrogates are left out. Marks on the
 *   letters of other scripts are part of how their words are spelled, and stay.
 *
 * Findings are mapped back to the original text, so a replacement covers the value with
 * whatever was hidden inside it. Text with none of these characters is read as it is.
 */
export interface FoldedText {
  text: string;
  /**
   * Where each code unit of `text` came from in the original, and one entry more for the
   * end; undefined when nothing was changed and offsets are the same.
   */
  origins: Int32Array | undefined;
}

/**
 * Any character that folding may change; ASCII spaces, dashes and digits are left out. Those
 * with an ASCII compatibility form are other numbers and the blocks of letter-like forms,
 * enclosed and superscript characters, ligatures, mathematical letters and leaders. A mark
 * changes nothing unless it follows ASCII, so text in scripts that spell with marks is read
 * as it is.
 */
const NEEDS_FOLDING =
  /[\0-\x7f]\p{M}|(?![ \d])[\p{Zs}\p{Cf}\p{Nd}\p{No}\p{Cs}\p{Default_Ignorable_Code_Point}\uff01-\uff5e\u2010-\u2013\u2212\u3002\ufe50-\ufe6b\uff61\u2024-\u2026\u2070-\u209f\u2100-\u214f\u2460-\u24ff\ufb00-\ufb06\u{1d400}-\u{1d7ff}\u{1f100}-\u{1f1ff}]/u;

const SPACE = /\p{Zs}/u;
const LEFT_OUT = /[\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
const MARK = /\p{M}/u;
const DIGIT = /\p{Nd}/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/u;
const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xfee0;
const DASHES: ReadonlySet<number> = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xfe63]);
const STOPS: ReadonlySet<number> = new Set([0x3002, 0xfe52, 0xff61]);
const SMALL_AT = 0xfe6b;

/** Plain ASCII never needs folding, and this test is many times faster than the one above. */
const NOT_ASCII = /[\u0080-\uffff]/;

export function foldText(text: string): FoldedText {
  if (!NOT_ASCII.test(text) || !NEEDS_FOLDING.test(text)) return { text, origins: undefined };

  const units: string[] = [];
  const origins: number[] = [];
  let at = 0;
  let isAfterAscii = false;
  for (const character of text) {
    const isMarkOnAscii = isAfterAscii && MARK.test(character);
    const folded: string = isMarkOnAscii ? '' : foldCharacter(character);
    for (let unit = 0; unit < folded.length; unit++) origins.push(at);
    units.push(folded);
    if (folded.length > 0) isAfterAscii = folded.charCodeAt(folded.length - 1) < 0x80;
    at += character.length;
  }
  origins.push(text.length);
  return { text: units.join(''), origins: Int32Array.from(origins) };
}

function foldCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x80) return character;
  if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST) {
    return String.fromCharCode(code - FULL_WIDTH_OFFSET);
  }
  if (DASHES.has(code)) return '-';
  if (STOPS.has(code)) return '.';
  if (code === SMALL_AT) return '@';
  if (SPACE.test(character)) return ' ';
  if (LEFT_OUT.test(character)) return '';
  if (DIGIT.test(character)) return String(digitValue(code));
  return compatibleForm(character);
}

const compatibleForms = new Map<string, string>();

/** The character's ASCII compatibility form (NFKC), or the character when it has none. */
function compatibleForm(character: string): string {
  const known = compatibleForms.get(character);
  if (known !== undefined) return known;
  const normalized = character.normalize('NFKC');
  const form =
    normalized !== character && PRINTABLE_ASCII.test(normalized) ? normalized : character;
  compatibleForms.set(character, form);
  return form;
}

const digitValues = new Map<number, number>();

/**
 * The value of a decimal digit of any script. Unicode gives each script its digits as a run
 * of ten in order, some runs back to back (the mathematical digits), so the value is the
 * distance from the start of the run of digits, modulo ten.
 */
function digitValue(code: number): number {
  const known = digitValues.get(code);
  if (known !== undefined) return known;
  let first = code;
  while (DIGIT.test(String.fromCodePoint(first - 1))) first--;
  const value = (code - first) % 10;
  digitValues.set(code, value);
  return value;
}
