import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretKey } from './secret-key.js';
import {
  exportPublicKeyPem,
  generateSigningKeyPair,
  importPublicKeyPem,
  publicKeyId,
  unwrapSigningKey,
  wrapSigningKey,
} from './signing-key.js';
import {
  checkSignature,
  createSignature,
  signPayload,
  verifySignedPayload,
} from './signed-payload.js';

const pair = generateSigningKeyPair();
const receipt = { subject: 'owner-a', itemCount: 3, destroyedKeyIds: ['0011223344556677'] };

describe('signed payloads', () => {
  it('verify after a trip through a JSON file with keys reordered', () => {
    const signed = signPayload({ signingKey: pair, purpose: 'deletion-receipt', payload: receipt });
    const reread: unknown = JSON.parse(
      JSON.stringify({ ...signed, payload: Object.fromEntries(Object.entries(receipt).reverse()) }),
    );
    const publicKey = importPublicKeyPem(exportPublicKeyPem(pair.publicKey));
    expect(verifySignedPayload({ publicKey, purpose: 'deletion-receipt', signed: reread })).toEqual(
      {
        isValid: true,
      },
    );
  });

  it('never verify for another purpose, even with the purpose field rewritten', () => {
    const signed = signPayload({ signingKey: pair, purpose: 'deletion-receipt', payload: receipt });
    const asCheckpoint = { publicKey: pair.publicKey, purpose: 'audit-checkpoint' } as const;
    expect(verifySignedPayload({ ...asCheckpoint, signed })).toEqual({
      isValid: false,
      problem: 'wrongPurpose',
    });
    const relabelled = { ...signed, purpose: 'audit-checkpoint' };
    expect(verifySignedPayload({ ...asCheckpoint, signed: relabelled })).toEqual({
      isValid: false,
      problem: 'badSignature',
    });
  });

  it('catch an altered payload, another key and malformed documents', () => {
    const signed = signPayload({
      signingKey: pair,
      purpose: 'audit-checkpoint',
      payload: { seq: 10 },
    });
    const check = (document: unknown, publicKey = pair.publicKey) =>
      verifySignedPayload({ publicKey, purpose: 'audit-checkpoint', signed: document });

    expect(check({ ...signed, payload: { seq: 9 } })).toEqual({
      isValid: false,
      problem: 'badSignature',
    });
    expect(check(signed, generateSigningKeyPair().publicKey)).toEqual({
      isValid: false,
      problem: 'wrongKey',
    });
    const other = generateSigningKeyPair();
    expect(check({ ...signed, keyId: other.keyId }, other.publicKey)).toEqual({
      isValid: false,
      problem: 'badSignature',
    });
    for (const malformed of [
      null,
      'text',
      {},
      { ...signed, version: 2 },
      { ...signed, signature: 'abc' },
    ]) {
      expect(check(malformed)).toEqual({ isValid: false, problem: 'malformed' });
    }
  });

  it('catch every flipped bit of the signature', () => {
    const signed = signPayload({ signingKey: pair, purpose: 'deletion-receipt', payload: receipt });
    const signature = Buffer.from(signed.signature, 'base64url');
    for (let bit = 0; bit < signature.length * 8; bit++) {
      const altered = Buffer.from(signature);
      altered[bit >> 3] = (altered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      const document = { ...signed, signature: altered.toString('base64url') };
      expect(
        verifySignedPayload({
          publicKey: pair.publicKey,
          purpose: 'deletion-receipt',
          signed: document,
        }),
      ).toEqual({ isValid: false, problem: 'badSignature' });
    }
  });

  it('refuse to sign payloads that are not plain JSON', () => {
    expect(() =>
      signPayload({ signingKey: pair, purpose: 'deletion-receipt', payload: { at: new Date() } }),
    ).toThrow(/at is not a plain object/);
  });
});

describe('bare signatures', () => {
  const checkpoint = { seq: 41, hash: 'ab'.repeat(32), time: '2026-12-03T18:00:00.000Z' };

  it('match the signature inside a signed payload and check with the public key alone', () => {
    const options = { signingKey: pair, purpose: 'audit-checkpoint', payload: checkpoint } as const;
    const signature = createSignature(options);
    expect(signature).toBe(signPayload(options).signature);
    const publicKey = pair.publicKey;
    expect(
      checkSignature({ publicKey, purpose: 'audit-checkpoint', payload: checkpoint, signature }),
    ).toBe(true);
  });

  it('fail for another purpose, payload, key or a malformed signature', () => {
    const signature = createSignature({
      signingKey: pair,
      purpose: 'audit-checkpoint',
      payload: checkpoint,
    });
    const base = {
      publicKey: pair.publicKey,
      purpose: 'audit-checkpoint',
      payload: checkpoint,
      signature,
    } as const;
    const failing = [
      { ...base, purpose: 'deletion-receipt' as const },
      { ...base, payload: { ...checkpoint, seq: 40 } },
      { ...base, publicKey: generateSigningKeyPair().publicKey },
      { ...base, signature: signature.slice(1) },
      { ...base, signature: `${signature.slice(0, 85)}*` },
      { ...base, payload: { at: undefined } },
      { ...base, publicKey: generateKeyPairSync('ed448').publicKey },
      { ...base, publicKey: pair.privateKey },
    ];
    for (const options of failing) expect(checkSignature(options)).toBe(false);
  });
});

describe('signing keys', () => {
  it('persist only wrapped under the master key, bound to their key id', () => {
    const master = SecretKey.generate();
    const wrapped = wrapSigningKey(master, pair);
    const restored = unwrapSigningKey(master, wrapped, pair.keyId);
    expect(restored.keyId).toBe(pair.keyId);
    const signed = signPayload({ signingKey: restored, purpose: 'audit-checkpoint', payload: [1] });
    expect(
      verifySignedPayload({ publicKey: pair.publicKey, purpose: 'audit-checkpoint', signed })
        .isValid,
    ).toBe(true);
    expect(() => unwrapSigningKey(master, wrapped, 'ffffffffffffffff')).toThrow(/another context/);
    expect(() => unwrapSigningKey(SecretKey.generate(), wrapped, pair.keyId)).toThrow(
      /another key/,
    );
  });

  it('show only the key id when printed', () => {
    const privatePem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const body = privatePem.split('\n')[1] ?? '';
    expect(JSON.stringify(pair)).toBe(`{"keyId":"${pair.keyId}"}`);
    expect(JSON.stringify(pair)).not.toContain(body);
  });

  it('export PEM and a 16-hex-digit id that survives the round trip', () => {
    const pem = exportPublicKeyPem(pair.publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(publicKeyId(importPublicKeyPem(pem))).toBe(pair.keyId);
    expect(pair.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuse public keys that are not Ed25519 PEM', () => {
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    for (const pem of ['not a key', rsaPem]) {
      expect(() => importPublicKeyPem(pem)).toThrow(
        expect.objectContaining({ code: 'invalid_public_key' }),
      );
    }
  });
});
