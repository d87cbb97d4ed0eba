import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the chat page: `dist/web`, from src/ui or dist/ui alike. */
export const DEFAULT_WEB_ASSETS_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One built file, held in memory. */
export interface WebAsset {
  body: Buffer;
  contentType: string;
  /** Hashed file names never change content, so browsers may keep them. */
  isImmutable: boolean;
}

/**
 * The built page, read once at start-up into a table keyed by URL path. Requests are
 * answered from the table only, so no request path ever reaches the file system.
 */
export class WebAssets {
  readonly #byPath: ReadonlyMap<string, WebAsset>;

  private constructor(byPath: ReadonlyMap<string, WebAsset>) {
    this.#byPath = byPath;
  }

  /** Reads the folder; undefined when it has no index.html (the page was not built). */
  static load(folder: string = DEFAULT_WEB_ASSETS_DIR): WebAssets | undefined {
    if (!existsSync(join(folder, 'index.html'))) return undefined;

    const byPath = new Map<string, WebAsset>();
    for (const file of listFiles(folder)) {
      const contentType = CONTENT_TYPES[extname(file)];
      if (contentType === undefined) continue;
      const urlPath = `/${relative(folder, file).split(sep).join('/')}`;
      const isImmutable = urlPath.startsWith('/assets/');
      byPath.set(urlPath, { body: readFileSync(file), contentType, isImmutable });
    }
    return new WebAssets(byPath);
  }

  get(urlPath: string): WebAsset | undefined {
    return this.#byPath.get(urlPath);
  }

  get paths(): string[] {
    return [...this.#byPath.keys()];
  }
}

function listFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
