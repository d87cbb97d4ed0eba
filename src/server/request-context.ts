import type { TokenUsage } from '../inference/index.js';

/** What Moat learns about a request while answering it; the access log is built from it. */
export interface RequestContext {
  requestId: string;
  startedAtMs: number;
  keyId?: string;
  /** A catalog model name, set only once the name is known to be in the catalog. */
  model?: string;
  isStream?: boolean;
  timeToFirstTokenMs?: number;
  usage?: TokenUsage;
  errorCode?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    moat: RequestContext;
  }
}
