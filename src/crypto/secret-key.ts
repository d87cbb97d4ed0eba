import { createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { MoatError } from '../errors/index.js';
import { wipe } from './wipe.js';

/** Every symmetric key in Moat is 256 bits: AES-256-GCM keys and HMAC keys alike. */
export const KEY_BYTES = 32;

/** Bytes of a key id: 64 bits tell keys apart without saying anything about them. */
export const KEY_ID_BYTES = 8;

const KEY_ID_LABEL = 'moat/key-id/v1';

const keyBytesByKey = new WeakMap<SecretKey, Buffer>();

/**
 * A 256-bit secret key. The bytes are held out of sight: neither `JSON.stringify`, pino nor
 * `util.inspect` can print them, only the key id. Call `destroy()` when done with it.
 */
export class SecretKey {
  /**
   * Safe to show and store: the first 8 bytes of HMAC-SHA256 keyed by this key over a fixed
   * label, in hex. Without the key it cannot be computed, and it reveals nothing of the key.
   */
  readonly id: string;

  private constructor(bytes: Buffer) {
    keyBytesByKey.set(this, bytes);
    this.id = keyIdOf(bytes);
  }

  /** A fresh key from the operating system's random source. */
  static generate(): SecretKey {
    return new SecretKey(randomBytes(KEY_BYTES));
  }

  /** A key from 32 bytes. The bytes are copied; the caller should wipe its own copy. */
  static fromBytes(bytes: Uint8Array): SecretKey {
    if (bytes.length !== KEY_BYTES) {
      throw new MoatError('internal_error', { detail: `A key must be ${KEY_BYTES} bytes.` });
    }
    const copy = Buffer.alloc(KEY_BYTES);
    copy.set(bytes);
    return new SecretKey(copy);
  }

  get isDestroyed(): boolean {
    return !keyBytesByKey.has(this);
  }

  /** Overwrites the key's bytes (best effort, see `wipe`); the key cannot be used after. */
  destroy(): void {
    wipe(keyBytesByKey.get(this));
    keyBytesByKey.delete(this);
  }

  toJSON(): { keyId: string } {
    return { keyId: this.id };
  }

  toString(): string {
    return `SecretKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * The key's bytes, for this folder's own primitives only (not exported from the index).
 * The buffer is the key's own: never keep, change or hand it on.
 */
export function readKeyBytes(key: SecretKey): Buffer {
  const bytes = keyBytesByKey.get(key);
  if (bytes === undefined) {
    throw new MoatError('internal_error', { detail: `Key ${key.id} was destroyed.` });
  }
  return bytes;
}

function keyIdOf(bytes: Buffer): string {
  const mac = createHmac('sha256', bytes).update(KEY_ID_LABEL).digest();
  return mac.subarray(0, KEY_ID_BYTES).toString('hex');
}
