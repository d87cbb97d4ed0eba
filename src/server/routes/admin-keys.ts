import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditActor } from '../../audit/index.js';
import { createApiKey, isApiKeyId } from '../../auth/index.js';
import { MoatError } from '../../errors/index.js';
import type { ApiKeyRecord } from '../../store/index.js';
import type { ServerParts } from '../server-parts.js';
import { validateBody } from '../validate-body.js';

const createKeySchema = z.strictObject({
  name: z.string().min(1).max(64),
  scopes: z.array(z.string().max(32)).min(1).max(8),
});

/** `/admin/keys`: list, create and revoke API keys. Tokens are shown once, on creation. */
export function registerAdminKeys(app: FastifyInstance, parts: ServerParts): void {
  const onRequest = parts.requireScope('admin');

  app.get('/admin/keys', { onRequest }, async () => {
    const records = await parts.store.apiKeys.list();
    return { object: 'list', data: records.map(toPublicKey) };
  });

  app.post('/admin/keys', { onRequest }, async (request, reply) => {
    const body = validateBody(createKeySchema, request.body, ['name', 'scopes']);
    const created = await createApiKey(parts.store, body);
    await parts.auditor.record({
      actor: adminActor(request),
      action: 'key.created',
      targets: [`key:${created.id}`],
      outcome: 'ok',
    });
    return reply.code(201).send({ ...toPublicKey(created.record), token: created.token });
  });

  app.delete('/admin/keys/:id', { onRequest }, async (request) => {
    const { id } = request.params as { id: string };
    const record = isApiKeyId(id) ? await parts.store.apiKeys.findById(id) : undefined;
    if (record === undefined) {
      throw new MoatError('not_found', { detail: 'No API key has this id.', param: 'id' });
    }

    const isRevoked = await parts.store.apiKeys.revoke(id, new Date());
    if (isRevoked) {
      await parts.auditor.record({
        actor: adminActor(request),
        action: 'key.revoked',
        targets: [`key:${id}`],
        outcome: 'ok',
      });
    }
    return { id, revoked: true };
  });
}

/** The caller of an admin route, as the audit log names it. */
export function adminActor(request: FastifyRequest, role = 'admin'): AuditActor {
  return { kind: 'key', id: request.moat.keyId ?? 'anonymous', role };
}

/** What may be shown of a key: everything but its hash. */
function toPublicKey(record: ApiKeyRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    scopes: record.scopes,
    createdAt: record.createdAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}
