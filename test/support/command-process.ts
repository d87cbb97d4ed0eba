import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withDeadline } from './deadline.js';
import { assertProbeStaysLocal } from './local-probe.js';

/** The built `moat` command, run by the same Node.js as the tests. */
export const MOAT_BIN = fileURLToPath(new URL('../../bin/moat.js', import.meta.url));

export interface CommandOptions {
  /** The whole environment of the child: nothing of the test's own is passed unless listed. */
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface RunningCommand {
  /** Everything written to standard output and standard error so far. */
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

export interface FinishedCommand {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export function startCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions,
): RunningCommand {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });

  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs a command to its end; one still running after `timeoutMs` is stopped and reported. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions & { timeoutMs?: number },
): Promise<FinishedCommand> {
  const running = startCommand(command, args, options);
  const timeoutMs = options.timeoutMs ?? 20_000;

  try {
    const exitCode = await withDeadline(running.exited, timeoutMs, `${command} ${args.join(' ')}`);
    return { exitCode, stdout: running.stdout(), stderr: running.stderr() };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** Runs `moat ARGS` to its end. */
export function runMoat(
  args: readonly string[],
  options: CommandOptions & { timeoutMs?: number },
): Promise<FinishedCommand> {
  assertProbeStaysLocal(args);
  return runCommand(process.execPath, [MOAT_BIN, ...args], options);
}

/** Starts `moat serve ARGS` and resolves once its banner names the address it listens on. */
export async function startMoatServe(
  args: readonly string[],
  options: CommandOptions,
): Promise<RunningCommand & { url: string }> {
  const running = startCommand(process.execPath, [MOAT_BIN, 'serve', ...args], options);
  const state = { hasExited: false };
  void running.exited.then(() => (state.hasExited = true));

  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !state.hasExited) {
    const match = /listening on (https?:\/\/[\d.:[\]a-z]+)/i.exec(running.stdout());
    if (match?.[1] !== undefined) return { ...running, url: match[1] };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  await running.stop();
  throw new Error(`moat serve did not start: ${running.stderr().slice(0, 2000)}`);
}
