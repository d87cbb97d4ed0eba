/**
 * What Moat's own crypto costs: sealing and opening against bare AES-256-GCM from
 * node:crypto on the same bytes (the floor: no header, no bound context), and the per-call
 * cost of wrapping, signing and blind tokens. Runs in this process, in a few seconds.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  SecretKey,
  blindTokens,
  checkSignature,
  createSignature,
  deriveIndexKey,
  generateSigningKeyPair,
  open,
  seal,
  unwrapKey,
  wrapKey,
  type SealContext,
} from '../src/crypto/index.js';

const MEASURE_MS = 400;
const ROUNDS = 3;
const context: SealContext = { purpose: 'item-content', ownerId: 'owner-1', itemId: 'item-1' };

/** Calls per second of `action` over one fixed-length round. */
function measureRound(action: () => unknown): number {
  let calls = 0;
  const startMs = performance.now();
  while (performance.now() - startMs < MEASURE_MS) {
    action();
    calls += 1;
  }
  return (calls * 1000) / (performance.now() - startMs);
}

/** Best calls per second of one action over a few rounds. */
function callsPerSecond(action: () => unknown): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round += 1) best = Math.max(best, measureRound(action));
  return best;
}

/** Best calls per second of two actions, in alternating rounds so drift hits both alike. */
function compare(first: () => unknown, second: () => unknown): [number, number] {
  let bestFirst = 0;
  let bestSecond = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    bestFirst = Math.max(bestFirst, measureRound(first));
    bestSecond = Math.max(bestSecond, measureRound(second));
  }
  return [bestFirst, bestSecond];
}

/** The same work as seal then open, in the same buffer layout, without header or context. */
function bareSealOpen(keyBytes: Buffer, plaintext: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes, nonce);
  const sealed = Buffer.concat([
    nonce,
    cipher.update(plaintext),
    cipher.final(),
    cipher.getAuthTag(),
  ]);

  const decipher = createDecipheriv('aes-256-gcm', keyBytes, sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const body = decipher.update(sealed.subarray(12, sealed.length - 16));
  decipher.final();
  return body;
}

function throughputRows(): string[] {
  const key = SecretKey.generate();
  const keyBytes = randomBytes(32);
  const rows: string[] = [];
  for (const sizeBytes of [4 * 1024, 1024 * 1024]) {
    const plaintext = randomBytes(sizeBytes);
    const toMiBPerSecond = (calls: number): string =>
      ((calls * sizeBytes) / (1024 * 1024)).toFixed(0);
    const [moat, bare] = compare(
      () => open(key, seal(key, plaintext, context), context),
      () => bareSealOpen(keyBytes, plaintext),
    );
    const sizeText = sizeBytes >= 1024 * 1024 ? '1 MiB' : '4 KiB';
    rows.push(
      `  seal+open ${sizeText}: moat ${toMiBPerSecond(moat)} MiB/s, bare AES-GCM ` +
        `${toMiBPerSecond(bare)} MiB/s (${((moat / bare) * 100).toFixed(0)}%)`,
    );
  }
  return rows;
}

function perCallRows(): string[] {
  const master = SecretKey.generate();
  const ownerKey = SecretKey.generate();
  const keyContext: SealContext = { purpose: 'owner-key', ownerId: 'owner-1' };
  const wrapped = wrapKey({ wrappingKey: master, key: ownerKey, context: keyContext });
  const signing = {
    signingKey: generateSigningKeyPair(),
    purpose: 'audit-checkpoint',
    payload: { seq: 100_000, hash: 'ab'.repeat(32), time: new Date(0).toISOString() },
  } as const;
  const signature = createSignature(signing);
  const publicKey = signing.signingKey.publicKey;
  const indexKey = deriveIndexKey(ownerKey);
  const text = 'The quick brown fox jumps over the lazy dog by the river at noon. '.repeat(16);

  const actions: Record<string, () => unknown> = {
    'unwrap an owner key': () => unwrapKey({ wrappingKey: master, wrapped, context: keyContext }),
    'sign a checkpoint': () => createSignature(signing),
    'verify a checkpoint': () => checkSignature({ ...signing, publicKey, signature }),
    'blind tokens of 1 KiB of text': () => blindTokens(indexKey, text),
  };
  return Object.entries(actions).map(([name, action]) => {
    const calls = Math.round(callsPerSecond(action));
    return `  ${name}: ${calls.toLocaleString('en')}/s`;
  });
}

/** Prints the crypto section of the bench. */
export function runCryptoBench(): void {
  console.log('crypto (one core, in the bench process):');
  for (const row of [...throughputRows(), ...perCallRows()]) console.log(row);
}
