import { describe, expect, it } from 'vitest';
import {
  epochAt,
  epochEndMs,
  epochKeyDestroyAtMs,
  epochStartMs,
  epochsDueForDestruction,
  unrecoverableAfterMs,
} from './epoch-schedule.js';

const DAY_MS = 86_400_000;
const schedule = { epochLengthMs: DAY_MS, keepAfterEndMs: 7 * DAY_MS };
const noon = Date.UTC(2026, 11, 3, 12);
const epoch = epochAt(schedule, noon);

describe('epoch schedule', () => {
  it('places a time in its epoch and gives the epoch bounds', () => {
    expect(epochStartMs(schedule, epoch)).toBe(Date.UTC(2026, 11, 3));
    expect(epochEndMs(schedule, epoch)).toBe(Date.UTC(2026, 11, 4));
    expect(epochAt(schedule, Date.UTC(2026, 11, 4) - 1)).toBe(epoch);
    expect(epochAt(schedule, Date.UTC(2026, 11, 4))).toBe(epoch + 1);
  });

  it('destroys an epoch key the window after its epoch ends', () => {
    expect(epochKeyDestroyAtMs(schedule, epoch)).toBe(Date.UTC(2026, 11, 11));
    expect(unrecoverableAfterMs(schedule, noon)).toBe(Date.UTC(2026, 11, 11));
  });

  it('lists the epochs whose keys are due', () => {
    const now = Date.UTC(2026, 11, 11);
    expect(epochsDueForDestruction(schedule, now, [epoch - 1, epoch, epoch + 1])).toEqual([
      epoch - 1,
      epoch,
    ]);
  });

  it('refuses schedules that are not positive whole milliseconds', () => {
    for (const bad of [
      { epochLengthMs: 0, keepAfterEndMs: 0 },
      { epochLengthMs: 1.5, keepAfterEndMs: 0 },
      { epochLengthMs: DAY_MS, keepAfterEndMs: -1 },
    ]) {
      expect(() => epochAt(bad, noon)).toThrow(/epoch schedule/);
    }
  });

  it('refuses fractional epochs and non-finite times', () => {
    expect(() => epochStartMs(schedule, 1.5)).toThrow(/whole number/);
    expect(() => epochAt(schedule, Number.NaN)).toThrow(/finite/);
  });
});
