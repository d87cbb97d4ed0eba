import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveMasterKey } from './master-key-source.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'moat-master-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('resolveMasterKey', () => {
  it.each([
    { env: { MOAT_MASTER_KEY: '' }, file: undefined, named: 'MOAT_MASTER_KEY is empty' },
    { env: { MOAT_MASTER_KEY: 'not-a-key' }, file: undefined, named: 'MOAT_MASTER_KEY' },
    { env: {}, file: '/nonexistent/master.key', named: 'keys.masterKeyFile' },
  ])('refuses $env / $file, naming $named and never the value', ({ env, file, named }) => {
    const resolve = () => resolveMasterKey({ masterKeyFile: file, dataDir, env });
    expect(resolve).toThrow(named);
    expect(resolve).not.toThrow('not-a-key');
  });

  it('refuses an empty key file', () => {
    const file = join(dataDir, 'given.key');
    writeFileSync(file, '', { mode: 0o600 });
    expect(() => resolveMasterKey({ masterKeyFile: file, dataDir, env: {} })).toThrow(
      'keys.masterKeyFile is empty',
    );
  });

  it('creates an owner-only key file on first start and reads the same key after', () => {
    const first = resolveMasterKey({ masterKeyFile: undefined, dataDir, env: {} });
    const second = resolveMasterKey({ masterKeyFile: undefined, dataDir, env: {} });

    expect(first.generatedFile).toBe(join(dataDir, 'master.key'));
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(second.generatedFile).toBeUndefined();
    expect(second.key.id).toBe(first.key.id);
  });

  it('uses the environment over the generated file, and never writes one then', () => {
    const key = Buffer.from(Array.from({ length: 32 }, (_, index) => index)).toString('base64');
    const resolved = resolveMasterKey({
      masterKeyFile: undefined,
      dataDir,
      env: { MOAT_MASTER_KEY: key },
    });
    expect(resolved.generatedFile).toBeUndefined();
    expect(() => statSync(join(dataDir, 'master.key'))).toThrow();
  });
});
