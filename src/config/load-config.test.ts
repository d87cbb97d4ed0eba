import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { ENV_OVERRIDES } from './env-overrides.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

const folders: string[] = [];

function writeConfig(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'moat-config-'));
  folders.push(folder);
  const path = join(folder, 'moat.yaml');
  writeFileSync(path, text);
  return path;
}

/** A file the test may name as a TLS certificate or key; only readability is checked. */
function writePemFile(name: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'moat-pem-'));
  folders.push(folder);
  const path = join(folder, name);
  writeFileSync(path, '-----BEGIN TEST-----\n');
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

  it('blames a bad environment variable on the variable, not on the file', () => {
    const path = writeConfig('');
    for (const value of ['70000', 'eighty', '-1']) {
      const message = errorOf(() => loadConfig({ configPath: path, env: { MOAT_PORT: value } }));

      expect(message).toBe(
        'settings from the environment or command line are not valid:\n' +
          '  - MOAT_PORT (server.port): must be a whole number from 0 to 65535',
      );
    }
  });

  it('names the range of a number in the file, whatever is wrong with it', () => {
    for (const value of ['eighty', '70000', '80.5']) {
      const path = writeConfig(`server:\n  port: ${value}\n`);

      expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toBe(
        `config file ${path} is not valid:\n` +
          '  - server.port: must be a whole number from 0 to 65535',
      );
    }
  });

  it('refuses a catch-all or unspecified egress destination, naming the rule', () => {
    const rule = (destination: string) =>
      [
        `    - destination: "${destination}"`,
        '      ports: [443]',
        '      justification: The inference pool that serves the team.',
        '      approvedBy: Dana Fischer (security)',
        '      expires: 2030-01-01',
      ].join('\n');
    const text = ['egress:', '  allow:', rule('10.0.0.5'), rule('0.0.0.0/0'), rule('::')];
    const path = writeConfig(`${text.join('\n')}\n`);

    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toBe(
      `config file ${path} is not valid:\n` +
        '  - egress.allow[1].destination: covers too many addresses: a range needs a prefix ' +
        'of /8 or longer for IPv4; name the address, or the smallest range that holds the ' +
        'destination\n' +
        '  - egress.allow[2].destination: is an unspecified address ("this host"), which no ' +
        'rule can allow; name the address Moat should reach instead, such as 127.0.0.1 or ' +
        '::1 for a server on this machine',
    );
  });

  it('keeps problems from the file and from the environment apart', () => {
    const path = writeConfig('engine:\n  threads: 0\n');
    const message = errorOf(() =>
      loadConfig({ configPath: path, env: { MOAT_LOG_LEVEL: 'loud', MOAT_PORT: '8080' } }),
    );

    expect(message).toBe(
      'settings from the environment or command line are not valid:\n' +
        '  - MOAT_LOG_LEVEL (log.level): must be one of: ' +
        'fatal, error, warn, info, debug, trace, silent\n' +
        `config file ${path} is not valid:\n` +
        '  - engine.threads: must be a whole number from 1 to 1024',
    );
  });

  it('blames a bad flag on the flag', () => {
    const message = errorOf(() =>
      loadConfig({ configPath: writeConfig(''), env: {}, overrides: { host: '0.0.0.0' } }),
    );

    expect(message).toContain('--host (server.host): is not a loopback address');
    expect(message).not.toContain('config file');
  });

  it('says what is expected in plain words for each kind of problem', () => {
    const path = writeConfig(
      [
        'server:',
        '  allowInsecureHttp: "yes"',
        'log:',
        '  file: ""',
        'models:',
        '  - name: a',
        '    backend: embedded',
        '  - name: b',
        '    backend: cloud',
        '  - name: c',
        '    backend: upstream',
        '    baseUrl: ftp://example.com/v1',
        '    apiKeyEnv: lower-case',
      ].join('\n'),
    );
    const message = errorOf(() => loadConfig({ configPath: path, env: {} }));

    for (const line of [
      '  - server.allowInsecureHttp: must be true or false',
      '  - log.file: must not be empty',
      '  - models[0].file: is required (text)',
      '  - models[1].backend: must be one of: embedded, upstream',
      '  - models[2].baseUrl: must be an http:// or https:// URL',
      '  - models[2].apiKeyEnv: use an environment variable name',
    ]) {
      expect(message).toContain(line);
    }
    expect(message).not.toMatch(/Invalid|expected|received/);
  });

  it('never repeats a value it refuses, from the file or the environment', () => {
    const secret = 'sk-live-4d9c1e';
    const path = writeConfig(
      [
        'server:',
        `  host: ${secret}.example`,
        'models:',
        `  - name: ${secret}!`,
        '    backend: upstream',
        `    baseUrl: ${secret}`,
        `    apiKeyEnv: ${secret}`,
      ].join('\n'),
    );
    const env = { MOAT_LOG_LEVEL: secret, MOAT_THREADS: secret, MOAT_HOST: `${secret}.example` };

    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).not.toContain(secret);
    expect(errorOf(() => loadConfig({ configPath: writeConfig(''), env }))).not.toContain(secret);
  });

  it('names store.url when it is not a PostgreSQL URL, without repeating it', () => {
    const secret = 'mysql://admin:canary-db-password@db.internal/moat';
    const fromFile = errorOf(() =>
      loadConfig({ configPath: writeConfig(`store:\n  url: "${secret}"\n`), env: {} }),
    );
    const fromEnv = errorOf(() => loadConfig({ env: { MOAT_STORE_URL: secret } }));

    expect(fromFile).toContain('store.url');
    expect(fromFile).toContain('postgres://');
    expect(fromEnv).toContain('MOAT_STORE_URL');
    expect(fromFile + fromEnv).not.toContain('canary-db-password');
    const accepted = loadConfig({ env: { MOAT_STORE_URL: 'postgres://moat@127.0.0.1/moat' } });
    expect(accepted.store.url).toBe('postgres://moat@127.0.0.1/moat');
  });

  it('refuses a custom class that needs a context word but names none', () => {
    const path = writeConfig(
      [
        'redaction:',
        '  customClasses:',
        '    - name: CUSTOMER_ID',
        '      pattern: "C-\\\\d{8}"',
        '      requireContext: true',
      ].join('\n'),
    );
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toContain(
      '  - redaction.customClasses[0].requireContext: needs at least one word in contextWords',
    );
  });

  it('refuses a custom class named like a built-in one or an earlier custom one', () => {
    const path = writeConfig(
      [
        'redaction:',
        '  customClasses:',
        '    - { name: PERSON, pattern: "P-\\\\d{4}" }',
        '    - { name: TICKET, pattern: "T-\\\\d{4}" }',
        '    - { name: TICKET, pattern: "TK-\\\\d{4}" }',
      ].join('\n'),
    );
    const error = errorOf(() => loadConfig({ configPath: path, env: {} }));
    expect(error).toContain('redaction.customClasses[0].name: is a built-in class');
    expect(error).toContain('redaction.customClasses[2].name: is the name of an earlier custom');
  });

  it('names the classes a policy may be set for when a key is not one of them', () => {
    const path = writeConfig('redaction:\n  policy:\n    email: { model: allow }\n');
    const error = errorOf(() => loadConfig({ configPath: path, env: {} }));
    expect(error).toContain('redaction.policy.email: is not a known class; use one of');
    expect(error).toContain('EMAIL_ADDRESS');
  });

  it('names the model entry whose upstream URL is not a URL', () => {
    const path = writeConfig('models:\n  - name: a\n    backend: upstream\n    baseUrl: nope\n');
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toContain('models[0].baseUrl');
  });

  it('refuses plain HTTP on a non-loopback address unless told otherwise', () => {
    const path = writeConfig('server:\n  host: 0.0.0.0\n');
    expect(errorOf(() => loadConfig({ configPath: path, env: {} }))).toContain(
      '  - server.host: is not a loopback address, and server.tls is not set',
    );

    const allowed = writeConfig('server:\n  host: 0.0.0.0\n  allowInsecureHttp: true\n');
    expect(loadConfig({ configPath: allowed, env: {} }).server.host).toBe('0.0.0.0');
  });

  it.each(['127.0.0.1', '127.45.6.7', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST'])(
    'serves plain HTTP on the loopback host %s',
    (host) => {
      const config = loadConfig({ configPath: writeConfig(''), env: { MOAT_HOST: host } });

      expect(config.server.host).toBe(host);
    },
  );

  it.each(['0.0.0.0', '10.0.0.1', '128.0.0.1', '::', 'fe80::1'])(
    'refuses plain HTTP on the address %s',
    (host) => {
      const message = errorOf(() =>
        loadConfig({ configPath: writeConfig(''), env: { MOAT_HOST: host } }),
      );

      expect(message).toContain('MOAT_HOST (server.host): is not a loopback address');
    },
  );

  it.each(['127.attacker.example', '127.1', 'moat.internal', 'localhost.example'])(
    'treats the name %s as not loopback, without resolving it',
    (host) => {
      const message = errorOf(() =>
        loadConfig({ configPath: writeConfig(''), env: { MOAT_HOST: host } }),
      );

      expect(message).toContain('MOAT_HOST (server.host): is a host name');
      expect(message).toContain('does not look names up');
    },
  );

  it('serves a non-loopback address over TLS when both files can be read', () => {
    const certFile = writePemFile('cert.pem');
    const keyFile = writePemFile('key.pem');
    const path = writeConfig(
      `server:\n  host: 0.0.0.0\n  tls:\n    certFile: ${certFile}\n    keyFile: ${keyFile}\n`,
    );

    expect(loadConfig({ configPath: path, env: {} }).server.tls).toEqual({ certFile, keyFile });
  });

  it('names the TLS key whose file cannot be read', () => {
    const certFile = writePemFile('cert.pem');
    const folder = mkdtempSync(join(tmpdir(), 'moat-pem-'));
    folders.push(folder);
    mkdirSync(join(folder, 'key.pem'));
    const missing = writeConfig(
      'server:\n  tls:\n    certFile: /nonexistent/cert.pem\n' +
        `    keyFile: ${join(folder, 'key.pem')}\n`,
    );
    const wrongKey = writeConfig(
      `server:\n  tls:\n    certFile: ${certFile}\n    keyFile: /nonexistent/key.pem\n`,
    );

    const message = errorOf(() => loadConfig({ configPath: missing, env: {} }));
    expect(message).toContain('  - server.tls.certFile: cannot be read (not found)');
    expect(message).toContain('  - server.tls.keyFile: cannot be read (not a file)');
    expect(errorOf(() => loadConfig({ configPath: wrongKey, env: {} }))).toBe(
      `config file ${wrongKey} is not valid:\n` +
        '  - server.tls.keyFile: cannot be read (not found); ' +
        "give the path of a PEM file Moat's user may read",
    );
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
    const keys = [
      'dataDir',
      'models',
      'server.tls.certFile',
      'server.tls.keyFile',
      'egress.allow',
      'web.proxyIdentity.header',
      'web.proxyIdentity.trustedAddresses',
      'store.url',
      'keys.masterKeyFile',
      'keys.epochKeyFile',
      'memory.retention.kinds',
      'memory.retention.dataClasses',
      'MOAT_MASTER_KEY',
    ];
    for (const key of Object.keys(configSchema.parse({}).memory.retention)) {
      keys.push(`memory.retention.${key}`);
    }
    const sections = [
      'server',
      'log',
      'engine',
      'breakGlass',
      'web',
      'redaction',
      'keys',
      'memory',
    ] as const;
    for (const section of sections) {
      for (const key of Object.keys(defaults[section])) {
        if (key !== 'retention') keys.push(`${section}.${key}`);
      }
    }
    for (const key of keys) expect(docs, key).toContain(`\`${key}\``);
  });

  it('documents every environment variable Moat reads', () => {
    for (const name of [...Object.keys(ENV_OVERRIDES), 'MOAT_CONFIG']) {
      expect(docs, name).toContain(`\`${name}\``);
    }
  });
});
