/**
 * Moat's overhead as a gateway: the same requests sent to the stand-in upstream directly
 * and through Moat, in one run, interleaved in rounds so that drift on a shared machine hits
 * both sides alike. Prints figures, ratios and the targets; `--strict` exits 1 on a miss.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryOf, startMoatProcess, startStandInProcess } from './bench-processes.js';
import {
  percentile,
  prepareLoad,
  runConcurrent,
  runSequential,
  type Load,
  type Target,
} from './load.js';

const ROUNDS = 5;
const SEQUENTIAL_PER_ROUND = 400;
const WARMUP_REQUESTS = 300;
const CONCURRENCY = 64;
const CONCURRENT_MS_PER_ROUND = 3000;

interface Check {
  name: string;
  isMet: boolean;
  detail: string;
}

async function main(): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'moat-bench-'));
  const standIn = await startStandInProcess();
  const configPath = join(folder, 'moat.yaml');
  writeFileSync(configPath, configText(folder, standIn.url));
  const moat = await startMoatProcess(configPath);

  try {
    const idleMemory = memoryOf(moat.pid);
    const upstreamUrl = new URL(standIn.url);
    const direct: Target = {
      name: 'direct',
      origin: upstreamUrl.origin,
      basePath: '/v1',
      model: 'stand-in-model',
    };
    const gateway: Target = {
      name: 'moat',
      origin: moat.url,
      basePath: '/v1',
      model: 'bench',
      token: moat.adminToken,
    };

    console.log('moat bench: 2 cores shared by the load generator, Moat and the stand-in');
    const latency = await compareSequential(direct, gateway, false);
    const streaming = await compareSequential(direct, gateway, true);
    const throughput = await compareConcurrent(direct, gateway);
    const afterLoad = memoryOf(moat.pid);

    const checks = report({ latency, streaming, throughput, idleMemory, afterLoad });
    const misses = checks.filter((check) => !check.isMet);
    return misses.length > 0 && process.argv.includes('--strict') ? 1 : 0;
  } finally {
    await moat.stop();
    await standIn.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

function configText(folder: string, upstreamUrl: string): string {
  return [
    `dataDir: ${join(folder, 'data')}`,
    'server: { port: 0 }',
    `log: { level: info, file: ${join(folder, 'moat.log')} }`,
    'models:',
    `  - { name: bench, backend: upstream, baseUrl: "${upstreamUrl}", upstreamModel: stand-in-model }`,
    '',
  ].join('\n');
}

interface SequentialFigures {
  direct: { firstByteMs: number[]; totalMs: number[] };
  moat: { firstByteMs: number[]; totalMs: number[] };
}

async function compareSequential(
  direct: Target,
  gateway: Target,
  isStream: boolean,
): Promise<SequentialFigures> {
  const loads = [direct, gateway].map((target) =>
    prepareLoad(target, { isStream, connections: 1 }),
  ) as [Load, Load];
  await runSequential(loads[0], WARMUP_REQUESTS);
  await runSequential(loads[1], WARMUP_REQUESTS);

  const figures: SequentialFigures = {
    direct: { firstByteMs: [], totalMs: [] },
    moat: { firstByteMs: [], totalMs: [] },
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [side, load] of [
      ['direct', loads[0]],
      ['moat', loads[1]],
    ] as const) {
      const samples = await runSequential(load, SEQUENTIAL_PER_ROUND);
      figures[side].firstByteMs.push(...samples.firstByteMs);
      figures[side].totalMs.push(...samples.totalMs);
    }
  }
  await Promise.all(loads.map((load) => load.pool.close()));
  return figures;
}

async function compareConcurrent(
  direct: Target,
  gateway: Target,
): Promise<{ direct: number[]; moat: number[] }> {
  const loads = [direct, gateway].map((target) =>
    prepareLoad(target, { isStream: false, connections: CONCURRENCY }),
  ) as [Load, Load];
  const rates = { direct: [] as number[], moat: [] as number[] };

  for (let round = 0; round < 3; round += 1) {
    for (const [side, load] of [
      ['direct', loads[0]],
      ['moat', loads[1]],
    ] as const) {
      const result = await runConcurrent(load, {
        concurrency: CONCURRENCY,
        durationMs: CONCURRENT_MS_PER_ROUND,
      });
      rates[side].push(result.requestsPerSecond);
    }
  }
  await Promise.all(loads.map((load) => load.pool.close()));
  return rates;
}

interface Figures {
  latency: SequentialFigures;
  streaming: SequentialFigures;
  throughput: { direct: number[]; moat: number[] };
  idleMemory: { rssMiB: number };
  afterLoad: { rssMiB: number; peakRssMiB: number };
}

function report(figures: Figures): Check[] {
  const p50 = (values: number[]): number => percentile(values, 0.5);
  const p99 = (values: number[]): number => percentile(values, 0.99);
  const { latency, streaming, throughput } = figures;
  const addedP50 = p50(latency.moat.totalMs) - p50(latency.direct.totalMs);
  const addedTtfb = p50(streaming.moat.firstByteMs) - p50(streaming.direct.firstByteMs);
  const directRps = percentile(throughput.direct, 0.5);
  const moatRps = percentile(throughput.moat, 0.5);

  const rows = [
    ['concurrency 1, p50 ms', p50(latency.direct.totalMs), p50(latency.moat.totalMs)],
    ['concurrency 1, p99 ms', p99(latency.direct.totalMs), p99(latency.moat.totalMs)],
    [
      'streaming first byte p50 ms',
      p50(streaming.direct.firstByteMs),
      p50(streaming.moat.firstByteMs),
    ],
    [
      'streaming first byte p99 ms',
      p99(streaming.direct.firstByteMs),
      p99(streaming.moat.firstByteMs),
    ],
    [`concurrency ${CONCURRENCY}, requests/s`, directRps, moatRps],
  ] as const;
  console.log(
    `\n${'figure'.padEnd(32)}${'direct'.padStart(12)}${'via moat'.padStart(12)}${'ratio'.padStart(10)}`,
  );
  for (const [label, left, right] of rows) {
    console.log(
      `${label.padEnd(32)}${left.toFixed(3).padStart(12)}${right.toFixed(3).padStart(12)}${(right / left).toFixed(2).padStart(10)}`,
    );
  }
  console.log(
    `\nmoat resident memory: idle ${figures.idleMemory.rssMiB.toFixed(1)} MiB, after load ${figures.afterLoad.rssMiB.toFixed(1)} MiB, peak ${figures.afterLoad.peakRssMiB.toFixed(1)} MiB`,
  );

  const checks: Check[] = [
    {
      name: 'added p50 at concurrency 1 <= 0.3 ms',
      isMet: addedP50 <= 0.3,
      detail: `${addedP50.toFixed(3)} ms`,
    },
    {
      name: `throughput at concurrency ${CONCURRENCY} >= 40% of direct`,
      isMet: moatRps >= 0.4 * directRps,
      detail: `${((100 * moatRps) / directRps).toFixed(1)}%`,
    },
    {
      name: 'streaming first byte grows <= 1 ms',
      isMet: addedTtfb <= 1,
      detail: `${addedTtfb.toFixed(3)} ms`,
    },
    {
      name: 'idle resident memory < 150 MiB',
      isMet: figures.idleMemory.rssMiB < 150,
      detail: `${figures.idleMemory.rssMiB.toFixed(1)} MiB`,
    },
  ];
  console.log('');
  for (const check of checks)
    console.log(`${check.isMet ? 'met ' : 'MISS'}  ${check.name}: ${check.detail}`);
  return checks;
}

process.exitCode = await main();
