import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import {
  epochAt,
  epochKeyDestroyAtMs,
  SEAL_PURPOSES,
  rewrapKey,
  SecretKey,
  unwrapKey,
  wrapKey,
  type EpochSchedule,
} from '../crypto/index.js';

/** The file's name in the data folder when `keys.epochKeyFile` names none. */
export const EPOCH_KEY_FILE_NAME = 'epoch-keys.json';

const fileSchema = z.strictObject({
  version: z.literal(1),
  /** Epoch number → its key, wrapped under the master key, base64. */
  epochs: z.record(z.string().regex(/^\d+$/), z.string()),
  /** Id of a destroyed owner or item key → when it was destroyed (ISO-8601). */
  destroyed: z.record(z.string().regex(/^[0-9a-f]{16}$/), z.iso.datetime()),
});

type EpochFile = z.infer<typeof fileSchema>;

/**
 * The backup epoch keys and the list of destroyed key ids, in one small file that lives with
 * the master key rather than in the store: a restore into a fresh store needs both, and a
 * copy of the store alone must not carry them. Epoch keys are wrapped under the master key.
 *
 * Destroying an epoch key deletes it from the file (rewritten whole and renamed into place);
 * the key ids of destroyed keys are kept only as long as a backup could still revive them.
 */
export class EpochKeyFile {
  readonly #path: string;
  readonly #masterKey: SecretKey;
  readonly #schedule: EpochSchedule;

  constructor(options: { path: string; masterKey: SecretKey; schedule: EpochSchedule }) {
    this.#path = options.path;
    this.#masterKey = options.masterKey;
    this.#schedule = options.schedule;
  }

  get schedule(): EpochSchedule {
    return this.#schedule;
  }

  /** The key of the epoch `nowMs` falls in, created and saved when it is new. */
  currentKey(nowMs: number): { epoch: number; key: SecretKey } {
    const epoch = epochAt(this.#schedule, nowMs);
    const existing = this.keyFor(epoch);
    if (existing !== undefined) return { epoch, key: existing };

    const key = SecretKey.generate();
    const file = this.#read();
    file.epochs[String(epoch)] = wrapKey({
      wrappingKey: this.#masterKey,
      key,
      context: epochContext(epoch),
    }).toString('base64');
    this.#write(file);
    return { epoch, key };
  }

  /** The epoch's key while it exists; undefined once destroyed (or never made). */
  keyFor(epoch: number): SecretKey | undefined {
    const wrapped = this.#read().epochs[String(epoch)];
    if (wrapped === undefined) return undefined;
    return unwrapKey({
      wrappingKey: this.#masterKey,
      wrapped: Buffer.from(wrapped, 'base64'),
      context: epochContext(epoch),
    });
  }

  /** When the epoch's key is (or was) due for destruction. */
  destroyAtMs(epoch: number): number {
    return epochKeyDestroyAtMs(this.#schedule, epoch);
  }

  /** Records that these keys were destroyed, so no restore revives them from a backup. */
  recordDestroyed(keyIds: readonly string[], at: Date): void {
    if (keyIds.length === 0) return;
    const file = this.#read();
    for (const keyId of keyIds) file.destroyed[keyId] = at.toISOString();
    this.#write(file);
  }

  isDestroyed(keyId: string): boolean {
    return this.#read().destroyed[keyId] !== undefined;
  }

  /**
   * Destroys every epoch key whose window has passed, and forgets destroyed key ids no
   * backup can revive any more. Returns the epochs destroyed.
   */
  destroyDue(nowMs: number): number[] {
    const file = this.#read();
    const isDue = (epoch: string) => this.destroyAtMs(Number(epoch)) <= nowMs;
    const kept = Object.entries(file.epochs).filter(([epoch]) => !isDue(epoch));
    const due = Object.keys(file.epochs).filter(isDue).map(Number);

    // A destroyed key id matters only while a backup made before its destruction can still
    // be opened, that is while an epoch key at least as old survives.
    const oldestKept = Math.min(
      ...kept.map(([epoch]) => Number(epoch)),
      epochAt(this.#schedule, nowMs),
    );
    const destroyed = Object.entries(file.destroyed).filter(
      ([, at]) => epochAt(this.#schedule, Date.parse(at)) >= oldestKept,
    );
    this.#write({
      version: 1,
      epochs: Object.fromEntries(kept),
      destroyed: Object.fromEntries(destroyed),
    });
    return due;
  }

  /** Re-wraps every epoch key under a new master key (rotation); already re-wrapped ones stay. */
  rewrapAll(newMasterKey: SecretKey): number {
    const file = this.#read();
    for (const [epoch, wrapped] of Object.entries(file.epochs)) {
      const bytes = Buffer.from(wrapped, 'base64');
      file.epochs[epoch] = rewrapKey({
        wrapped: bytes,
        context: epochContext(Number(epoch)),
        oldWrappingKey: this.#masterKey,
        newWrappingKey: newMasterKey,
      }).toString('base64');
    }
    this.#write(file);
    return Object.keys(file.epochs).length;
  }

  /** Epochs whose key still exists. */
  epochs(): number[] {
    return Object.keys(this.#read().epochs)
      .map(Number)
      .sort((a, b) => a - b);
  }

  #read(): EpochFile {
    if (!existsSync(this.#path)) return { version: 1, epochs: {}, destroyed: {} };
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.#path, 'utf8')));
    if (!parsed.success) throw new Error(`the epoch key file ${this.#path} is not readable`);
    return parsed.data;
  }

  #write(file: EpochFile): void {
    const next = `${this.#path}.next`;
    writeFileSync(next, `${JSON.stringify(file)}\n`, { mode: 0o600 });
    chmodSync(next, 0o600);
    renameSync(next, this.#path);
  }
}

function epochContext(epoch: number) {
  return { purpose: SEAL_PURPOSES.epochKey, epoch };
}
