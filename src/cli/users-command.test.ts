import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../test/support/cli-run.js';

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'moat-users-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('moat users', () => {
  it('adds an account from a password it is given, not a flag, and lists it', async () => {
    const password = 'zqpasswordcanaryxyz';
    const added = await runCliCaptured(['users', 'add', 'hana', '--data', dataDir], {}, password);
    expect(added).toMatchObject({ exitCode: 0, stderr: '' });
    expect(added.stdout).toMatch(/^Added account [a-z2-7]{12} \("hana"\)\.$/);

    const listed = await runCliCaptured(['users', 'list', '--data', dataDir]);
    expect(listed.stdout).toMatch(/^[a-z2-7]{12} {2}hana +password$/);
    const bytes = Buffer.concat(
      ['moat.db', 'moat.db-wal']
        .map((name) => join(dataDir, name))
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path)),
    );
    expect(bytes.includes(password)).toBe(false);
  });

  it.each([
    [['users', 'add', 'ivy', '--password', 'secret-on-the-line'], /Unknown option '--password'/],
    [['users', 'add'], /give exactly one NAME/],
    [['users', 'add', 'bad name'], /user name must be/],
  ])('refuses %j as a usage error', async (argv, message) => {
    const run = await runCliCaptured([...argv, '--data', dataDir], {}, 'long enough password');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a short password and a name taken already', async () => {
    await runCliCaptured(['users', 'add', 'jo', '--data', dataDir], {}, 'long enough password');
    const again = await runCliCaptured(
      ['users', 'add', 'jo', '--data', dataDir],
      {},
      'x'.repeat(12),
    );
    expect(again.stderr).toMatch(/exists already/);
    const short = await runCliCaptured(['users', 'add', 'kim', '--data', dataDir], {}, 'short');
    expect(short.stderr).toMatch(/10 to 1024 characters/);
  });

  it('has help text', async () => {
    const help = await runCliCaptured(['users', 'add', '--help']);
    expect(help.stdout).toMatch(/never taken from the command line/);
  });
});
