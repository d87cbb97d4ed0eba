import type { onRequestAsyncHookHandler } from 'fastify';
import type { Scope } from '../auth/index.js';
import type { ModelCatalog } from '../catalog/index.js';
import type { Redactor } from '../redaction/index.js';
import type { Memory } from '../memory/index.js';
import type { Metrics } from '../telemetry/index.js';
import type { Auditor } from '../audit/index.js';
import type { BreakGlass } from '../break-glass/index.js';
import type { MoatStore } from '../store/index.js';

/** What the routes are given by the server; built once per server. */
export interface ServerParts {
  catalog: ModelCatalog;
  metrics: Metrics;
  /** Applies redaction policy to content; absent when `redaction.enabled` is false. */
  redactor: Redactor | undefined;
  /** Saved memory; the memory routes and `store: true` need it. */
  memory: Memory;
  /** Largest document text saved, in UTF-8 bytes. */
  maxDocumentBytes: number;
  /** A route-level `onRequest` hook: keys are checked before the body is read. */
  requireScope: (scope: Scope | undefined) => onRequestAsyncHookHandler;
  /** Break-glass grants; absent when Moat runs without a master key. */
  breakGlass?: BreakGlass | undefined;
  /** Where actions are accounted for. */
  auditor: Auditor;
  store: MoatStore;
}
