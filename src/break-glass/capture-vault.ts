import { randomBytes } from 'node:crypto';
import {
  open,
  seal,
  SEAL_PURPOSES,
  SecretKey,
  unwrapKey,
  wrapKey,
  wipe,
  type SigningKeyPair,
} from '../crypto/index.js';
import { signDeletionReceipt } from '../memory/index.js';
import type { BreakGlassGrant, BreakGlassStore, CaptureRecord } from '../store/index.js';

/** What is captured of one request: the request body as sent, and the answer's text. */
export interface CapturedExchange {
  route: string;
  request: unknown;
  answer: string;
}

/** A capture as its named reader gets it. */
export interface OpenedCapture {
  id: string;
  capturedAt: string;
  exchange: CapturedExchange;
}

/**
 * Seals captured exchanges under a grant's own capture key, opens them for the reader, and
 * shreds them with a signed receipt. The capture key is wrapped under the master key and
 * bound to its grant; shredding deletes the ciphertext and the wrapped key together.
 */
export class CaptureVault {
  readonly #store: BreakGlassStore;
  readonly #masterKey: SecretKey;
  readonly #signingKey: SigningKeyPair;

  constructor(options: {
    store: BreakGlassStore;
    masterKey: SecretKey;
    signingKey: SigningKeyPair;
  }) {
    this.#store = options.store;
    this.#masterKey = options.masterKey;
    this.#signingKey = options.signingKey;
  }

  /** A new capture key for a grant: its id, and the key wrapped under the master key. */
  newCaptureKey(grantId: string): { keyId: string; wrapped: Buffer } {
    const key = SecretKey.generate();
    try {
      const wrapped = wrapKey({ wrappingKey: this.#masterKey, key, context: keyContext(grantId) });
      return { keyId: key.id, wrapped };
    } finally {
      key.destroy();
    }
  }

  async capture(grant: BreakGlassGrant, exchange: CapturedExchange, now: Date): Promise<string> {
    const id = `cap_${randomBytes(9).toString('base64url')}`;
    const plaintext = Buffer.from(JSON.stringify(exchange), 'utf8');
    const sealed = this.#withCaptureKey(grant, (key) =>
      seal(key, plaintext, contentContext(grant.id, id)),
    );
    wipe(plaintext);

    await this.#store.addCapture({ id, grantId: grant.id, capturedAt: now, sealed });
    return id;
  }

  async openAll(grant: BreakGlassGrant): Promise<OpenedCapture[]> {
    const records = await this.#store.listCaptures(grant.id);
    return this.#withCaptureKey(grant, (key) => records.map((record) => openOne(key, record)));
  }

  /** Deletes the grant's captures and capture key; undefined when shredded already. */
  async shred(
    grant: BreakGlassGrant,
    now: Date,
  ): Promise<{ captureCount: number; receipt: string } | undefined> {
    const captures = await this.#store.listCaptures(grant.id);
    // The same receipt as memory's, so `moat receipt verify` checks it. Captures are in no
    // backup Moat makes, so nothing can yield them once the capture key is gone.
    const receipt = JSON.stringify(
      signDeletionReceipt(this.#signingKey, {
        kind: 'capture-shred',
        requestedBy: 'break-glass',
        ownerId: `break-glass-grant:${grant.id}`,
        itemIds: captures.map((capture) => capture.id),
        keysDestroyed: [{ role: 'capture', keyId: grant.captureKeyId }],
        destroyedAt: now,
        unrecoverableAfter: now,
      }),
    );

    const done = await this.#store.shred(grant.id, { shreddedAt: now, receipt });
    return done === undefined ? undefined : { captureCount: done.captureCount, receipt };
  }

  #withCaptureKey<T>(grant: BreakGlassGrant, use: (key: SecretKey) => T): T {
    if (grant.wrappedCaptureKey === null) throw new Error('the grant has been shredded');
    const key = unwrapKey({
      wrappingKey: this.#masterKey,
      wrapped: grant.wrappedCaptureKey,
      context: keyContext(grant.id),
    });
    try {
      return use(key);
    } finally {
      key.destroy();
    }
  }
}

function openOne(key: SecretKey, record: CaptureRecord): OpenedCapture {
  const plaintext = open(key, record.sealed, contentContext(record.grantId, record.id));
  try {
    const exchange = JSON.parse(plaintext.toString('utf8')) as CapturedExchange;
    return { id: record.id, capturedAt: record.capturedAt.toISOString(), exchange };
  } finally {
    wipe(plaintext);
  }
}

function keyContext(grantId: string): { purpose: 'capture-key'; grantId: string } {
  return { purpose: SEAL_PURPOSES.captureKey, grantId };
}

function contentContext(
  grantId: string,
  captureId: string,
): { purpose: 'capture-content'; grantId: string; captureId: string } {
  return { purpose: SEAL_PURPOSES.captureContent, grantId, captureId };
}
