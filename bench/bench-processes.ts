import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BenchProcess {
  child: ChildProcess;
  pid: number;
  stop(): Promise<void>;
}

/** The stand-in upstream in its own process; resolves with its base URL once it listens. */
export function startStandInProcess(): Promise<BenchProcess & { url: string }> {
  return startTsProcess(['test/support/openai-stand-in-main.ts', '--tokens', '16']);
}

/** The bare Node.js proxy that marks the floor for any gateway written in Node.js. */
export function startBareProxyProcess(
  upstreamOrigin: string,
): Promise<BenchProcess & { url: string }> {
  return startTsProcess(['bench/bare-proxy-main.ts', '--upstream', upstreamOrigin]);
}

/** Runs a TypeScript entry point that prints `{"url": …}` as one line once it listens. */
async function startTsProcess(args: string[]): Promise<BenchProcess & { url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new LineCollector(child).waitFor(/^\{"url"/);
  const { url } = JSON.parse(line) as { url: string };
  return { child, pid: requirePid(child), url, stop: () => stopProcess(child) };
}

/** `moat serve` from the build, with the given config file. */
export async function startMoatProcess(
  configPath: string,
): Promise<BenchProcess & { url: string; adminToken: string }> {
  const child = spawn(process.execPath, ['bin/moat.js', 'serve', '--config', configPath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH },
  });
  const output = new LineCollector(child);
  const urlLine = await output.waitFor(/listening on/i);
  const tokenLine = await output.waitFor(/^\s+moat_/);
  return {
    child,
    pid: requirePid(child),
    url: /(https?:\/\/[^\s]+)/.exec(urlLine)?.[1] ?? '',
    adminToken: tokenLine.trim(),
    stop: () => stopProcess(child),
  };
}

/** Resident set size now and at its peak, in MiB, from /proc. */
export function memoryOf(pid: number): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

function requirePid(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('child process did not start');
  return child.pid;
}

/** Collects a child's output lines and waits for one that matches. */
class LineCollector {
  readonly #lines: string[] = [];
  #isClosed = false;

  constructor(child: ChildProcess) {
    if (child.stdout === null) throw new Error('child process has no stdout');
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => this.#lines.push(line));
    lines.on('close', () => (this.#isClosed = true));
  }

  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.#lines.find((candidate) => pattern.test(candidate));
      if (line !== undefined) return line;
      if (this.#isClosed) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`child process did not print ${String(pattern)}`);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
