import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importPublicKeyPem } from '../crypto/index.js';
import {
  createBackup,
  parseBackup,
  readPublicKey,
  restoreBackup,
  verifyDeletionReceipt,
  verifyErasure,
} from '../memory/index.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { onePositional, printHelp, readReceipt, STORE_OPTIONS } from './memory-command-support.js';
import { operatorActor } from './operator-actor.js';
import { MEMORY_OPTIONS_HELP, withMemory } from './with-memory.js';

const backupCreateCommand: CliCommand = {
  summary: 'Write a backup of memory and the keyring',
  help: `Usage: moat backup create --out FILE [options]

Writes every memory item (ciphertext, keyed tokens and metadata only) and the keyring,
sealed under the current backup epoch's key. Once that epoch's window passes
(keys.backupKeepSeconds after it ends) the keyring in the file can no longer be opened.

Options:
  --out FILE      Where to write the backup (created owner-only)
${MEMORY_OPTIONS_HELP}`,
  run: runBackupCreate,
};

async function runBackupCreate(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({ args, options: { ...STORE_OPTIONS, out: { type: 'string' } }, strict: true }),
  );
  if (values.help === true) return printHelp(backupCreateCommand, context);
  const out = values.out;
  if (out === undefined) throw new UsageError('--out FILE is required');

  const backup = await withMemory({ values, context }, async (memory, auditor) => {
    const made = await createBackup(memory.store, memory.epochKeys, new Date());
    await auditor.record({
      actor: operatorActor(),
      action: 'backup.created',
      targets: [`epoch:${made.epoch}`, `items:${made.items.length}`],
      outcome: 'ok',
    });
    return made;
  });
  writeFileSync(out, JSON.stringify(backup), { mode: 0o600 });
  context.output.print(
    `Wrote ${out}: ${backup.items.length} item(s), keyring sealed under epoch ${backup.epoch}.`,
  );
  return EXIT_CODES.ok;
}

const backupRestoreCommand: CliCommand = {
  summary: 'Restore a backup into the configured store',
  help: `Usage: moat backup restore FILE [options]

Adds the backup's items and keys that the store lacks. Keys destroyed since the backup
was made stay destroyed, so erased owners and deleted items stay unreadable.

Options:
${MEMORY_OPTIONS_HELP}`,
  run: runBackupRestore,
};

async function runBackupRestore(args: string[], context: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseOrUsageError(() =>
    parseArgs({ args, options: STORE_OPTIONS, strict: true, allowPositionals: true }),
  );
  if (values.help === true) return printHelp(backupRestoreCommand, context);
  const backup = parseBackup(
    readFileSync(onePositional(positionals, 'give one backup file'), 'utf8'),
  );

  const result = await withMemory(
    { values, context, mustExist: false },
    async (memory, auditor) => {
      const restored = await restoreBackup(memory.store, backup, {
        epochKeys: memory.epochKeys,
        masterKey: memory.masterKey,
      });
      await auditor.record({
        actor: operatorActor(),
        action: 'backup.restored',
        targets: [
          `epoch:${backup.epoch}`,
          `items:${restored.itemsRestored}`,
          `keys-refused:${restored.keysRefused}`,
        ],
        outcome: 'ok',
      });
      return restored;
    },
  );
  context.output.print(
    `Restored ${result.itemsRestored} item(s) (${result.itemsPresent} already present, ` +
      `${result.itemsRefused} deleted since), ` +
      `${result.ownerKeysRestored} owner key(s), ${result.itemKeysRestored} item key(s); ` +
      `refused ${result.keysRefused} destroyed key(s).` +
      (result.ownerKeysUnderOtherMasterKey === 0
        ? ''
        : ` Skipped ${result.ownerKeysUnderOtherMasterKey} owner key(s) wrapped under an ` +
          'earlier master key: their items stay unreadable unless the backup is restored ' +
          'with that key and the master key rotated afterwards.') +
      (result.isKeyringOpened ? '' : ' The keyring could not be opened: its epoch key is gone.'),
  );
  return EXIT_CODES.ok;
}

const verifyErasureCommand: CliCommand = {
  summary: 'Show that the items of a receipt cannot be decrypted from a backup',
  help: `Usage: moat backup verify-erasure FILE --receipt RECEIPT [options]

For every item the receipt names that the backup holds, tries every key still in
existence: the live keyring's, and the backup's own keyring while its epoch key lives.
Exit code 0 when none opens any item, 1 otherwise (with the time the backup's window ends).

Options:
  --receipt FILE  A deletion receipt (checked against the store's signing key first)
  --public-key PEM  Check the receipt against this public key instead (for a store
                  restored elsewhere, whose signing key is a new one)
${MEMORY_OPTIONS_HELP}`,
  run: runVerifyErasure,
};

async function runVerifyErasure(args: string[], context: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: { ...STORE_OPTIONS, receipt: { type: 'string' }, 'public-key': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help === true) return printHelp(verifyErasureCommand, context);
  const pemFile = values['public-key'];
  if (values.receipt === undefined) throw new UsageError('--receipt FILE is required');
  const backup = parseBackup(
    readFileSync(onePositional(positionals, 'give one backup file'), 'utf8'),
  );
  const receipt = readReceipt(values.receipt);

  const report = await withMemory({ values, context }, async (memory) => {
    const publicKey =
      pemFile === undefined
        ? await readPublicKey(memory.store.keyring)
        : importPublicKeyPem(readFileSync(pemFile, 'utf8'));
    if (publicKey === undefined || !verifyDeletionReceipt(receipt, publicKey).isValid) {
      const whose = pemFile === undefined ? "this store's signing key" : pemFile;
      throw new Error(`the receipt does not verify against ${whose}`);
    }
    return verifyErasure({ ...memory, masterKey: memory.masterKey, backup, receipt });
  });

  for (const item of report.items) {
    const live = item.isOpenedByLiveKeys ? 'OPENS' : 'cannot open';
    const kept = item.isOpenedByBackupKeyring
      ? `OPENS until ${item.backupKeyringUntil ?? '?'}`
      : 'cannot open';
    context.output.print(`item ${item.hashedId}: live keys ${live}; backup keyring ${kept}`);
  }
  context.output.print(
    `${report.items.length} item(s) of the receipt in this backup, ` +
      `${report.notInBackup} not in it: ` +
      (report.isErased ? 'ERASED: no key in existence decrypts any of them.' : 'NOT YET ERASED.'),
  );
  return report.isErased ? EXIT_CODES.ok : EXIT_CODES.failure;
}

export const BACKUP_SUBCOMMANDS = {
  create: backupCreateCommand,
  restore: backupRestoreCommand,
  'verify-erasure': verifyErasureCommand,
} as const;
