import { percentile } from './load.js';

export const SIDES = ['direct', 'bare', 'moat'] as const;
export type Side = (typeof SIDES)[number];

export interface SideFigures {
  /** Whole answers, one request at a time. */
  totalMs: number[];
  /** Streamed answers, one request at a time: time to the first body byte. */
  firstByteMs: number[];
  /** One figure per round of concurrent load. */
  requestsPerSecond: number[];
}

interface Context {
  idleMemory: { rssMiB: number };
  afterLoad: { rssMiB: number; peakRssMiB: number };
  concurrency: number;
}

const p50 = (values: readonly number[]): number => percentile(values, 0.5);
const p99 = (values: readonly number[]): number => percentile(values, 0.99);

/** Prints the figures and the checks against the targets; returns how many were missed. */
export function printReport(figures: Record<Side, SideFigures>, context: Context): number {
  const rows: [string, (side: SideFigures) => number][] = [
    ['concurrency 1, p50 ms', (side) => p50(side.totalMs)],
    ['concurrency 1, p99 ms', (side) => p99(side.totalMs)],
    ['stream first byte p50 ms', (side) => p50(side.firstByteMs)],
    ['stream first byte p99 ms', (side) => p99(side.firstByteMs)],
    [`concurrency ${context.concurrency}, requests/s`, (side) => p50(side.requestsPerSecond)],
  ];
  console.log(
    '\n' +
      'figure'.padEnd(30) +
      'direct'.padStart(11) +
      'bare proxy'.padStart(12) +
      'moat'.padStart(11) +
      'moat/direct'.padStart(13),
  );
  for (const [label, pick] of rows) {
    const [direct, bare, moat] = SIDES.map((side) => pick(figures[side])) as [
      number,
      number,
      number,
    ];
    console.log(
      label.padEnd(30) +
        format(direct, 11) +
        format(bare, 12) +
        format(moat, 11) +
        (moat / direct).toFixed(2).padStart(13),
    );
  }
  const { idleMemory, afterLoad } = context;
  console.log(
    `\nmoat resident memory: idle ${idleMemory.rssMiB.toFixed(1)} MiB, ` +
      `after load ${afterLoad.rssMiB.toFixed(1)} MiB, peak ${afterLoad.peakRssMiB.toFixed(1)} MiB`,
  );

  const checks = targetChecks(figures, context);
  console.log('');
  for (const check of checks)
    console.log(`${check.isMet ? 'met ' : 'MISS'}  ${check.name}: ${check.detail}`);
  return checks.filter((check) => !check.isMet).length;
}

function targetChecks(
  figures: Record<Side, SideFigures>,
  context: Context,
): { name: string; isMet: boolean; detail: string }[] {
  const { direct, bare, moat } = figures;
  const added = (side: SideFigures, pick: (values: SideFigures) => number[]): number =>
    p50(pick(side)) - p50(pick(direct));
  const addedMs = added(moat, (side) => side.totalMs);
  const addedFirstByteMs = added(moat, (side) => side.firstByteMs);
  const bareAddedMs = added(bare, (side) => side.totalMs);
  const bareFirstByteMs = added(bare, (side) => side.firstByteMs);
  const share = (side: SideFigures): number =>
    (100 * p50(side.requestsPerSecond)) / p50(direct.requestsPerSecond);

  return [
    {
      name: 'added p50 at concurrency 1 <= 0.3 ms',
      isMet: addedMs <= 0.3,
      detail: `${addedMs.toFixed(3)} ms (bare proxy adds ${bareAddedMs.toFixed(3)} ms)`,
    },
    {
      name: `throughput at concurrency ${context.concurrency} >= 40% of direct`,
      isMet: share(moat) >= 40,
      detail: `${share(moat).toFixed(1)}% (bare proxy ${share(bare).toFixed(1)}%)`,
    },
    {
      name: 'stream first byte grows <= 1 ms',
      isMet: addedFirstByteMs <= 1,
      detail: `${addedFirstByteMs.toFixed(3)} ms (bare proxy ${bareFirstByteMs.toFixed(3)} ms)`,
    },
    {
      name: 'idle resident memory < 150 MiB',
      isMet: context.idleMemory.rssMiB < 150,
      detail: `${context.idleMemory.rssMiB.toFixed(1)} MiB`,
    },
  ];
}

function format(value: number, width: number): string {
  return value.toFixed(value >= 100 ? 0 : 3).padStart(width);
}
