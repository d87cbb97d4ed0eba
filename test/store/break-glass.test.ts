import { afterEach, expect, it } from 'vitest';
import { AuditLog, findAuditEntries } from '../../src/audit/index.js';
import { BreakGlass, CaptureVault, type BreakGlassPolicy } from '../../src/break-glass/index.js';
import { parseDeletionReceipt } from '../../src/memory/index.js';
import {
  generateSigningKeyPair,
  SecretKey,
  SIGNATURE_PURPOSES,
  verifySignedPayload,
} from '../../src/crypto/index.js';
import { MoatError } from '../../src/errors/index.js';
import { openStore, type MoatStore, type StoreLocation } from '../../src/store/index.js';
import { describeEachBackend } from '../support/store-backends.js';

const masterKey = SecretKey.generate();
const signingKey = generateSigningKeyPair();
const canary = `canary-${Math.random().toString(36).slice(2)}-capture`;

const opened: MoatStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

interface Setup {
  store: MoatStore;
  location: StoreLocation;
  clock: { now: Date };
  start: (policy?: Partial<BreakGlassPolicy>) => BreakGlass;
}

const ADMIN = 'adminaaaaaaa';
const SECOND_ADMIN = 'adminbbbbbbb';
const READER = 'readeraaaaaa';
const OTHER = 'otheraaaaaaa';
const APP = 'appaaaaaaaaa';

