import { runCli } from '../../src/cli/index.js';
import { assertProbeStaysLocal } from './local-probe.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process and captures what it prints. The environment is empty unless
 * given, so no MOAT_* variable of the machine running the tests leaks in. `secret` answers
 * a password prompt.
 */
export async function runCliCaptured(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = {},
  secret?: string,
): Promise<CliRun> {
  assertProbeStaysLocal(argv);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await runCli([...argv], {
    env,
    readSecret: () =>
      secret === undefined ? Promise.reject(new Error('no secret given')) : Promise.resolve(secret),
    output: { print: (text) => stdout.push(text), printError: (text) => stderr.push(text) },
  });
  return { exitCode, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
