import type { Detection, Detector } from '../detection.js';
import { hasContextBefore, textBefore, HAS_DIGIT } from '../text-context.js';

const SSN_CANDIDATE = /(?<![\p{N}-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\p{N}]|-\d)/gu;

const SSN_CONTEXT = ['ssn', 'ss#', 'ss #', 'social security', 'social sec', 'ss no', 'tax id'];
const OTHER_NUMBER_CONTEXT = [
  'part',
  'catalog',
  'order',
  'invoice',
  'sku',
  'model',
  'serial',
  'item',
  'tracking',
  'ticket',
  'product',
];

/** Confidence by what surrounds the number; policy's threshold decides which ones count. */
export const SSN_CONFIDENCE = {
  withSsnContext: 0.95,
  dashedWithoutContext: 0.6,
  withOtherNumberContext: 0.35,
  bareWithoutContext: 0.2,
} as const;

/**
 * US social security numbers. Areas 000, 666 and 900-999, group 00 and serial 0000 are
 * never issued, so they are not SSNs at all. Words such as "ssn" raise the confidence;
 * "part number" and the like lower it.
 */
export class SsnDetector implements Detector {
  readonly name = 'ssn';
  readonly classNames = ['US_SSN'] as const;

  detect(text: string): Detection[] {
    if (!HAS_DIGIT.test(text)) return [];
    const found: Detection[] = [];
    for (const match of text.matchAll(SSN_CANDIDATE)) {
      const [value, area = '', separator = '', group = '', serial = ''] = match;
      if (!isIssuable(area, group, serial)) continue;
      found.push({
        className: 'US_SSN',
        start: match.index,
        end: match.index + value.length,
        confidence: confidenceFor(text, match.index, separator),
      });
    }
    return found;
  }
}

function isIssuable(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  return group !== '00' && serial !== '0000';
}

function confidenceFor(text: string, start: number, separator: string): number {
  if (hasContextBefore(text, start, SSN_CONTEXT)) return SSN_CONFIDENCE.withSsnContext;
  if (OTHER_NUMBER_CONTEXT.some((word) => textBefore(text, start, 24).includes(word))) {
    return SSN_CONFIDENCE.withOtherNumberContext;
  }
  return separator === '' ? SSN_CONFIDENCE.bareWithoutContext : SSN_CONFIDENCE.dashedWithoutContext;
}
