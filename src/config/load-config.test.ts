import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { ENV_OVERRIDES } from './env-overrides.js';
import { ConfigError, loadConfig } from './load-config.js';

const folders: string[] = [];

function writeConfig(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'moat-config-'));
  folders.push(folder);
  const path = join(folder, 'moat.yaml');
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('defaults to loopback, port 8787 and no configured models', () => {
    const config = loadConfig({ configPath: writeConfig(''), env: {} });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(8787);
    expect(config.models).toEqual([]);
    expect(config.log.level).toBe('info');
  });

  it('lets the environment override the file and flags override both', () => {
    const path = writeConfig('server:\n  port: 9000\ndataDir: /from/file\n');
    const env = { MOAT_PORT: '9100', MOAT_DATA_DIR: '/from/env', MOAT_THREADS: '3' };
    const fromEnv = loadConfig({ configPath: path, env });
    expect([fromEnv.server.port, fromEnv.dataDir, fromEnv.engine.threads]).toEqual([
      9100,
      '/from/env',
      3,
    ]);

    const fromFlags = loadConfig({ configPath: path, env, overrides: { port: 9200 } });
    expect(fromFlags.server.port).toBe(9200);
  });

  it('names an unknown key and says how to fix it', () => {
    const message = errorOf(() =>
      loadConfig({ configPath: writeConfig('server:\n  prot: 80\n'), env: {} }),
    );
    expect(message).toContain('server: unknown key(s) prot');
    expect(message).toContain('check the spelling');
  });

  it('names the key of a value out of range, including one set through the environment', () => {
    const path = writeConfig('');
    expect(errorOf(() => loadConfig({ configPath: path, env: { MOAT_PORT: '70000' } }))).toMatch(
      /server\.port: .*65535/,
    );
    expect(errorOf(() => loadConfig({ configPath: path, env: { MOAT_PORT: 'eighty' } }))).toMatch(
      /server\.port: .*number/,
    );
  });

  it('names the model entry whose upstream URL is not a URL', () => {
    const path = writeConfig('models:\n  - name: a\n    backend: upstream\n    baseUrl: nope\n');
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toContain('models[0].baseUrl');
  });

  it('refuses plain HTTP on a non-loopback address unless told otherwise', () => {
    const path = writeConfig('server:\n  host: 0.0.0.0\n');
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toContain('server.tls');

    const allowed = writeConfig('server:\n  host: 0.0.0.0\n  allowInsecureHttp: true\n');
    expect(loadConfig({ configPath: allowed, env: {} }).server.host).toBe('0.0.0.0');
  });

  it('says plainly when the named file is missing or is not YAML', () => {
    expect(errorOf(() => loadConfig({ configPath: '/nonexistent/moat.yaml', env: {} }))).toBe(
      'cannot read config file /nonexistent/moat.yaml: not found',
    );
    const broken = writeConfig('server: [unclosed\n');
    expect(errorOf(() => loadConfig({ configPath: broken, env: {} }))).toContain('not valid YAML');
  });
});

describe('docs/configuration.md', () => {
  const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

  it('documents every top-level and nested key of the schema', () => {
    const defaults = configSchema.parse({});
    const keys = ['dataDir', 'models', 'server.tls.certFile', 'server.tls.keyFile'];
    for (const section of ['server', 'log', 'engine'] as const) {
      for (const key of Object.keys(defaults[section])) keys.push(`${section}.${key}`);
    }
    for (const key of keys) expect(docs, key).toContain(`\`${key}\``);
  });

  it('documents every environment variable Moat reads', () => {
    for (const name of [...Object.keys(ENV_OVERRIDES), 'MOAT_CONFIG']) {
      expect(docs, name).toContain(`\`${name}\``);
    }
  });
});
