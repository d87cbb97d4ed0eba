/**
 * Moat's overhead as a gateway. The same requests go to the stand-in upstream directly,
 * through a bare Node.js proxy (the floor for any gateway written in Node.js), and through
 * Moat, in one run, interleaved in rounds so that drift on a shared machine hits every side
 * alike. Prints figures, ratios and the targets; `--strict` exits 1 on a miss.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  memoryOf,
  startBareProxyProcess,
  startMoatProcess,
  startStandInProcess,
  type BenchProcess,
} from './bench-processes.js';
import { prepareLoad, runConcurrent, runSequential, type Target } from './load.js';
import { printReport, SIDES, type Side, type SideFigures } from './report.js';
import { runAuditBench } from './audit-bench.js';
import { runCryptoBench } from './crypto-bench.js';
import { runRedactionBench } from './redaction-bench.js';
import { runMemoryBench } from './memory-bench.js';

const ROUNDS = 5;
const SEQUENTIAL_PER_ROUND = 300;
const WARMUP_REQUESTS = 500;
const CONCURRENCY = 64;
const CONCURRENT_ROUNDS = 3;
const CONCURRENT_MS_PER_ROUND = 3000;

async function main(): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'moat-bench-'));
  const processes: BenchProcess[] = [];
  try {
    const standIn = await startStandInProcess();
    processes.push(standIn);
    const upstreamOrigin = new URL(standIn.url).origin;
    const bare = await startBareProxyProcess(upstreamOrigin);
    processes.push(bare);
    writeFileSync(join(folder, 'moat.yaml'), configText(folder, standIn.url));
    const moat = await startMoatProcess(join(folder, 'moat.yaml'));
    processes.push(moat);

    const idleMemory = memoryOf(moat.pid);
    const targets: Record<Side, Target> = {
      direct: { name: 'direct', origin: upstreamOrigin, basePath: '/v1', model: 'stand-in-model' },
      bare: { name: 'bare', origin: bare.url, basePath: '/v1', model: 'stand-in-model' },
      moat: {
        name: 'moat',
        origin: moat.url,
        basePath: '/v1',
        model: 'bench',
        token: moat.adminToken,
      },
    };

    console.log('moat bench: 2 cores shared by the load generator, the proxies and the stand-in');
    const figures = await measure(targets);
    const misses = printReport(figures, {
      idleMemory,
      afterLoad: memoryOf(moat.pid),
      concurrency: CONCURRENCY,
    });
    return misses > 0 && process.argv.includes('--strict') ? 1 : 0;
  } finally {
    for (const child of processes.reverse()) await child.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

function configText(folder: string, upstreamUrl: string): string {
  return [
    `dataDir: ${join(folder, 'data')}`,
    'server: { port: 0 }',
    `log: { level: info, file: ${join(folder, 'moat.log')} }`,
    'models:',
    `  - { name: bench, backend: upstream, baseUrl: "${upstreamUrl}",`,
    '      upstreamModel: stand-in-model }',
    // Moat connects nowhere without a rule, its upstream included.
    'egress:',
    '  allow:',
    `    - destination: ${new URL(upstreamUrl).hostname}`,
    `      ports: [${new URL(upstreamUrl).port}]`,
    '      justification: The benchmark stand-in upstream runs on this machine for the run.',
    '      approvedBy: The benchmark itself',
    `      expires: ${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`,
    '',
  ].join('\n');
}

async function measure(targets: Record<Side, Target>): Promise<Record<Side, SideFigures>> {
  const figures = Object.fromEntries(
    SIDES.map((side) => [side, { totalMs: [], firstByteMs: [], requestsPerSecond: [] }]),
  ) as unknown as Record<Side, SideFigures>;

  for (const isStream of [false, true]) {
    const loads = SIDES.map(
      (side) => [side, prepareLoad(targets[side], { isStream, connections: 1 })] as const,
    );
    for (const [, load] of loads) await runSequential(load, WARMUP_REQUESTS);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [side, load] of loads) {
        const samples = await runSequential(load, SEQUENTIAL_PER_ROUND);
        if (isStream) figures[side].firstByteMs.push(...samples.firstByteMs);
        else figures[side].totalMs.push(...samples.totalMs);
      }
    }
    await Promise.all(loads.map(([, load]) => load.pool.close()));
  }

  const loads = SIDES.map(
    (side) =>
      [side, prepareLoad(targets[side], { isStream: false, connections: CONCURRENCY })] as const,
  );
  for (let round = 0; round < CONCURRENT_ROUNDS; round += 1) {
    for (const [side, load] of loads) {
      const result = await runConcurrent(load, {
        concurrency: CONCURRENCY,
        durationMs: CONCURRENT_MS_PER_ROUND,
      });
      figures[side].requestsPerSecond.push(result.requestsPerSecond);
    }
  }
  await Promise.all(loads.map(([, load]) => load.pool.close()));
  return figures;
}

runCryptoBench();
await runAuditBench();
await runRedactionBench();
await runMemoryBench();
process.exitCode = await main();
