import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { egressSchema } from '../egress/index.js';

/**
 * A whole number within bounds, with one message for every way a value can miss (wrong
 * type, a fraction, out of range), so the range is named even when the type is wrong.
 */
function wholeNumber(min: number, max: number): z.ZodNumber {
  return z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int()
    .min(min)
    .max(max);
}

const portSchema = wholeNumber(0, 65535);
const nameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._:-]{0,63}$/, 'use 1-64 letters, digits, ".", "_", ":" or "-"');

const tlsSchema = z.strictObject({
  /** PEM certificate chain file. */
  certFile: z.string().min(1),
  /** PEM private key file. */
  keyFile: z.string().min(1),
});

const serverSchema = z.strictObject({
  /** @default "127.0.0.1" */
  host: z.string().min(1).default('127.0.0.1'),
  /** @default 8787 */
  port: portSchema.default(8787),
  /** Serve plain HTTP on a non-loopback address. @default false */
  allowInsecureHttp: z.boolean().default(false),
  /** Largest request body accepted. @default 1048576 */
  maxBodyBytes: wholeNumber(1024, 64 * 1024 * 1024).default(1024 * 1024),
  /** How long a client may take to send a whole request (headers and body). @default 30000 */
  receiveTimeoutMs: wholeNumber(1000, 3_600_000).default(30_000),
  tls: tlsSchema.optional(),
});

const logSchema = z.strictObject({
  /** @default "info" */
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Append the log to this file instead of standard output. */
  file: z.string().min(1).optional(),
});

const engineSchema = z.strictObject({
  /** CPU threads for the in-process engine. @default the machine's core count */
  threads: wholeNumber(1, 1024).default(availableParallelism()),
  /** Tokens of context per sequence. @default 2048 */
  contextSize: wholeNumber(64, 1_048_576).default(2048),
  /** Requests one embedded model answers at the same time. @default 2 */
  parallelSequences: wholeNumber(1, 64).default(2),
  /** Requests that may wait for a busy embedded model; more get `model_busy`. @default 64 */
  maxQueuedRequests: wholeNumber(0, 100_000).default(64),
});

const proxyIdentitySchema = z.strictObject({
  /** Request header that carries the signed-in person's name, set by the proxy. */
  header: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'use a lowercase header name')
    .refine((name) => !['cookie', 'authorization', 'host'].includes(name), 'use another header'),
  /** Addresses the proxy connects from; the header is ignored from any other address. */
  trustedAddresses: z.array(z.ipv4().or(z.ipv6())).min(1).max(64),
});

const webSchema = z.strictObject({
  /** Serve the chat page at `/`. @default true */
  enabled: z.boolean().default(true),
  /** How long a sign-in lasts, from sign-in. @default 720 */
  sessionTtlMinutes: wholeNumber(5, 43_200).default(720),
  /** Trust a reverse proxy's identity header instead of passwords. */
  proxyIdentity: proxyIdentitySchema.optional(),
});

const modelBaseShape = {
  name: nameSchema,
  /** Most tokens an answer may have when the caller does not say. @default 256 */
  defaultMaxTokens: wholeNumber(1, 131_072).default(256),
};

const embeddedModelSchema = z.strictObject({
  ...modelBaseShape,
  backend: z.literal('embedded'),
  /** Path to a GGUF file. */
  file: z.string().min(1),
  /** Expected SHA-256 of the file, hex; the model is refused when it differs. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'use 64 lowercase hex characters')
    .optional(),
});

const upstreamModelSchema = z.strictObject({
  ...modelBaseShape,
  backend: z.literal('upstream'),
  /** Base URL of an OpenAI-compatible API, ending in /v1 (Ollama, llama.cpp server, vLLM). */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** The model's name on the upstream server. @default the model's name */
  upstreamModel: z.string().min(1).max(256).optional(),
  /** Name of an environment variable holding the upstream's API key, if it needs one. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'use an environment variable name')
    .optional(),
  /** How long to wait for the upstream's first byte. @default 120000 */
  timeoutMs: wholeNumber(100, 3_600_000).default(120_000),
  /** Most open connections to the upstream. @default 128 */
  maxConnections: wholeNumber(1, 4096).default(128),
  /** Largest whole answer read from the upstream; larger ones are refused. @default 16 MiB */
  maxResponseBytes: wholeNumber(1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
});

const storeSchema = z.strictObject({
  /**
   * A PostgreSQL database, `postgres://user@host:5432/name`. Unset means the embedded SQLite
   * file `moat.db` in the data folder.
   */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'use a postgres:// or postgresql:// URL')
    .optional(),
});

const breakGlassSchema = z.strictObject({
  /** A second administrator must approve a grant before it captures anything. @default false */
  requireSecondAdmin: z.boolean().default(false),
  /** Hours captured content is kept, counted from the grant's opening, then shredded. @default 24 */
  retentionHours: wholeNumber(1, 24).default(24),
});

export const modelConfigSchema = z.discriminatedUnion('backend', [
  embeddedModelSchema,
  upstreamModelSchema,
]);

export const configSchema = z.strictObject({
  /** Where Moat keeps its key store and the demo model. @default "./.moat" */
  dataDir: z.string().min(1).default('.moat'),
  server: serverSchema.default(serverSchema.parse({})),
  store: storeSchema.default(storeSchema.parse({})),
  log: logSchema.default(logSchema.parse({})),
  engine: engineSchema.default(engineSchema.parse({})),
  breakGlass: breakGlassSchema.default(breakGlassSchema.parse({})),
  web: webSchema.default(webSchema.parse({})),
  /** The catalog. Empty means: serve the generated demo model. @default [] */
  models: z.array(modelConfigSchema).max(256).default([]),
  /** What Moat may connect to; nothing else, loopback included. @default { allow: [] } */
  egress: egressSchema.default(egressSchema.parse({})),
});

export type MoatConfig = z.infer<typeof configSchema>;
export type WebConfig = z.infer<typeof webSchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type EmbeddedModelConfig = z.infer<typeof embeddedModelSchema>;
export type UpstreamModelConfig = z.infer<typeof upstreamModelSchema>;
