import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findAuditEntries, type AuditFilter } from '../../audit/index.js';
import type { ServerParts } from '../server-parts.js';
import { validateQuery } from '../validate-body.js';

const auditQuerySchema = z.strictObject({
  actor: z.string().min(1).max(140).optional(),
  action: z.string().min(1).max(64).optional(),
  target: z.string().min(1).max(200).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** `GET /admin/audit`: the audit log, for the auditor scope only. */
export function registerAdminAudit(app: FastifyInstance, parts: ServerParts): void {
  app.get('/admin/audit', { onRequest: parts.requireScope('auditor') }, async (request) => {
    const query = validateQuery(
      auditQuerySchema,
      request.query,
      Object.keys(auditQuerySchema.shape),
    );
    const filter: AuditFilter = {};
    if (query.actor !== undefined) filter.actor = query.actor;
    if (query.action !== undefined) filter.action = query.action;
    if (query.target !== undefined) filter.target = query.target;
    if (query.since !== undefined) filter.since = new Date(query.since);
    if (query.until !== undefined) filter.until = new Date(query.until);

    const entries = await findAuditEntries(parts.store.audit, { filter, limit: query.limit });
    return { object: 'list', data: entries };
  });
}
