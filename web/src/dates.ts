import { element } from './dom.js';

const DATE_FORMAT: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric' };

/** A day in the reader's own language and calendar, as "4 December 2026" reads in English. */
export function formatDay(time: Date): string {
  return time.toLocaleDateString(undefined, DATE_FORMAT);
}

/**
 * A `<time>` that shows the day (or, with `isExact`, the day and the time of day) and
 * carries the exact moment for machines.
 */
export function timeElement(time: Date, isExact = false): HTMLTimeElement {
  return element('time', {
    text: isExact
      ? time.toLocaleString(undefined, { ...DATE_FORMAT, hour: 'numeric', minute: '2-digit' })
      : formatDay(time),
    attributes: { datetime: time.toISOString(), title: time.toLocaleString() },
  });
}

/** Unix seconds, as Moat's memory answers carry times, to a Date. */
export function fromUnixSeconds(seconds: number): Date {
  return new Date(seconds * 1000);
}
