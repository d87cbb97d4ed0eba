/** The Luhn check used by payment cards and many account numbers. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/u.test(digits)) return false;
  let sum = 0;
  let isDoubled = false;

  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (isDoubled) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
    isDoubled = !isDoubled;
  }
  return sum % 10 === 0;
}

/**
 * ISO 7064 mod 97-10 as IBANs use it: the first four characters moved to the end, letters
 * as numbers from 10, and the whole number taken modulo 97 must be 1.
 */
export function passesMod97(value: string): boolean {
  const compact = value.replace(/[\s-]/gu, '').toUpperCase();
  if (!/^[A-Z0-9]{5,}$/u.test(compact)) return false;

  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const numeric = character >= 'A' ? String(character.charCodeAt(0) - 55) : character;
    for (const digit of numeric) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Shannon entropy in bits per character; a floor for values that should look random. */
export function entropyBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);

  let bits = 0;
  for (const count of counts.values()) {
    const share = count / value.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}
