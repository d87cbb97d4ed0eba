import { describe, expect, it } from 'vitest';
import { MoatError } from '../errors/index.js';
import {
  encodeAuditEntry,
  GENESIS_HASH,
  sealAuditEntry,
  type AuditRecordInput,
} from './audit-entry.js';

const base: AuditRecordInput = {
  actor: { kind: 'key', id: 'abcdefghijkl', role: 'admin' },
  action: 'key.created',
  targets: ['key:mnopqrstuvwx'],
  outcome: 'ok',
};
const when = new Date(Date.UTC(2026, 11, 3, 12, 0, 0, 5));

describe('sealAuditEntry', () => {
  it('starts the chain at the genesis hash and links each entry to the one before', () => {
    const first = sealAuditEntry(undefined, base, when);
    const second = sealAuditEntry(first, { ...base, reason: 'rotation' }, when);

    expect(first).toMatchObject({
      seq: 1,
      prevHash: GENESIS_HASH,
      time: '2026-12-03T12:00:00.005Z',
    });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, reason: 'rotation' });
    expect(second.hash).not.toBe(first.hash);
  });

  it('hashes a fixed-order JSON array that any JSON encoder reproduces', () => {
    const entry = sealAuditEntry(undefined, base, when);
    expect(encodeAuditEntry(entry)).toBe(
      '["moat.audit.entry.v1",1,"2026-12-03T12:00:00.005Z","key","abcdefghijkl","admin",' +
        `"key.created",["key:mnopqrstuvwx"],"ok",null,"${GENESIS_HASH}"]`,
    );
  });

  const canary = 'CANARY-ae81f0 secret prompt text';
  it.each([
    ['targets', { ...base, targets: [canary] }],
    ['targets', { ...base, targets: [`memory:${canary}`] }],
    ['actor.id', { ...base, actor: { ...base.actor, id: canary } }],
    ['actor.role', { ...base, actor: { ...base.actor, role: 'Admin!' } }],
    ['reason', { ...base, reason: `line one\n${canary}` }],
    ['reason', { ...base, reason: 'x'.repeat(501) }],
    ['reason', { ...base, reason: '   ' }],
    ['action', { ...base, action: 'key.stolen' as never }],
    ['outcome', { ...base, outcome: 'maybe' as never }],
  ])('refuses a bad %s without quoting it', (field, input) => {
    let thrown: unknown;
    try {
      sealAuditEntry(undefined, input, when);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MoatError);
    expect((thrown as MoatError).param).toBe(field);
    expect(JSON.stringify(thrown) + String(thrown)).not.toContain('CANARY');
  });
});
