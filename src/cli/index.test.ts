import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCliCaptured, type CliRun } from '../../test/support/cli-run.js';

function moat(...argv: string[]): Promise<CliRun> {
  return runCliCaptured(argv);
}

describe('runCli', () => {
  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

    for (const flag of ['--version', '-v']) {
      expect(await moat(flag)).toEqual({ exitCode: 0, stdout: version, stderr: '' });
    }
  });

  it.each([
    ['--help'],
    ['serve', '--help'],
    ['keys', '--help'],
    ['keys', 'create', '--help'],
    ['keys', 'list', '--help'],
    ['keys', 'revoke', '--help'],
    ['models', '--help'],
    ['models', 'make-demo', '--help'],
  ])('answers %j with usage on stdout and exit 0', async (...argv) => {
    const run = await moat(...argv);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Usage: moat/);
    expect(run.stderr).toBe('');
  });

  it('lists every command in the top-level help', async () => {
    const { stdout } = await moat('--help');

    for (const command of [
      'serve',
      'keys create',
      'keys list',
      'keys revoke',
      'models make-demo',
    ]) {
      expect(stdout).toContain(command);
    }
  });

  it.each([
    [[], 'give a command'],
    [['launch'], 'unknown command "launch"'],
    [['keys'], 'give a keys subcommand'],
    [['keys', 'delete'], 'unknown keys subcommand "delete"'],
    [['keys', 'constructor'], 'unknown keys subcommand "constructor"'],
    [['models', 'pull'], 'unknown models subcommand "pull"'],
    [['serve', '--port', 'eighty'], '--port must be a number'],
    [['serve', '--port', '70000'], '--port must be a number'],
    [['serve', 'extra'], 'Unexpected argument'],
  ])('exits 2 for %j', async (argv, message) => {
    const run = await moat(...argv);

    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
  });

  it('exits 1 when the config file cannot be read', async () => {
    const run = await moat('serve', '--config', '/nonexistent/moat.yaml');

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('/nonexistent/moat.yaml');
  });
});
