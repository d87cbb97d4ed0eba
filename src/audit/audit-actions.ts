/**
 * Every action the audit log knows, with the one sentence `moat audit show` and the docs use
 * for it. An action is a dotted name whose first part is its family, so that
 * `--action break-glass` finds every break-glass step.
 */
export const AUDIT_ACTIONS = {
  'audit.started': 'Moat started and recorded the effective configuration hash',
  'audit.stopped': 'Moat is stopping; its closing checkpoint follows',
  'config.changed': 'The effective configuration differs from the last start; names changed keys',
  'key.created': 'An API key was created',
  'key.revoked': 'An API key was revoked',
  'key.used-after-revocation': 'A request presented the token of a revoked key',
  'key.master-rotated': 'The master key was replaced; owner, signing and epoch keys re-wrapped',
  'admin.request': 'An administrator or auditor route was called',
  'session.signed-in': 'A person signed in to the chat page',
  'session.sign-in-refused': 'A sign-in to the chat page was refused',
  'session.signed-out': 'A person signed out of the chat page',
  'erasure.requested': "An owner's data was erased on an administrator's request",
  'memory.saved': 'A memory item was saved',
  'memory.deleted': 'A memory item was deleted',
  'memory.erased': "All of an owner's memory was erased",
  'memory.swept': 'The retention sweeper removed expired items',
  'egress.rule-added': 'An egress rule was added',
  'egress.rule-changed': "An egress rule's ports, reason, approver or expiry changed",
  'egress.rule-removed': 'An egress rule was removed',
  'egress.rule-expired': 'An egress rule expired',
  'egress.refused': 'An outbound connection was refused',
  'backup.created': 'A backup was made',
  'backup.restored': 'A backup was restored',
  'catalog.changed': 'The model catalog changed',
  'break-glass.opened': 'A break-glass grant was opened',
  'break-glass.approved': 'A second administrator approved a break-glass grant',
  'break-glass.captured': 'A request and its answer were captured under a grant',
  'break-glass.read': "The grant's named reader read captured content",
  'break-glass.read-refused': 'Someone other than the named reader asked for captured content',
  'break-glass.closed': 'A break-glass grant was closed before its end',
  'break-glass.expired': 'A break-glass grant reached its end',
  'break-glass.shredded': "A grant's captured content was shredded",
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** How an audited action ended. */
export const AUDIT_OUTCOMES = ['ok', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who acts: an API key, a web user, Moat itself, or an operator at the command line. */
export const ACTOR_KINDS = ['key', 'user', 'system', 'operator'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

/** True when `action` is `filter` itself or belongs to the family `filter` names. */
export function matchesActionFilter(action: string, filter: string): boolean {
  return action === filter || action.startsWith(`${filter}.`);
}
