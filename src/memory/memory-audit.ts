import {
  isAuditId,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditActor,
  type Auditor,
} from '../audit/index.js';
import { hashItemId, type DeletionKind, type DeletionReceipt } from './deletion-receipt.js';

/** The audit action each kind of deletion is recorded as. */
const DELETION_ACTIONS = {
  'item-deletion': 'memory.deleted',
  'owner-erasure': 'memory.erased',
  'retention-expiry': 'memory.swept',
  'capture-shred': 'break-glass.shredded',
} as const satisfies Record<DeletionKind, AuditAction>;

/**
 * Accounts for what memory does: which owner saved or lost which item, by whose request,
 * with which receipt. Ids and counts only: the audit log never sees a title or a word.
 * Items are named by the hash their receipts use, so an auditor can match a save to its
 * deletion and its receipt. Without an auditor (a command that only reads) it records
 * nothing.
 */
export class MemoryAudit {
  readonly #auditor: Auditor | undefined;

  constructor(auditor: Auditor | undefined) {
    this.#auditor = auditor;
  }

  async saved(ownerId: string, itemId: string): Promise<void> {
    await this.#auditor?.record({
      actor: actorOfOwner(ownerId),
      action: 'memory.saved',
      targets: [target('owner', ownerId), itemTarget(itemId)],
      outcome: 'ok',
    });
  }

  /** One entry per receipt: a single item is named by id, a larger erasure by its count. */
  async shredded(receipt: DeletionReceipt, itemIds: readonly string[]): Promise<void> {
    const { payload } = receipt;
    const items = itemIds.length === 1 ? [itemTarget(itemIds[0] ?? '')] : [];
    const actor = actorOfRequester(payload.requestedBy);
    // Someone other than the owner erasing through the API is an administrator.
    const isOwnersOwn = actorOfOwner(payload.ownerId).id === actor.id;
    await this.#auditor?.record({
      actor: actor.kind === 'key' && !isOwnersOwn ? { ...actor, role: 'admin' } : actor,
      action: DELETION_ACTIONS[payload.kind],
      targets: [
        target('owner', payload.ownerId),
        ...items,
        `items:${payload.items.count}`,
        target('receipt', payload.receiptId),
      ],
      outcome: 'ok',
    });
  }
}

/**
 * Who asked, from the requester a receipt names: `key:<id>`, `user:<id>`, `operator` or
 * `operator:<name>` (the command line), else Moat itself (the retention sweeper).
 */
export function actorOfRequester(requestedBy: string): AuditActor {
  const [kind, ...rest] = requestedBy.split(':');
  const id = rest.join(':');
  if ((kind === 'key' || kind === 'user') && isAuditId(id)) {
    return { kind, id, role: 'memory' };
  }
  if (kind === 'operator') {
    return { kind: 'operator', id: isAuditId(id) ? id : 'cli', role: 'operator' };
  }
  return SYSTEM_ACTOR;
}

/** An owner id is an API key's id, or `user:<id>` for a person of the chat page. */
function actorOfOwner(ownerId: string): AuditActor {
  return actorOfRequester(ownerId.startsWith('user:') ? ownerId : `key:${ownerId}`);
}

function itemTarget(itemId: string): string {
  return `memory-item:${hashItemId(itemId)}`;
}

function target(kind: string, id: string): string {
  return `${kind}:${isAuditId(id) ? id : 'unprintable'}`;
}
