import type { CountryCode } from 'libphonenumber-js/max';
import type { Detector } from './detection.js';
import { CardDetector } from './detectors/card-detector.js';
import { CustomDetector, type CustomChecksum } from './detectors/custom-detector.js';
import { EmailDetector } from './detectors/email-detector.js';
import { IbanDetector } from './detectors/iban-detector.js';
import { IpDetector } from './detectors/ip-detector.js';
import { NameDetector } from './detectors/name-detector.js';
import { AddressDetector } from './detectors/address-detector.js';
import { PhoneDetector } from './detectors/phone-detector.js';
import { SecretDetector } from './detectors/secret-detector.js';
import { SsnDetector } from './detectors/ssn-detector.js';
import { UrlCredentialsDetector } from './detectors/url-credentials-detector.js';
import { BUILT_IN_CLASS_NAMES, type Direction, type PolicyAction } from './redaction-classes.js';
import { RedactionPolicy } from './redaction-policy.js';
import { Redactor } from './redactor.js';

/** The `redaction` section of the configuration, as the config part validated it. */
export interface RedactionSettings {
  phoneRegion: string;
  phoneFallbackRegions: readonly string[];
  minConfidence: number;
  timeoutMs: number;
  detectNames: boolean;
  policy: Readonly<Record<string, { [direction in Direction]?: PolicyAction | undefined }>>;
  customClasses: readonly {
    name: string;
    pattern: string;
    ignoreCase: boolean;
    checksum: CustomChecksum;
    contextWords: readonly string[];
    requireContext: boolean;
  }[];
}

/** The process's one redactor, built from configuration. */
export function createRedactor(settings: RedactionSettings): Redactor {
  const customNames = settings.customClasses.map((custom) => custom.name);
  const detectors: Detector[] = [
    new SecretDetector(),
    new UrlCredentialsDetector(),
    new CardDetector(),
    new IbanDetector(),
    new SsnDetector(),
    new EmailDetector(),
    new IpDetector(),
    new PhoneDetector({
      defaultRegion: settings.phoneRegion as CountryCode,
      fallbackRegions: settings.phoneFallbackRegions as CountryCode[],
    }),
    ...settings.customClasses.map(
      (custom) =>
        new CustomDetector({
          name: custom.name,
          pattern: custom.pattern,
          isCaseInsensitive: custom.ignoreCase,
          checksum: custom.checksum,
          contextWords: custom.contextWords.map((word) => word.toLowerCase()),
          isContextRequired: custom.requireContext,
        }),
    ),
  ];
  if (settings.detectNames) detectors.push(new AddressDetector(), new NameDetector());

  return new Redactor({
    detectors,
    classNames: [...BUILT_IN_CLASS_NAMES, ...customNames],
    timeoutMs: settings.timeoutMs,
    policy: new RedactionPolicy({
      overrides: settings.policy,
      minConfidence: settings.minConfidence,
      customClassNames: customNames,
    }),
  });
}
