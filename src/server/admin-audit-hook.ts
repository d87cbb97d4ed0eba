import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Auditor, AuditOutcome } from '../audit/index.js';

/**
 * Every call to an `/admin/…` route is audited once it has been answered, whoever made it
 * and however it ended: refused calls are what an auditor most wants to see. The entry names
 * the route pattern and method, never the URL as sent.
 */
export function installAdminAudit(app: FastifyInstance, auditor: Auditor): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/admin/')) return;
    await auditor.record({
      actor: {
        kind: request.moat.principal?.kind === 'user' ? 'user' : 'key',
        id: request.moat.principal?.id ?? 'anonymous',
        role: roleOf(request),
      },
      action: 'admin.request',
      targets: [`route:${request.method}:${route}`],
      outcome: outcomeOf(reply),
    });
  });
}

function roleOf(request: FastifyRequest): string {
  const scopes = request.moat.keyScopes;
  if (scopes === undefined) return 'none';
  if (scopes.includes('admin')) return 'admin';
  return scopes.includes('auditor') ? 'auditor' : 'other';
}

function outcomeOf(reply: FastifyReply): AuditOutcome {
  if (reply.statusCode < 400) return 'ok';
  return reply.statusCode < 500 ? 'refused' : 'failed';
}
