/**
 * Which methods each route answers, so that a known path asked with the wrong method gets a
 * 405 with an `Allow` header (RFC 9110, section 15.5.6) rather than a 404.
 */
export class RouteMethods {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];

  /** Records a route as Fastify registers it (`/v1/models/:model`). */
  add(url: string, methods: string | readonly string[]): void {
    const pattern = patternOf(url);
    let route = this.#routes.find((candidate) => candidate.pattern.source === pattern.source);
    if (route === undefined) {
      route = { pattern, methods: new Set() };
      this.#routes.push(route);
    }
    for (const method of typeof methods === 'string' ? [methods] : methods)
      route.methods.add(method);
  }

  /** The methods that some route allows for this path; empty when no route has the path. */
  allowedFor(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.#routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}$`);
}
