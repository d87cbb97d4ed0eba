import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { abortWhenClientLeaves } from '../client-abort.js';
import type { ServerParts } from '../server-parts.js';
import { unsupportedFieldError, validateBody } from '../validate-body.js';
import { findModel } from '../find-model.js';
import { captureExchange, findCaptureGrant } from '../capture-exchange.js';
import { protectInputs } from '../redact-content.js';

const embeddingRequestSchema = z.strictObject({
  model: z.string().min(1).max(256),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.unknown().optional(),
  user: z.string().max(256).nullish(),
});

const SUPPORTED_FIELDS = Object.keys(embeddingRequestSchema.shape).filter(
  (field) => field !== 'dimensions',
);

export function registerEmbeddings(app: FastifyInstance, parts: ServerParts): void {
  app.post('/v1/embeddings', { onRequest: parts.requireScope('chat') }, async (request, reply) => {
    const body = validateBody(embeddingRequestSchema, request.body, SUPPORTED_FIELDS);
    if (body.dimensions !== undefined && body.dimensions !== null) {
      throw unsupportedFieldError('dimensions');
    }
    const entry = findModel(parts.catalog, request, body.model);
    const given = typeof body.input === 'string' ? [body.input] : body.input;
    const inputs = await protectInputs(parts.redactor, request, given);

    const captureGrant = findCaptureGrant(parts.breakGlass, request, entry.name);
    const result = await entry.backend.embed(inputs, abortWhenClientLeaves(reply));
    if (captureGrant !== undefined && parts.breakGlass !== undefined) {
      await captureExchange(parts.breakGlass, request, { grant: captureGrant, answer: '' });
    }
    request.moat.promptTokens = result.promptTokens;
    parts.metrics.tokens.inc({ model: entry.name, kind: 'prompt' }, result.promptTokens);

    const isBase64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      data: result.vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: isBase64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
      })),
      model: entry.name,
      usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
    };
  });
}
