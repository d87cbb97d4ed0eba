import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MOAT_BIN = fileURLToPath(new URL('../../bin/moat.js', import.meta.url));

export interface MoatProcess {
  child: ChildProcess;
  url: string;
  /** Everything written to standard output and standard error so far. */
  stdout: () => string;
  stderr: () => string;
  /** Stops Moat with SIGTERM and resolves with its exit code. */
  stop: () => Promise<number | null>;
}

/** Runs the built `moat` command as a child process and waits until it listens. */
export async function spawnMoat(args: string[], env: NodeJS.ProcessEnv): Promise<MoatProcess> {
  const child = spawn(process.execPath, [MOAT_BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const url = await waitForUrl(
    () => stdout,
    exited,
    () => stderr,
  );
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitForUrl(
  stdout: () => string,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  const state = { hasExited: false };
  void exited.then(() => (state.hasExited = true));

  while (Date.now() < deadline && !state.hasExited) {
    const match = /listening on (https?:\/\/[\d.:[\]a-z]+)/i.exec(stdout());
    if (match?.[1] !== undefined) return match[1];
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`moat serve did not start: ${stderr().slice(0, 2000)}`);
}