describeEachBackend('break-glass', (harness) => {
  async function setup(): Promise<Setup> {
    const location = await harness.newLocation();
    const store = await openStore(location);
    opened.push(store);
    const keys: [string, ('chat' | 'admin' | 'auditor')[]][] = [
      [ADMIN, ['admin']],
      [SECOND_ADMIN, ['admin', 'chat']],
      [READER, ['auditor']],
      [OTHER, ['chat']],
      [APP, ['chat']],
    ];
    for (const [id, scopes] of keys) {
      await store.apiKeys.insert({
        id,
        name: id,
        scopes,
        tokenHash: 'ab'.repeat(32),
        createdAt: new Date(),
        revokedAt: null,
      });
    }
    const clock = { now: new Date('2026-12-03T10:00:00.000Z') };
    const start = (policy: Partial<BreakGlassPolicy> = {}) =>
      new BreakGlass({
        store,
        auditor: new AuditLog({ store: store.audit, clock: () => clock.now }),
        vault: new CaptureVault({ store: store.breakGlass, masterKey, signingKey }),
        policy: { isSecondAdminRequired: false, retentionHours: 24, ...policy },
        modelNames: ['demo'],
        clock: () => clock.now,
      });
    return { store, location, clock, start };
  }

  const openBody = {
    keyId: APP,
    reason: 'tokenizer drops accents for this app',
    durationMinutes: 15,
    readerKeyId: READER,
  };

  it('captures one key while open, for its reader only, then expires and shreds', async () => {
    const { store, location, clock, start } = await setup();
    const breakGlass = start();
    const grant = await breakGlass.open(ADMIN, openBody);
    expect(breakGlass.openCount()).toBe(1);

    expect(breakGlass.capturing({ keyId: OTHER, model: 'demo' })).toBeUndefined();
    const covering = breakGlass.capturing({ keyId: APP, model: 'demo' });
    expect(covering?.id).toBe(grant.id);
    await breakGlass.capture(grant, {
      route: '/v1/chat/completions',
      request: { q: canary },
      answer: `a ${canary}`,
    });

    const captures = await breakGlass.read(READER, grant.id);
    expect(captures.map((capture) => capture.exchange)).toEqual([
      { route: '/v1/chat/completions', request: { q: canary }, answer: `a ${canary}` },
    ]);
    await expect(breakGlass.read(ADMIN, grant.id)).rejects.toMatchObject({
      code: 'insufficient_scope',
    });
    await expect(breakGlass.read(OTHER, grant.id)).rejects.toBeInstanceOf(MoatError);
    expect((await harness.dump(location)).includes(canary)).toBe(false);

    clock.now = new Date(clock.now.getTime() + 16 * 60_000);
    expect(breakGlass.capturing({ keyId: APP, model: 'demo' })).toBeUndefined();
    const restarted = start();
    await restarted.tick();
    await start().tick();
    expect(restarted.openCount()).toBe(0);

    clock.now = new Date(grant.createdAt.getTime() + 24 * 3_600_000);
    await restarted.tick();
    const [shredded] = await store.breakGlass.listGrants();
    expect(shredded).toMatchObject({ wrappedCaptureKey: null, shreddedAt: clock.now });
    expect(await store.breakGlass.listCaptures(grant.id)).toEqual([]);
    const receipt: unknown = JSON.parse(shredded?.receipt ?? 'null');
    expect(
      verifySignedPayload({
        publicKey: signingKey.publicKey,
        purpose: SIGNATURE_PURPOSES.deletionReceipt,
        signed: receipt,
      }),
    ).toEqual({ isValid: true });
    expect(receipt).toMatchObject({
      payload: {
        kind: 'capture-shred',
        ownerId: `break-glass-grant:${grant.id}`,
        items: { count: 1 },
        keysDestroyed: [{ role: 'capture', keyId: grant.captureKeyId }],
      },
    });
    expect(parseDeletionReceipt(receipt)).toBeDefined();
    await expect(restarted.read(READER, grant.id)).rejects.toMatchObject({ code: 'not_found' });

    const trail = await findAuditEntries(store.audit, {
      filter: { action: 'break-glass' },
      limit: 100,
    });
    expect(trail.map((entry) => [entry.action, entry.actor.id, entry.outcome])).toEqual([
      ['break-glass.opened', ADMIN, 'ok'],
      ['break-glass.captured', 'moat', 'ok'],
      ['break-glass.read', READER, 'ok'],
      ['break-glass.read-refused', ADMIN, 'refused'],
      ['break-glass.read-refused', OTHER, 'refused'],
      ['break-glass.expired', 'moat', 'ok'],
      ['break-glass.shredded', 'moat', 'ok'],
    ]);
    expect(trail[0]).toMatchObject({
      reason: openBody.reason,
      targets: [`grant:${grant.id}`, `key:${APP}`, `reader:${READER}`],
    });
    expect(trail[6]?.targets).toEqual([
      `grant:${grant.id}`,
      'captures:1',
      `key-id:${grant.captureKeyId}`,
    ]);
    expect(JSON.stringify(trail)).not.toContain(canary);
  });

  it('waits for a second administrator when policy says so', async () => {
    const { start } = await setup();
    const breakGlass = start({ isSecondAdminRequired: true });
    const grant = await breakGlass.open(ADMIN, { ...openBody, keyId: undefined, model: 'demo' });
    expect(breakGlass.capturing({ keyId: OTHER, model: 'demo' })).toBeUndefined();

    await expect(breakGlass.approve(ADMIN, grant.id)).rejects.toThrow(/second administrator/);
    await breakGlass.approve(SECOND_ADMIN, grant.id);
    expect(breakGlass.capturing({ keyId: OTHER, model: 'demo' })?.id).toBe(grant.id);

    await breakGlass.close(ADMIN, grant.id);
    expect(breakGlass.capturing({ keyId: OTHER, model: 'demo' })).toBeUndefined();
  });

  it.each([
    [{ readerKeyId: ADMIN }, 'readerKeyId', /admin scope/],
    [{ readerKeyId: SECOND_ADMIN }, 'readerKeyId', /admin scope/],
    [{ readerKeyId: 'nosuchkey234' }, 'readerKeyId', /not an active API key/],
    [{ keyId: 'nosuchkey234' }, 'keyId', /No API key/],
  ])('refuses a grant with %j', async (change, param, message) => {
    const { start } = await setup();
    const attempt = start().open(ADMIN, { ...openBody, ...change });
    const error = await attempt.then(
      () => undefined,
      (thrown: unknown) => thrown as MoatError,
    );
    expect(error?.param).toBe(param);
    expect(error?.message).toMatch(message);
  });
});
