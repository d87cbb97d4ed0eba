import type { CountryCode } from 'libphonenumber-js/max';
import type { Detector } from '../detection.js';
import { CardDetector } from './card-detector.js';
import { CustomDetector } from './custom-detector.js';
import { EmailDetector } from './email-detector.js';
import { IbanDetector } from './iban-detector.js';
import { IpDetector } from './ip-detector.js';
import { NameDetector } from './name-detector.js';
import { AddressDetector } from './address-detector.js';
import { PhoneDetector } from './phone-detector.js';
import { SecretDetector } from './secret-detector.js';
import { SsnDetector } from './ssn-detector.js';
import { UrlCredentialsDetector } from './url-credentials-detector.js';

import type { RedactionSettings } from '../redaction-settings.js';

/** Every detector the settings ask for. */
export function buildDetectors(settings: RedactionSettings): Detector[] {
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
  return detectors;
}
