import { randomBytes } from 'node:crypto';
import {
  findAuditEntries,
  SYSTEM_ACTOR,
  type AuditAction,
  type AuditActor,
  type Auditor,
} from '../audit/index.js';
import { MoatError } from '../errors/index.js';
import type { BreakGlassGrant, MoatStore } from '../store/index.js';
import {
  describeGrant,
  grantStatus,
  isCapturing,
  type OpenGrantBody,
} from './break-glass-grant.js';
import type { CaptureVault, CapturedExchange, OpenedCapture } from './capture-vault.js';

/** What policy says about grants. */
export interface BreakGlassPolicy {
  /** A second administrator must approve a grant before it captures anything. */
  isSecondAdminRequired: boolean;
  /** Captured content is shredded this long after the grant was opened; at most 24. */
  retentionHours: number;
}

export interface BreakGlassOptions {
  /**
   * The audit log tells who made a key, so that no one approves or reads with a key of their
   * own making.
   */
  store: Pick<MoatStore, 'apiKeys' | 'breakGlass' | 'audit'>;
  auditor: Auditor;
  vault: CaptureVault;
  policy: BreakGlassPolicy;
  /** Model names a grant may name. */
  modelNames: readonly string[];
  /** Told the number of open grants whenever it is counted again. */
  onOpenCount?: (count: number) => void;
  /** How often grants are read again, so that other replicas' grants apply here. @default 2000 */
  refreshMs?: number;
  /** @default () => new Date() */
  clock?: () => Date;
}

/** The grant steps recorded with the grant's subject and reader as targets. */
type GrantAction = Extract<
  AuditAction,
  | 'break-glass.opened'
  | 'break-glass.approved'
  | 'break-glass.closed'
  | 'break-glass.expired'
  | 'break-glass.read'
  | 'break-glass.read-refused'
>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Break-glass grants: the only way Moat records content. A grant captures the traffic of
 * one key or one model for at most an hour, for a reader it names, and its captures are
 * shredded with a signed receipt at most 24 hours after it was opened. Every step is
 * audited. Grants are kept in the store and their state follows from their times, so they
 * end on time across restarts and replicas.
 */
export class BreakGlass {
  readonly #options: BreakGlassOptions;
  readonly #clock: () => Date;
  #live: BreakGlassGrant[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(options: BreakGlassOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Reads the grants, records what ended while Moat was down, and keeps both current. */
  async start(): Promise<void> {
    await this.tick();
    this.#timer = setInterval(() => {
      void this.tick().catch(() => undefined);
    }, this.#options.refreshMs ?? 2000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One round: ends and shreds what is due, then reads the grants again. */
  async tick(): Promise<void> {
    await this.sweep();
    await this.#refresh();
  }

