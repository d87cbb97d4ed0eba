import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loopbackEgressYaml } from '../../test/support/egress-rules.js';
import { describeCrash, handleCrash } from './crash-report.js';

const SECRET = 'canary-51d0-prompt-text';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

class ErrorWithCode extends Error {
  constructor(
    message: string,
    readonly code: unknown,
  ) {
    super(message);
  }
}

describe('describeCrash', () => {
  it.each([
    [new TypeError(SECRET), 'TypeError', undefined],
    [new ErrorWithCode(SECRET, 'ERR_SOCKET_CLOSED'), 'ErrorWithCode', 'ERR_SOCKET_CLOSED'],
    [new ErrorWithCode(SECRET, `bad ${SECRET}`), 'ErrorWithCode', undefined],
    [new ErrorWithCode(SECRET, 42), 'ErrorWithCode', undefined],
    [SECRET, 'string', undefined],
    [undefined, 'undefined', undefined],
    [null, 'null', undefined],
    [Object.create(null) as object, 'object', undefined],
    [{ message: SECRET }, 'Object', undefined],
  ])('names %s by class and safe code only', (thrown, errorName, errorCode) => {
    const description = describeCrash(thrown);

    expect(description).toMatchObject({ errorName, errorCode });
    expect(description.text).toContain(`uncaught ${errorName}`);
    expect(description.text).not.toContain(SECRET);
  });

  it('survives an error whose properties throw when read', () => {
    const hostile = new Proxy(new Error(SECRET), {
      get: () => {
        throw new Error(SECRET);
      },
      getPrototypeOf: () => {
        throw new Error(SECRET);
      },
    });

    expect(describeCrash(hostile)).toMatchObject({ errorName: 'object', errorCode: undefined });
  });
});

describe('handleCrash', () => {
  it('prints one line, logs the class name and exits 1, even when logging fails', () => {
    const printed: string[] = [];
    const exit = vi.fn();
    const recordCrash = vi.fn(() => {
      throw new Error('log gone');
    });
    const output = { print: vi.fn(), printError: (text: string) => printed.push(text) };

    expect(() => {
      handleCrash(new RangeError(SECRET), { output, moat: { recordCrash }, exit });
    }).toThrow('log gone');

    expect(printed).toEqual([expect.stringContaining('uncaught RangeError')]);
    expect(recordCrash).toHaveBeenCalledWith('RangeError');
    expect(exit).toHaveBeenCalledWith(1);
  });
});

describe('moat serve, when an error escapes', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'moat-crash-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it.each([
    ['an uncaught exception', 'throw new TypeError(secret);', 'TypeError'],
    ['an unhandled rejection', 'void Promise.reject(new RangeError(secret));', 'RangeError'],
  ])('prints and logs only the class name of %s, and exits 1', async (_, fault, errorName) => {
    const logFile = join(folder, 'moat.log');
    const run = await serveUntilFault(folder, { fault, logFile });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`moat: stopping after an uncaught ${errorName};`);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const log = readFileSync(logFile, 'utf8');
    expect(log).not.toContain(SECRET);
    expect(log).toContain(
      `"errorName":"${errorName}","errorCode":"internal_error","msg":"uncaught error"`,
    );
  });
});

/**
 * Runs `moat serve` from source in a child process whose preloaded module raises the fault
 * on SIGUSR2, sends the signal once Moat listens, and waits for the process to end. An
 * upstream model keeps the engine out of it: the fault, not the model, is under test.
 */
async function serveUntilFault(
  folder: string,
  options: { fault: string; logFile: string },
): Promise<{ exitCode: number | null; stderr: string }> {
  const preload = join(folder, 'fault.mjs');
  writeFileSync(
    preload,
    `const secret = ${JSON.stringify(SECRET)};\nprocess.on('SIGUSR2', () => { ${options.fault} });\n`,
  );
  const configFile = join(folder, 'moat.yaml');
  writeFileSync(
    configFile,
    `log:\n  file: ${options.logFile}\nmodels:\n` +
      '  - name: up\n    backend: upstream\n    baseUrl: http://127.0.0.1:9/v1\n' +
      loopbackEgressYaml(),
  );
  const entry = "import { runCli } from './src/cli/index.ts'; await runCli(process.argv.slice(1));";
  const args = ['serve', '--config', configFile, '--data', folder, '--port', '0'];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', preload, '--input-type=module', '-e', entry, ...args],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
  );

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  await vi.waitFor(() => {
    expect(`${stdout}${stderr}`).toContain('listening on');
  }, 30_000);
  child.kill('SIGUSR2');
  return { exitCode: await exited, stderr };
}
