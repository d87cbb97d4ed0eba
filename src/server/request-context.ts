import type { Scope } from '../auth/index.js';
import type { RedactionSession } from '../redaction/index.js';

/** The owner of whatever a request reads or stores: a key's id or a person's id. */
export interface Principal {
  kind: 'api-key' | 'user';
  id: string;
}

/** What Moat learns about a request while answering it; the access log is built from it. */
export interface RequestContext {
  requestId: string;
  startedAtMs: number;
  keyId?: string;
  /** The scopes of the key or session that authenticated the request; never logged. */
  keyScopes?: readonly Scope[];
  /** True when a break-glass grant captured this request. */
  isCaptured?: boolean;
  /** The chat page's signed-in person, when the request came with a session. */
  userId?: string;
  /** Who the request acts for: an API key, or a person signed in to the chat page. */
  principal?: Principal;
  /** A catalog model name, set only once the name is known to be in the catalog. */
  model?: string;
  isStream?: boolean;
  timeToFirstTokenMs?: number;
  promptTokens?: number;
  /**
   * Generated tokens. For a stream the client left early, the number of text pieces it was
   * sent: each is usually one token, and the engine's own count never arrives.
   */
  completionTokens?: number;
  errorCode?: string;
  /** The request's redaction session; its counts (never values) go to metrics and the log. */
  redaction?: RedactionSession;
  /** For internal errors only: the class name of what was thrown, to find it in the code. */
  errorName?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    moat: RequestContext;
  }
}