  async open(openedBy: string, body: OpenGrantBody): Promise<BreakGlassGrant> {
    await this.#checkReader(openedBy, body.readerKeyId);
    await this.#checkSubject(body);

    const now = this.#clock();
    const id = `bg_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
    const captureKey = this.#options.vault.newCaptureKey(id);
    const grant: BreakGlassGrant = {
      id,
      subjectKind: body.keyId === undefined ? 'model' : 'key',
      subjectId: body.keyId ?? body.model ?? '',
      reason: body.reason,
      openedBy,
      readerKeyId: body.readerKeyId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + body.durationMinutes * MINUTE_MS),
      isAwaitingApproval: this.#options.policy.isSecondAdminRequired,
      approvedBy: null,
      closedAt: null,
      shredAt: new Date(now.getTime() + this.#options.policy.retentionHours * HOUR_MS),
      shreddedAt: null,
      endRecordedAt: null,
      wrappedCaptureKey: captureKey.wrapped,
      captureKeyId: captureKey.keyId,
      receipt: null,
    };

    await this.#options.store.breakGlass.insertGrant(grant);
    await this.#record({
      actor: adminActor(openedBy),
      action: 'break-glass.opened',
      grant,
      reason: body.reason,
    });
    await this.#refresh();
    return grant;
  }

  async approve(approvedBy: string, grantId: string): Promise<BreakGlassGrant> {
    const grant = await this.#find(grantId);
    if (await this.#isOfOpenersMaking(approvedBy, grant.openedBy)) {
      throw new MoatError('invalid_request', {
        detail:
          'A grant must be approved by a second administrator, not the one who opened it ' +
          'or a key that administrator made (or that such a key made).',
      });
    }
    if (!(await this.#options.store.breakGlass.approve(grantId, approvedBy))) {
      throw new MoatError('invalid_request', { detail: 'The grant is not awaiting approval.' });
    }

    await this.#record({ actor: adminActor(approvedBy), action: 'break-glass.approved', grant });
    await this.#refresh();
    return this.#find(grantId);
  }

  async close(closedBy: string, grantId: string): Promise<BreakGlassGrant> {
    const grant = await this.#find(grantId);
    if (await this.#options.store.breakGlass.close(grantId, this.#clock())) {
      await this.#record({ actor: adminActor(closedBy), action: 'break-glass.closed', grant });
    }
    await this.#refresh();
    return this.#find(grantId);
  }

  async list(): Promise<Record<string, unknown>[]> {
    const grants = await this.#options.store.breakGlass.listGrants();
    return grants.map((grant) => describeGrant(grant, this.#clock()));
  }

  describe(grant: BreakGlassGrant): Record<string, unknown> {
    return describeGrant(grant, this.#clock());
  }

  /** The open grant that captures this request, if any; answered from memory, at once. */
  capturing(request: { keyId: string | undefined; model: string }): BreakGlassGrant | undefined {
    const now = this.#clock();
    return this.#live.find((grant) => isCapturing(grant, request, now));
  }

  /** How many grants capture right now; shown in `/metrics` and the access log. */
  openCount(): number {
    const now = this.#clock();
    return this.#live.filter((grant) => grantStatus(grant, now) === 'open').length;
  }

  async capture(grant: BreakGlassGrant, exchange: CapturedExchange): Promise<void> {
    const captureId = await this.#options.vault.capture(grant, exchange, this.#clock());
    await this.#options.auditor.record({
      actor: SYSTEM_ACTOR,
      action: 'break-glass.captured',
      targets: [`grant:${grant.id}`, `capture:${captureId}`],
      outcome: 'ok',
    });
  }

  /** Captured content, for the grant's named reader only; anyone else is refused and audited. */
  async read(readerKeyId: string, grantId: string): Promise<OpenedCapture[]> {
    const grant = await this.#find(grantId);
    const actor: AuditActor = { kind: 'key', id: readerKeyId, role: 'reader' };
    if (grant.readerKeyId !== readerKeyId) {
      await this.#record({ actor, action: 'break-glass.read-refused', grant, outcome: 'refused' });
      throw new MoatError('insufficient_scope', {
        detail: 'Only the reader a grant names may read what it captured.',
      });
    }
    if (grant.shreddedAt !== null) {
      throw new MoatError('not_found', { detail: "The grant's captures have been shredded." });
    }

    const captures = await this.#options.vault.openAll(grant);
    await this.#record({ actor, action: 'break-glass.read', grant });
    return captures;
  }

  /** Records grants that reached their end, and shreds captures that are due. */
  async sweep(): Promise<void> {
    const now = this.#clock();
    for (const grant of await this.#options.store.breakGlass.listGrants()) {
      if (grantStatus(grant, now) === 'expired' && grant.endRecordedAt === null) {
        if (await this.#options.store.breakGlass.markEndRecorded(grant.id, now)) {
          await this.#record({ actor: SYSTEM_ACTOR, action: 'break-glass.expired', grant });
        }
      }
      if (grant.shreddedAt === null && now.getTime() >= grant.shredAt.getTime()) {
        await this.shred(grant);
      }
    }
  }

  /** Shreds a grant's captures now, with a receipt; returns the receipt, or undefined. */
  async shred(grant: BreakGlassGrant): Promise<string | undefined> {
    const done = await this.#options.vault.shred(grant, this.#clock());
    if (done === undefined) return undefined;
    await this.#options.auditor.record({
      actor: SYSTEM_ACTOR,
      action: 'break-glass.shredded',
      targets: [
        `grant:${grant.id}`,
        `captures:${done.captureCount}`,
        `key-id:${grant.captureKeyId}`,
      ],
      outcome: 'ok',
    });
    return done.receipt;
  }

  async #refresh(): Promise<void> {
    const now = this.#clock();
    const grants = await this.#options.store.breakGlass.listGrants();
    this.#live = grants.filter((grant) => {
      const status = grantStatus(grant, now);
      return status === 'open' || status === 'pending';
    });
    this.#options.onOpenCount?.(this.openCount());
  }

  async #find(grantId: string): Promise<BreakGlassGrant> {
    const grant = /^bg_[A-Za-z0-9]{12}$/.test(grantId)
      ? await this.#options.store.breakGlass.findGrant(grantId)
      : undefined;
    if (grant === undefined) throw new MoatError('not_found', { detail: 'No grant has this id.' });
    return grant;
  }

  async #checkReader(openedBy: string, readerKeyId: string): Promise<void> {
    const reader = await this.#options.store.apiKeys.findById(readerKeyId);
    const problem =
      reader === undefined || reader.revokedAt !== null
        ? 'is not an active API key'
        : reader.scopes.includes('admin')
          ? 'holds the admin scope: administrators may not read captured content'
          : readerKeyId === openedBy
            ? 'is the opener'
            : (await this.#isOfOpenersMaking(readerKeyId, openedBy))
              ? 'was made by the opener, or by a key the opener made; name a key someone else made'
              : undefined;
    if (problem !== undefined) {
      throw new MoatError('invalid_request', {
        detail: `The reader ${problem}.`,
        param: 'readerKeyId',
      });
    }
  }

  /**
   * True when `keyId` is the opener's own key, or was made by it, or by a key it made, and
   * so on back: the audit log's `key.created` entries are followed to a key that the
   * operator or Moat itself made. One administrator must not approve or read their own
   * grant through a chain of keys of their own making.
   */
  async #isOfOpenersMaking(keyId: string, openedBy: string): Promise<boolean> {
    const makers = await this.#keyMakers();
    const seen = new Set<string>();
    for (let current: string | undefined = keyId; current !== undefined;) {
      if (current === openedBy) return true;
      if (seen.has(current)) return false;
      seen.add(current);
      current = makers.get(current);
    }
    return false;
  }

  /** Key id to the key id that made it, for keys made through the admin API. */
  async #keyMakers(): Promise<Map<string, string>> {
    const created = await findAuditEntries(this.#options.store.audit, {
      filter: { action: 'key.created' },
      limit: Number.MAX_SAFE_INTEGER,
    });
    const makers = new Map<string, string>();
    for (const entry of created) {
      const made = entry.targets.find((target) => target.startsWith('key:'))?.slice(4);
      if (made !== undefined && entry.actor.kind === 'key') makers.set(made, entry.actor.id);
    }
    return makers;
  }

  async #checkSubject(body: OpenGrantBody): Promise<void> {
    if (body.model !== undefined && !this.#options.modelNames.includes(body.model)) {
      throw new MoatError('model_not_found', { param: 'model' });
    }
    if (
      body.keyId !== undefined &&
      (await this.#options.store.apiKeys.findById(body.keyId)) === undefined
    ) {
      throw new MoatError('invalid_request', { detail: 'No API key has this id.', param: 'keyId' });
    }
  }

  async #record(entry: {
    actor: AuditActor;
    action: GrantAction;
    grant: BreakGlassGrant;
    reason?: string;
    outcome?: 'ok' | 'refused';
  }): Promise<void> {
    const { grant } = entry;
    await this.#options.auditor.record({
      actor: entry.actor,
      action: entry.action,
      targets: [
        `grant:${grant.id}`,
        `${grant.subjectKind}:${grant.subjectId}`,
        `reader:${grant.readerKeyId}`,
      ],
      outcome: entry.outcome ?? 'ok',
      reason: entry.reason ?? null,
    });
  }
}

function adminActor(keyId: string): AuditActor {
  return { kind: 'key', id: keyId, role: 'admin' };
}
