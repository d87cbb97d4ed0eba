import type { FastifyRequest } from 'fastify';
import type { Auditor } from '../audit/index.js';
import { hashItemId } from '../memory/index.js';

/** What happened to memory, as the audit log records it. */
export type MemoryAuditEvent =
  { action: 'memory.saved' | 'memory.deleted'; itemId: string } | { action: 'memory.erased' };

/**
 * Records a save, deletion or erasure made over HTTP. Items are named by the hash their
 * receipts use, so an auditor can match a save to its deletion without the log holding an
 * id that opens anything; content never appears.
 */
export async function auditMemory(
  auditor: Auditor,
  request: FastifyRequest,
  event: MemoryAuditEvent,
): Promise<void> {
  const principal = request.moat.principal;
  const isUser = principal?.kind === 'user';
  const owner = `owner:${isUser ? `user:${principal.id}` : (principal?.id ?? 'anonymous')}`;
  const targets =
    event.action === 'memory.erased' ? [owner] : [owner, `memory-item:${hashItemId(event.itemId)}`];

  await auditor.record({
    actor: { kind: isUser ? 'user' : 'key', id: principal?.id ?? 'anonymous', role: 'memory' },
    action: event.action,
    targets,
    outcome: 'ok',
  });
}
