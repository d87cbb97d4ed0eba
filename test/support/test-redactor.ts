import type { CountryCode } from 'libphonenumber-js/max';
import { createRedactor, type RedactionSettings } from '../../src/redaction/index.js';
import type { Redactor } from '../../src/redaction/index.js';

/** The default settings, as the configuration schema gives them. */
export const DEFAULT_SETTINGS: RedactionSettings = {
  phoneRegion: 'US',
  phoneFallbackRegions: ['GB', 'FR', 'DE', 'ES', 'IT', 'NL', 'CA', 'AU', 'IN'],
  minConfidence: 0.5,
  timeoutMs: 10_000,
  detectNames: true,
  policy: {},
  customClasses: [],
};

/** The default phone region and its fallbacks, in the order numbers are tried in them. */
export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = [
  DEFAULT_SETTINGS.phoneRegion,
  ...DEFAULT_SETTINGS.phoneFallbackRegions,
] as CountryCode[];

/** A redactor with the default settings and `changes` over them, for tests. */
export async function testRedactor(changes: Partial<RedactionSettings> = {}): Promise<Redactor> {
  return createRedactor({ ...DEFAULT_SETTINGS, ...changes });
}

/** The class names found in `text`, with the text of each finding, in order. */
export async function findingsIn(
  redactor: Redactor,
  text: string,
): Promise<{ className: string; value: string; confidence: number; region?: string }[]> {
  const found = await redactor.scan(text);
  return found.map((finding) => ({
    className: finding.className,
    value: text.slice(finding.start, finding.end),
    confidence: finding.confidence,
    ...(finding.region === undefined ? {} : { region: finding.region }),
  }));
}
