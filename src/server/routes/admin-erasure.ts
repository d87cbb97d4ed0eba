import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { writtenReasonSchema } from '../../audit/index.js';
import { actorOfRequester } from '../../memory/index.js';
import { MoatError } from '../../errors/index.js';
import { requesterOf } from '../authenticate.js';
import type { ServerParts } from '../server-parts.js';
import { validateBody } from '../validate-body.js';

const ERASURE_FIELDS = ['owner_id', 'reason'];

/** The owner ids memory uses: an API key's id, or `user:<id>` for a chat page account. */
const OWNER_ID_PATTERN = /^(user:)?[A-Za-z0-9._-]{1,128}$/;

const erasureBodySchema = z.strictObject({
  owner_id: z
    .string()
    .regex(OWNER_ID_PATTERN, 'must be an owner id as GET /admin/memory/owners lists them'),
  reason: writtenReasonSchema,
});

/**
 * `POST /admin/erasures`: an administrator erases an owner's memory on request (a person's
 * right to erasure, a departing employee), with a written reason. The administrator gets the
 * signed receipt and never the content. An owner id with nothing stored answers 404.
 */
export function registerAdminErasure(app: FastifyInstance, parts: ServerParts): void {
  app.post(
    '/admin/erasures',
    { onRequest: parts.requireScope('admin') },
    async (request, reply) => {
      const body = validateBody(erasureBodySchema, request.body, ERASURE_FIELDS);
      const requestedBy = requesterOf(request);
      // A mistyped owner id must not look like a finished erasure.
      const store = parts.memory.store;
      const hasKey = (await store.keyring.findOwnerKey(body.owner_id)) !== undefined;
      const hasItems = (await store.memory.list(body.owner_id, 1)).length > 0;
      if (!hasKey && !hasItems) {
        throw new MoatError('not_found', {
          detail: 'No memory is stored for this owner id; see GET /admin/memory/owners.',
          param: 'owner_id',
        });
      }

      const receipt = await parts.memory.eraser.eraseOwner(body.owner_id, requestedBy);
      await parts.auditor.record({
        actor: { ...actorOfRequester(requestedBy), role: 'admin' },
        action: 'erasure.requested',
        targets: [`owner:${body.owner_id}`, `receipt:${receipt.payload.receiptId}`],
        outcome: 'ok',
        reason: body.reason,
      });
      return reply.code(200).send({ erased: true, receipt });
    },
  );
}
