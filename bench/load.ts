import { Pool } from 'undici';

export interface Target {
  name: string;
  /** Origin, e.g. http://127.0.0.1:8787 */
  origin: string;
  /** Path prefix before /chat/completions, e.g. /v1 */
  basePath: string;
  model: string;
  token?: string;
}

export interface Load {
  target: Target;
  isStream: boolean;
  pool: Pool;
  body: string;
  headers: Record<string, string>;
}

export function prepareLoad(
  target: Target,
  options: { isStream: boolean; connections: number },
): Load {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
  const body = JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'Say sixteen words, please.' }],
    max_tokens: 16,
    stream: options.isStream,
  });
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  return { target, isStream: options.isStream, pool, body, headers };
}

/**
 * Sends one request and reads the whole answer. Returns the milliseconds to the first body
 * byte and to the end.
 */
export async function sendOne(load: Load): Promise<{ firstByteMs: number; totalMs: number }> {
  const startedAt = performance.now();
  const response = await load.pool.request({
    method: 'POST',
    path: `${load.target.basePath}/chat/completions`,
    headers: load.headers,
    body: load.body,
  });
  let firstByteMs = -1;
  for await (const chunk of response.body) {
    if (firstByteMs < 0 && (chunk as Buffer).length > 0)
      firstByteMs = performance.now() - startedAt;
  }
  if (response.statusCode !== 200)
    throw new Error(`${load.target.name} answered ${response.statusCode}`);
  return { firstByteMs, totalMs: performance.now() - startedAt };
}

/** Sequential requests on one connection; the durations of each, in milliseconds. */
export async function runSequential(
  load: Load,
  count: number,
): Promise<{ firstByteMs: number[]; totalMs: number[] }> {
  const firstByteMs: number[] = [];
  const totalMs: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const sample = await sendOne(load);
    firstByteMs.push(sample.firstByteMs);
    totalMs.push(sample.totalMs);
  }
  return { firstByteMs, totalMs };
}

/** `concurrency` loops for `durationMs`; completed requests per second. */
export async function runConcurrent(
  load: Load,
  options: { concurrency: number; durationMs: number },
): Promise<{ requestsPerSecond: number; completed: number; latencyMs: number[] }> {
  const deadline = performance.now() + options.durationMs;
  const latencyMs: number[] = [];
  const startedAt = performance.now();

  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) latencyMs.push((await sendOne(load)).totalMs);
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));

  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  return {
    requestsPerSecond: latencyMs.length / elapsedSeconds,
    completed: latencyMs.length,
    latencyMs,
  };
}

export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
