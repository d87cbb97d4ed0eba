import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Moat's Prometheus metrics. Every label value comes from a closed set chosen by Moat: route
 * patterns, HTTP methods and statuses, error codes from the code table, and model names from
 * the catalog. Nothing a caller sends becomes a label.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'moat_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'moat_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by route pattern.',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 'moat_http_requests_in_flight',
    help: 'Requests being answered right now.',
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'moat_errors_total',
    help: 'Error answers, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly timeToFirstToken = new Histogram({
    name: 'moat_time_to_first_token_seconds',
    help: 'Time from receiving a chat request to its first generated text, by model.',
    labelNames: ['model'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly tokens = new Counter({
    name: 'moat_tokens_total',
    help: 'Tokens processed, by model and kind (prompt or completion).',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });

  readonly breakGlassOpenGrants = new Gauge({
    name: 'moat_break_glass_open_grants',
    help: 'Break-glass grants capturing content right now.',
    registers: [this.registry],
  });

  readonly egressDenied = new Counter({
    name: 'moat_egress_denied_total',
    help: 'Connections and lookups the egress guard refused, by way out and reason.',
    labelNames: ['kind', 'reason'] as const,
    registers: [this.registry],
  });

  readonly redactions = new Counter({
    name: 'moat_redactions_total',
    help: 'Findings acted on by redaction policy, by class, direction and action. Never values.',
    labelNames: ['class', 'direction', 'action'] as const,
    registers: [this.registry],
  });

  readonly memoryItemsShredded = new Counter({
    name: 'moat_memory_items_shredded_total',
    help: 'Memory items whose key was destroyed, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly memoryItemsOverdue = new Gauge({
    name: 'moat_memory_items_overdue',
    help: 'Memory items past their expiry and not yet shredded, at the last sweep.',
    registers: [this.registry],
  });

  readonly memoryOldestOverdueSeconds = new Gauge({
    name: 'moat_memory_oldest_overdue_seconds',
    help: 'How long the oldest overdue memory item has been past its expiry, at the last sweep.',
    registers: [this.registry],
  });

  readonly memorySweeps = new Counter({
    name: 'moat_memory_sweeps_total',
    help: 'Retention sweeps run, by outcome (ok or failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'moat_' });
  }

  /** The exposition text for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
