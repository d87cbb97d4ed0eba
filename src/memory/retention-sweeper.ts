import type { Metrics } from '../telemetry/index.js';
import type { Memory } from './open-memory.js';

/** Most items shredded in one pass; a larger backlog is worked off pass by pass. */
const BATCH_ITEMS = 500;

/** A data key whose item has not appeared for this long was left by a save that crashed. */
const ORPHAN_KEY_AGE_MS = 10 * 60_000;

export interface RetentionSweeperOptions {
  memory: Memory;
  metrics: Metrics;
  intervalMs: number;
  /** The clock; tests move it. @default Date.now */
  now?: () => number;
  /** Told of a pass that failed; the next pass tries again. */
  onError?: (error: unknown) => void;
}

/** What one pass did. */
export interface SweepResult {
  shredded: number;
  orphanKeysRemoved: number;
  overdueLeft: number;
}

/**
 * Shreds expired items on a schedule, each with a signed receipt. It keeps no state of its
 * own: expiry times live in the store, so a restarted Moat picks up where the last one
 * stopped, and several replicas sweeping at once only race to delete the same rows.
 */
export class RetentionSweeper {
  readonly #options: RetentionSweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: RetentionSweeperOptions) {
    this.#options = options;
  }

  /** Sweeps now, then every interval, until `stop`. */
  start(): void {
    const tick = () => {
      this.#running ??= this.sweepOnce()
        .catch((error: unknown) => {
          this.#options.metrics.memorySweeps.inc({ outcome: 'failed' });
          this.#options.onError?.(error);
        })
        .finally(() => {
          this.#running = undefined;
        });
    };
    tick();
    this.#timer = setInterval(tick, this.#options.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass: shred what has expired, remove keys left by crashed saves, report the rest. */
  async sweepOnce(): Promise<SweepResult> {
    const { memory, metrics } = this.#options;
    const now = new Date((this.#options.now ?? Date.now)());

    let shredded = 0;
    for (const item of await memory.store.memory.listExpired(now, BATCH_ITEMS)) {
      const receipt = await memory.eraser.deleteItem(item.ownerId, item.id, {
        kind: 'retention-expiry',
        requestedBy: 'retention-sweeper',
      });
      if (receipt !== undefined) shredded += 1;
    }
    metrics.memoryItemsShredded.inc({ reason: 'retention-expiry' }, shredded);

    const orphanKeysRemoved = await this.#removeOrphanKeys(now);
    memory.epochKeys.destroyDue(now.getTime());
    const overdue = await memory.store.memory.overdue(now);
    const oldestMs = overdue.oldestExpiresAt?.getTime() ?? now.getTime();
    metrics.memoryItemsOverdue.set(overdue.count);
    metrics.memoryOldestOverdueSeconds.set((now.getTime() - oldestMs) / 1000);
    metrics.memorySweeps.inc({ outcome: 'ok' });
    return { shredded, orphanKeysRemoved, overdueLeft: overdue.count };
  }

  async #removeOrphanKeys(now: Date): Promise<number> {
    const keyring = this.#options.memory.store.keyring;
    const before = new Date(now.getTime() - ORPHAN_KEY_AGE_MS);
    const orphans = await keyring.listItemKeysWithoutItem(before);
    for (const orphan of orphans) await keyring.destroyItemKey(orphan.itemId);
    return orphans.length;
  }
}
