import { MoatError } from '../errors/index.js';

/**
 * How backup epochs run. Time is cut into epochs of `epochLengthMs` counted from the Unix
 * epoch; keyring backups made during an epoch are sealed under that epoch's key, and the
 * key is destroyed `keepAfterEndMs` after its epoch ends. A key destroyed at time T is
 * then unrecoverable from every keyring backup from the end of T's epoch plus
 * `keepAfterEndMs` on.
 */
export interface EpochSchedule {
  /** Length of one epoch, e.g. one day. */
  epochLengthMs: number;
  /** How long after an epoch ends its backups stay restorable, e.g. seven days. */
  keepAfterEndMs: number;
}

/** The epoch number `timeMs` falls in. */
export function epochAt(schedule: EpochSchedule, timeMs: number): number {
  checkSchedule(schedule);
  if (!Number.isFinite(timeMs)) {
    throw new MoatError('internal_error', { detail: 'A time must be finite milliseconds.' });
  }
  return Math.floor(timeMs / schedule.epochLengthMs);
}

/** When an epoch begins (inclusive). */
export function epochStartMs(schedule: EpochSchedule, epoch: number): number {
  checkSchedule(schedule);
  if (!Number.isSafeInteger(epoch)) {
    throw new MoatError('internal_error', { detail: 'An epoch is a whole number.' });
  }
  return epoch * schedule.epochLengthMs;
}

/** When an epoch ends (exclusive): the start of the next. */
export function epochEndMs(schedule: EpochSchedule, epoch: number): number {
  return epochStartMs(schedule, epoch + 1);
}

/** When an epoch's key must be destroyed. */
export function epochKeyDestroyAtMs(schedule: EpochSchedule, epoch: number): number {
  return epochEndMs(schedule, epoch) + schedule.keepAfterEndMs;
}

/**
 * For a key destroyed at `destroyedAtMs`: the time from which no keyring backup can yield
 * it, because every epoch key that sealed a backup holding it is destroyed. This is the
 * time a deletion receipt promises.
 */
export function unrecoverableAfterMs(schedule: EpochSchedule, destroyedAtMs: number): number {
  return epochKeyDestroyAtMs(schedule, epochAt(schedule, destroyedAtMs));
}

/** Of the given epochs (those with a key still stored), the ones whose key is due. */
export function epochsDueForDestruction(
  schedule: EpochSchedule,
  nowMs: number,
  epochs: readonly number[],
): number[] {
  return epochs.filter((epoch) => epochKeyDestroyAtMs(schedule, epoch) <= nowMs);
}

function checkSchedule(schedule: EpochSchedule): void {
  const { epochLengthMs, keepAfterEndMs } = schedule;
  const isValid =
    Number.isSafeInteger(epochLengthMs) &&
    epochLengthMs > 0 &&
    Number.isSafeInteger(keepAfterEndMs) &&
    keepAfterEndMs >= 0;
  if (!isValid) {
    throw new MoatError('internal_error', {
      detail: 'An epoch schedule needs a positive whole epochLengthMs and keepAfterEndMs >= 0.',
    });
  }
}
