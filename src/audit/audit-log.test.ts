import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type MoatStore } from '../store/index.js';
import { generateSigningKeyPair } from '../crypto/index.js';
import { checkpointSigner } from './checkpoint-keys.js';
import { AuditLog } from './audit-log.js';

const signer = checkpointSigner(generateSigningKeyPair());

const baseConfig = {
  dataDir: '/srv/moat',
  server: { host: '127.0.0.1', port: 8787 },
  models: [{ name: 'demo', file: '/m/demo.gguf' }],
};

let store: MoatStore;
beforeEach(() => {
  store = openSqliteStore(':memory:');
});
afterEach(async () => {
  await store.close();
});

async function actions(): Promise<string[]> {
  return (await store.audit.read({})).map((entry) => entry.action);
}

describe('AuditLog.recordStart', () => {
  it('records the configuration hash at each start and names changed settings only', async () => {
    await new AuditLog({ store: store.audit }).recordStart(baseConfig);
    await new AuditLog({ store: store.audit }).recordStart(baseConfig);
    const changed = {
      ...baseConfig,
      server: { host: '127.0.0.1', port: 9999 },
      models: [
        { name: 'demo', file: '/m/secret-path-canary.gguf' },
        { name: 'extra', file: '/x' },
      ],
    };
    await new AuditLog({ store: store.audit }).recordStart(changed);

    expect(await actions()).toEqual([
      'audit.started',
      'catalog.changed',
      'audit.started',
      'config.changed',
      'audit.started',
      'catalog.changed',
    ]);
    const entries = (await store.audit.read({})).filter((e) => e.action !== 'catalog.changed');
    expect(entries[0]?.targets[0]).toMatch(/^config-hash:[0-9a-f]{16}$/);
    expect(entries[1]?.targets).toEqual(entries[0]?.targets);
    expect(entries[2]?.targets).toEqual([
      'setting:models.demo.file',
      'setting:models.extra.file',
      'setting:models.extra.name',
      'setting:server.port',
    ]);
    expect(entries[3]?.targets).not.toEqual(entries[0]?.targets);
    // Hashes and times are hex and digits, so they could hold "9999" by chance; what must
    // not hold the value are the fields a setting could reach.
    const settingFields = entries.map(({ actor, action, targets, outcome, reason }) => {
      const named = targets.filter((target) => !target.startsWith('config-hash:'));
      return { actor, action, targets: named, outcome, reason };
    });
    expect(JSON.stringify(settingFields)).not.toMatch(/9999|canary/);
  });
});

describe('AuditLog.recordStart on the catalog and the egress rules', () => {
  const rule = (destination: string, ports: number[]) => ({
    destination,
    ports,
    justification: 'The team runs its inference servers there.',
    approvedBy: 'Dana Fischer',
    expires: '2027-06-30',
  });

  async function targetsOf(action: string): Promise<(readonly string[])[]> {
    const entries = await store.audit.read({});
    return entries.filter((entry) => entry.action === action).map((entry) => entry.targets);
  }

  it('names every model and rule as added on the first start', async () => {
    const config = { ...baseConfig, egress: { allow: [rule('10.1.2.3', [8000])] } };
    await new AuditLog({ store: store.audit }).recordStart(config);

    expect(await targetsOf('catalog.changed')).toEqual([['model-added:demo', 'count:1']]);
    expect(await targetsOf('egress.rule-added')).toEqual([['host:10.1.2.3', 'count:1']]);
  });

  it('names models and rules added, changed and removed, by name, whatever their order', async () => {
    const first = {
      ...baseConfig,
      models: [
        { name: 'demo', file: '/m/demo.gguf' },
        { name: 'gone', file: '/m/gone.gguf' },
      ],
      egress: { allow: [rule('10.1.2.3', [8000]), rule('127.0.0.1', [11434])] },
    };
    const second = {
      ...baseConfig,
      models: [
        { name: 'new-model', file: '/m/new.gguf' },
        { name: 'demo', file: '/m/demo.gguf' },
      ],
      egress: {
        allow: [rule('127.0.0.1', [11434, 8080]), rule('db.internal', [5432])],
      },
    };
    await new AuditLog({ store: store.audit }).recordStart(first);
    await new AuditLog({ store: store.audit }).recordStart(first);
    await new AuditLog({ store: store.audit }).recordStart(second);

    const catalog = await targetsOf('catalog.changed');
    expect(catalog).toHaveLength(2);
    expect(catalog[1]).toEqual(['model-added:new-model', 'model-removed:gone', 'count:2']);
    expect((await targetsOf('egress.rule-added')).at(-1)).toEqual(['host:db.internal', 'count:1']);
    expect(await targetsOf('egress.rule-changed')).toEqual([['host:127.0.0.1', 'count:1']]);
    expect(await targetsOf('egress.rule-removed')).toEqual([['host:10.1.2.3', 'count:1']]);
  });
});

describe('AuditLog checkpoints', () => {
  it('signs every so many entries and on close, after recording the stop', async () => {
    const log = new AuditLog({ store: store.audit, signer, checkpointEveryEntries: 3 });
    for (let n = 0; n < 7; n += 1) {
      await log.record({
        actor: { kind: 'system', id: 'moat', role: 'system' },
        action: 'memory.swept',
        outcome: 'ok',
      });
    }
    await log.close();
    await log.close();

    const checkpoints = await store.audit.checkpoints();
    expect(checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint.reason])).toEqual([
      [3, 'interval'],
      [6, 'interval'],
      [8, 'shutdown'],
    ]);
    expect((await actions()).at(-1)).toBe('audit.stopped');
  });

  it('writes no checkpoint without a signer', async () => {
    const log = new AuditLog({ store: store.audit });
    await log.record({
      actor: { kind: 'operator', id: 'cli', role: 'operator' },
      action: 'key.created',
      outcome: 'ok',
    });
    await log.close();
    expect(await store.audit.checkpoints()).toEqual([]);
    expect(await actions()).toEqual(['key.created', 'audit.stopped']);
  });
});
