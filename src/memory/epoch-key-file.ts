import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
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
    let kept: SecretKey = key;
    this.#update((file) => {
      // Another process may have made this epoch's key meanwhile; theirs stands.
      const made = file.epochs[String(epoch)];
      if (made !== undefined) {
        kept = this.#unwrap(epoch, made);
        return;
      }
      file.epochs[String(epoch)] = wrapKey({
        wrappingKey: this.#masterKey,
        key,
        context: epochContext(epoch),
      }).toString('base64');
    });
    return { epoch, key: kept };
  }

  /** The epoch's key while it exists; undefined once destroyed (or never made). */
  keyFor(epoch: number): SecretKey | undefined {
    const wrapped = this.#read().epochs[String(epoch)];
    return wrapped === undefined ? undefined : this.#unwrap(epoch, wrapped);
  }

  #unwrap(epoch: number, wrapped: string): SecretKey {
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
    this.#update((file) => {
      for (const keyId of keyIds) file.destroyed[keyId] = at.toISOString();
    });
  }

  isDestroyed(keyId: string): boolean {
    return this.#read().destroyed[keyId] !== undefined;
  }

  /** Every destroyed key id at once, for work that checks many keys (a restore). */
  destroyedKeyIds(): ReadonlySet<string> {
    return new Set(Object.keys(this.#read().destroyed));
  }

  /**
   * Destroys every epoch key whose window has passed, and forgets destroyed key ids no
   * backup can revive any more. Returns the epochs destroyed.
   */
  destroyDue(nowMs: number): number[] {
    let due: number[] = [];
    this.#update((file) => {
      const isDue = (epoch: string) => this.destroyAtMs(Number(epoch)) <= nowMs;
      const kept = Object.entries(file.epochs).filter(([epoch]) => !isDue(epoch));
      due = Object.keys(file.epochs).filter(isDue).map(Number);

      // A destroyed key id matters only while a backup made before its destruction can still
      // be opened, that is while an epoch key at least as old survives.
      const oldestKept = Math.min(
        ...kept.map(([epoch]) => Number(epoch)),
        epochAt(this.#schedule, nowMs),
      );
      const destroyed = Object.entries(file.destroyed).filter(
        ([, at]) => epochAt(this.#schedule, Date.parse(at)) >= oldestKept,
      );
      file.epochs = Object.fromEntries(kept);
      file.destroyed = Object.fromEntries(destroyed);
    });
    return due;
  }

  /** Re-wraps every epoch key under a new master key (rotation); already re-wrapped ones stay. */
  rewrapAll(newMasterKey: SecretKey): number {
    let count = 0;
    this.#update((file) => {
      for (const [epoch, wrapped] of Object.entries(file.epochs)) {
        const bytes = Buffer.from(wrapped, 'base64');
        file.epochs[epoch] = rewrapKey({
          wrapped: bytes,
          context: epochContext(Number(epoch)),
          oldWrappingKey: this.#masterKey,
          newWrappingKey: newMasterKey,
        }).toString('base64');
      }
      count = Object.keys(file.epochs).length;
    });
    return count;
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

  /**
   * Reads, changes and writes the file under a lock, so that a running Moat and a command
   * changing it at once never lose each other's changes: a destroyed key id lost here is a
   * key a restore could bring back.
   */
  #update(change: (file: EpochFile) => void): void {
    // With a PostgreSQL store the data folder may not exist yet; the file still needs a home.
    mkdirSync(dirname(this.#path), { recursive: true, mode: 0o700 });
    withFileLock(`${this.#path}.lock`, () => {
      const file = this.#read();
      change(file);
      this.#write(file);
    });
  }

  #write(file: EpochFile): void {
    const next = `${this.#path}.next`;
    writeFileSync(next, `${JSON.stringify(file)}\n`, { mode: 0o600 });
    chmodSync(next, 0o600);
    renameSync(next, this.#path);
  }
}

const LOCK_WAIT_MS = 10_000;
/** A lock older than this was left by a process that died holding it. */
const STALE_LOCK_MS = 30_000;

/** Runs `action` while holding an exclusive lock file; waits for another holder, briefly. */
function withFileLock(lockPath: string, action: () => void): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lockPath)) rmSync(lockPath, { force: true });
      else if (Date.now() > deadline) throw new Error(`the epoch key file is locked: ${lockPath}`);
      else Atomics.wait(SLEEPER, 0, 0, 5);
    }
  }
  try {
    action();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}

function epochContext(epoch: number) {
  return { purpose: SEAL_PURPOSES.epochKey, epoch };
}
