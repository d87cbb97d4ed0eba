import {
  makeCheckpoint,
  type AuditCheckpoint,
  type CheckpointReason,
  type CheckpointSigner,
} from './audit-checkpoint.js';
import { randomBytes } from 'node:crypto';
import {
  SYSTEM_ACTOR,
  checkAuditInput,
  sealAuditEntry,
  type AuditEntry,
  isAuditId,
  type AuditRecordInput,
} from './audit-entry.js';
import type { AuditLogStore } from './audit-log-store.js';
import type { AuditAction } from './audit-actions.js';
import {
  changedEntries,
  changedSettings,
  fingerprintConfig,
  NAMED_LISTS,
  type ListChanges,
} from './config-fingerprint.js';

/** Entries hold at most 32 targets; one is kept for the count of the rest. */
const MAX_SETTING_TARGETS = 32;

/** What other parts call to account for an action. */
export interface Auditor {
  /** Appends one entry; rejects when the entry could not be written. */
  record(input: AuditRecordInput): Promise<AuditEntry>;
}

export interface AuditLogOptions {
  store: AuditLogStore;
  /** Signs checkpoints. Without one (a read-only command) no checkpoint is written. */
  signer?: CheckpointSigner;
  /**
   * A checkpoint after this many entries written by this process.
   * @default 1000
   */
  checkpointEveryEntries?: number;
  /**
   * And one this often while new entries arrive, so the unsigned tail stays short.
   * @default 60000
   */
  checkpointIntervalMs?: number;
  /** @default () => new Date() */
  clock?: () => Date;
}

/**
 * The audit log as Moat writes it: appends through the store, which serialises them, and
 * signs checkpoints every so many entries, every so often, and on close.
 */
export class AuditLog implements Auditor {
  readonly #store: AuditLogStore;
  readonly #signer: CheckpointSigner | undefined;
  readonly #everyEntries: number;
  readonly #clock: () => Date;
  readonly #timer: NodeJS.Timeout | undefined;
  #sinceCheckpoint = 0;
  #isClosed = false;

  constructor(options: AuditLogOptions) {
    this.#store = options.store;
    this.#signer = options.signer;
    this.#everyEntries = options.checkpointEveryEntries ?? 1000;
    this.#clock = options.clock ?? (() => new Date());
    if (this.#signer !== undefined) {
      this.#timer = setInterval(() => {
        if (this.#sinceCheckpoint > 0) void this.checkpoint('interval').catch(() => undefined);
      }, options.checkpointIntervalMs ?? 60_000);
      this.#timer.unref();
    }
  }

  async record(input: AuditRecordInput): Promise<AuditEntry> {
    checkAuditInput(input);
    const entry = await this.#store.append((head) => sealAuditEntry(head, input, this.#clock()));

    this.#sinceCheckpoint += 1;
    if (this.#sinceCheckpoint >= this.#everyEntries) await this.checkpoint('interval');
    return entry;
  }

  /**
   * Records a start: the names of settings that changed since the last start (never their
   * values), then the new configuration's hash.
   */
  async recordStart(config: unknown): Promise<void> {
    const saved = await this.#store.configState();
    const salt = saved?.salt ?? randomBytes(16).toString('hex');
    const fingerprint = fingerprintConfig(config, salt);

    const changed =
      saved === undefined ? [] : changedSettings(saved.settingHashes, fingerprint.settingHashes);
    if (changed.length > 0) {
      await this.record({
        actor: SYSTEM_ACTOR,
        action: 'config.changed',
        targets: settingTargets(changed),
        outcome: 'ok',
      });
    }
    const targets = [`config-hash:${fingerprint.hash}`];
    await this.record({ actor: SYSTEM_ACTOR, action: 'audit.started', targets, outcome: 'ok' });
    // On the first start every model and rule counts as added, so the log accounts for them.
    const before = saved?.settingHashes ?? {};
    await this.#recordListChanges({ before, after: fingerprint.settingHashes });
    await this.#store.saveConfigState({ salt, settingHashes: fingerprint.settingHashes });
  }

  /** The catalog and the egress rules are named entry by entry, added, removed or changed. */
  async #recordListChanges(hashes: {
    before: Record<string, string>;
    after: Record<string, string>;
  }): Promise<void> {
    const models = changedEntries(NAMED_LISTS.models, hashes);
    const modelTargets = [
      ...models.added.map((name) => ['model-added', name] as const),
      ...models.removed.map((name) => ['model-removed', name] as const),
      ...models.changed.map((name) => ['model-changed', name] as const),
    ];
    if (modelTargets.length > 0) await this.#recordTargets('catalog.changed', modelTargets);
    const rules: ListChanges = changedEntries(NAMED_LISTS.egressRules, hashes);
    await this.#recordEach('egress.rule-added', 'host', rules.added);
    await this.#recordEach('egress.rule-changed', 'host', rules.changed);
    await this.#recordEach('egress.rule-removed', 'host', rules.removed);
  }

  /** One entry naming every id, as many as fit; an id of another shape is counted instead. */
  async #recordEach(action: AuditAction, kind: string, ids: readonly string[]): Promise<void> {
    await this.#recordTargets(
      action,
      ids.map((id) => [kind, id] as const),
    );
  }

  async #recordTargets(
    action: AuditAction,
    pairs: readonly (readonly [kind: string, id: string])[],
  ): Promise<void> {
    if (pairs.length === 0) return;
    const printable = pairs.filter(([, id]) => isAuditId(id));
    const targets = printable
      .slice(0, MAX_SETTING_TARGETS - 1)
      .map(([kind, id]) => `${kind}:${id}`);
    await this.record({
      actor: SYSTEM_ACTOR,
      action,
      targets: [...targets, `count:${pairs.length}`],
      outcome: 'ok',
    });
  }

  /** Signs the current head; undefined when there is no signer or nothing to sign. */
  async checkpoint(reason: CheckpointReason): Promise<AuditCheckpoint | undefined> {
    const head = await this.#store.head();
    if (this.#signer === undefined || head === undefined) return undefined;

    this.#sinceCheckpoint = 0;
    const time = this.#clock().toISOString();
    const checkpoint = makeCheckpoint(this.#signer, {
      seq: head.seq,
      hash: head.hash,
      time,
      reason,
    });
    await this.#store.addCheckpoint(checkpoint);
    return checkpoint;
  }

  /** Records the stop, stops the timer and writes the closing checkpoint; idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearInterval(this.#timer);
    await this.record({ actor: SYSTEM_ACTOR, action: 'audit.stopped', outcome: 'ok' });
    await this.checkpoint('shutdown');
  }
}

/** One target per changed setting; past the limit, the rest are counted. */
function settingTargets(names: readonly string[]): string[] {
  const limit = MAX_SETTING_TARGETS;
  if (names.length <= limit) return names.map((name) => `setting:${name}`);
  const listed = names.slice(0, limit - 1).map((name) => `setting:${name}`);
  return [...listed, `setting-count:${names.length}`];
}
