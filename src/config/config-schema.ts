import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { egressSchema } from '../egress/index.js';
import { BUILT_IN_CLASS_NAMES } from '../redaction/index.js';

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

const policyActionSchema = z.enum(['allow', 'mask', 'pseudonymize', 'block']);

const classPolicySchema = z.strictObject({
  /** What happens to the class on its way to the model. */
  model: policyActionSchema.optional(),
  /** What happens to the class on its way into saved memory. */
  memory: policyActionSchema.optional(),
  /** What happens to the class in answers on their way back to the caller. */
  caller: policyActionSchema.optional(),
});

const className = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,39}$/, 'use 1-40 upper-case letters, digits or "_"');

const customClassSchema = z.strictObject({
  /** Class name and placeholder label, e.g. CUSTOMER_ID. */
  name: className,
  /** A JavaScript regular expression (Unicode mode) matching the value. */
  pattern: z.string().min(1).max(1000),
  /** Match letters in either case. @default false */
  ignoreCase: z.boolean().default(false),
  /** A check each match must pass. @default "none" */
  checksum: z.enum(['none', 'luhn', 'mod97']).default('none'),
  /** Words that, shortly before a match, raise its confidence. @default [] */
  contextWords: z.array(z.string().min(1).max(64)).max(64).default([]),
  /** Count a match only when a context word precedes it. @default false */
  requireContext: z.boolean().default(false),
});

const regionSchema = z.string().regex(/^[A-Z]{2}$/, 'use a two-letter region code such as US');

const redactionSchema = z
  .strictObject({
    /** Scan content for personal data and secrets and apply policy. @default true */
    enabled: z.boolean().default(true),
    /** Region for phone numbers written without a country code. @default "US" */
    phoneRegion: regionSchema.default('US'),
    /** Regions tried next for such numbers. @default ["GB","FR","DE","ES","IT","NL","CA","AU","IN"] */
    phoneFallbackRegions: z
      .array(regionSchema)
      .max(50)
      .default(['GB', 'FR', 'DE', 'ES', 'IT', 'NL', 'CA', 'AU', 'IN']),
    /** Findings less sure than this (0-1) are ignored. @default 0.5 */
    minConfidence: z.number().min(0).max(1).default(0.5),
    /** Longest time one scan may take; past it the request is refused. @default 10000 */
    timeoutMs: wholeNumber(10, 600_000).default(10_000),
    /** Find person names and street addresses (word lists, in process). @default true */
    detectNames: z.boolean().default(true),
    /** Actions by class name, over the defaults. @default {} */
    policy: z.record(z.string(), classPolicySchema).default({}),
    /** Operator-defined classes. @default [] */
    customClasses: z.array(customClassSchema).max(100).default([]),
  })
  .superRefine((redaction, context) => {
    const known = new Set([...BUILT_IN_CLASS_NAMES, ...redaction.customClasses.map((c) => c.name)]);
    for (const name of Object.keys(redaction.policy)) {
      if (known.has(name)) continue;
      context.addIssue({
        code: 'custom',
        path: ['policy', name],
        message: `is not a known class; use one of ${[...known].join(', ')}`,
      });
    }
    const taken = new Set<string>(BUILT_IN_CLASS_NAMES);
    redaction.customClasses.forEach((custom, index) => {
      // One name, one class: policy and placeholders are keyed by it.
      if (taken.has(custom.name)) {
        context.addIssue({
          code: 'custom',
          path: ['customClasses', index, 'name'],
          message: (BUILT_IN_CLASS_NAMES as readonly string[]).includes(custom.name)
            ? 'is a built-in class; choose another name'
            : 'is the name of an earlier custom class; choose another name',
        });
      }
      taken.add(custom.name);
      const problem = patternProblem(custom.pattern);
      if (problem !== undefined) {
        context.addIssue({
          code: 'custom',
          path: ['customClasses', index, 'pattern'],
          message: problem,
        });
      }
      // Without a word to look for, a class that needs one would never find anything.
      if (custom.requireContext && custom.contextWords.length === 0) {
        context.addIssue({
          code: 'custom',
          path: ['customClasses', index, 'requireContext'],
          message: 'needs at least one word in contextWords',
        });
      }
    });
  });

/** Why an operator's pattern cannot be used, in words that never quote it. */
function patternProblem(pattern: string): string | undefined {
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'u');
  } catch {
    return 'is not a valid JavaScript regular expression in Unicode mode';
  }
  return compiled.test('') ? 'must not match empty text' : undefined;
}
const keysSchema = z.strictObject({
  /** A file holding the master key (base64, mode 0600). MOAT_MASTER_KEY is the alternative. */
  masterKeyFile: z.string().min(1).optional(),
  /** Backup epoch keys and destroyed key ids. @default "<dataDir>/epoch-keys.json" */
  epochKeyFile: z.string().min(1).optional(),
  /** Length of one backup epoch. @default 86400 (a day) */
  backupEpochSeconds: wholeNumber(1, 31_536_000).default(86_400),
  /** How long after its epoch ends a keyring backup stays restorable. @default 604800 */
  backupKeepSeconds: wholeNumber(0, 315_360_000).default(604_800),
});

const retentionRuleSchema = z.strictObject({
  defaultDays: wholeNumber(1, 36_500).optional(),
  maxDays: wholeNumber(1, 36_500).optional(),
});

const retentionSchema = z.strictObject({
  /** @default 30 */
  defaultDays: wholeNumber(1, 36_500).default(30),
  /** @default 365 */
  maxDays: wholeNumber(1, 36_500).default(365),
  kinds: z
    .strictObject({
      chat: retentionRuleSchema.optional(),
      document: retentionRuleSchema.optional(),
    })
    .default({}),
  /** @default { personal: { maxDays: 90 } } */
  dataClasses: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'use 1-32 of a-z, 0-9, "_", "-"'),
      retentionRuleSchema,
    )
    .default({ personal: { maxDays: 90 } }),
});

const memorySchema = z.strictObject({
  retention: retentionSchema.default(retentionSchema.parse({})),
  /** Largest document text saved, in bytes of UTF-8. @default 1048576 */
  maxDocumentBytes: wholeNumber(1, 64 * 1024 * 1024).default(1024 * 1024),
  /** How often the retention sweeper runs. @default 60 */
  sweepIntervalSeconds: wholeNumber(1, 86_400).default(60),
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
  keys: keysSchema.default(keysSchema.parse({})),
  memory: memorySchema.default(memorySchema.parse({})),
  log: logSchema.default(logSchema.parse({})),
  engine: engineSchema.default(engineSchema.parse({})),
  breakGlass: breakGlassSchema.default(breakGlassSchema.parse({})),
  web: webSchema.default(webSchema.parse({})),
  redaction: redactionSchema.default(redactionSchema.parse({})),
  /** The catalog. Empty means: serve the generated demo model. @default [] */
  models: z.array(modelConfigSchema).max(256).default([]),
  /** What Moat may connect to; nothing else, loopback included. @default { allow: [] } */
  egress: egressSchema.default(egressSchema.parse({})),
});

export type MoatConfig = z.infer<typeof configSchema>;
export type WebConfig = z.infer<typeof webSchema>;
export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type RedactionConfig = z.infer<typeof redactionSchema>;
export type EmbeddedModelConfig = z.infer<typeof embeddedModelSchema>;
export type UpstreamModelConfig = z.infer<typeof upstreamModelSchema>;
