import { matchesActionFilter } from './audit-actions.js';
import type { AuditEntry } from './audit-entry.js';
import type { AuditLogStore } from './audit-log-store.js';

/** What `moat audit show` and `GET /admin/audit` filter by; every given field must match. */
export interface AuditFilter {
  /** An actor id, or `kind:id` (`key:abcd…`, `system:moat`). */
  actor?: string;
  /** An action (`key.created`) or a family (`break-glass`). */
  action?: string;
  /** A whole target (`key:abcd…`) or only its id part. */
  target?: string;
  since?: Date;
  until?: Date;
}

/** Entries are read from the store this many at a time. */
const PAGE_SIZE = 5000;

export function matchesAuditFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  const { actor, action, target, since, until } = filter;
  if (
    actor !== undefined &&
    actor !== entry.actor.id &&
    actor !== `${entry.actor.kind}:${entry.actor.id}`
  ) {
    return false;
  }
  if (action !== undefined && !matchesActionFilter(entry.action, action)) return false;
  if (target !== undefined && !entry.targets.some((found) => isTargetMatch(found, target))) {
    return false;
  }

  const timeMs = Date.parse(entry.time);
  if (since !== undefined && timeMs < since.getTime()) return false;
  return until === undefined || timeMs <= until.getTime();
}

/** Every entry in sequence order, page by page, so a long log is never held twice. */
export async function* readAuditEntries(
  store: Pick<AuditLogStore, 'read'>,
  range: { fromSeq?: number; toSeq?: number } = {},
): AsyncGenerator<AuditEntry> {
  let fromSeq = range.fromSeq ?? 1;
  for (;;) {
    const page = await store.read({ fromSeq, limit: PAGE_SIZE, ...optionalTo(range.toSeq) });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || last === undefined) return;
    fromSeq = last.seq + 1;
  }
}

/** The entries that match, oldest first, at most `limit`. */
export async function findAuditEntries(
  store: Pick<AuditLogStore, 'read'>,
  query: { filter: AuditFilter; limit: number },
): Promise<AuditEntry[]> {
  const found: AuditEntry[] = [];
  for await (const entry of readAuditEntries(store)) {
    if (!matchesAuditFilter(entry, query.filter)) continue;
    found.push(entry);
    if (found.length >= query.limit) break;
  }
  return found;
}

/** One line per entry for people: sequence, time, actor, action, outcome, targets, reason. */
export function formatAuditEntry(entry: AuditEntry): string {
  const actor = `${entry.actor.kind}:${entry.actor.id}(${entry.actor.role})`;
  const parts = [`#${entry.seq}`, entry.time, actor, entry.action, entry.outcome];
  if (entry.targets.length > 0) parts.push(entry.targets.join(','));
  if (entry.reason !== null) parts.push(`reason=${JSON.stringify(entry.reason)}`);
  return parts.join('  ');
}

function isTargetMatch(found: string, wanted: string): boolean {
  return found === wanted || found.slice(found.indexOf(':') + 1) === wanted;
}

function optionalTo(toSeq: number | undefined): { toSeq?: number } {
  return toSeq === undefined ? {} : { toSeq };
}
