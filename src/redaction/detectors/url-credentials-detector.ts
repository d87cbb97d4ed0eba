import type { Detection, Detector } from '../detection.js';

/**
 * `scheme://user:password@host`: the user and password part is the finding. The user may be
 * left out (`redis://:password@host`), and the password runs to the last `@` before the
 * host, since one written unencoded may hold `@` itself.
 */
const URL_WITH_CREDENTIALS = /\b[a-z][a-z0-9+.-]{1,30}:\/\/([^\s:/@]{0,256}):([^\s/]{1,256})@/giu;

/** URLs that carry a user name and password, as connection strings often do. */
export class UrlCredentialsDetector implements Detector {
  readonly name = 'url-credentials';
  readonly classNames = ['URL_CREDENTIALS'] as const;

  detect(text: string): Detection[] {
    if (!text.includes('://')) return [];
    const found: Detection[] = [];

    for (const match of text.matchAll(URL_WITH_CREDENTIALS)) {
      const credentials = `${match[1] ?? ''}:${match[2] ?? ''}`;
      const start = match.index + match[0].length - 1 - credentials.length;
      found.push({
        className: 'URL_CREDENTIALS',
        start,
        end: start + credentials.length,
        confidence: 0.95,
      });
    }
    return found;
  }
}
