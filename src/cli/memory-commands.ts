import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditLog, checkpointSigner } from '../audit/index.js';
import { importPublicKeyPem, loadMasterKey } from '../crypto/index.js';
import {
  EpochKeyFile,
  epochKeyFileOf,
  epochScheduleOf,
  MemoryKeyring,
  openSigningKey,
  readPublicKey,
  rewrapSigningKey,
  verifyDeletionReceipt,
} from '../memory/index.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { operatorActor } from './operator-actor.js';
import { MEMORY_OPTIONS_HELP, withKeys, withMemory } from './with-memory.js';
import {
  onePositional,
  printHelp,
  readReceipt,
  requireOwnerId,
  STORE_OPTIONS,
  writeOrPrint,
} from './memory-command-support.js';

export const eraseCommand: CliCommand = {
  summary: "Erase an owner's memory and print a signed receipt",
  help: `Usage: moat erase --owner ID [--out FILE] [options]

Destroys the owner's key and every item key of theirs, deletes their items, and prints
the signed deletion receipt (or writes it to FILE). The owner id of an API key's memory
is the key's id.

Options:
  --owner ID      The owner to erase
  --out FILE      Write the receipt here instead of standard output
${MEMORY_OPTIONS_HELP}`,
  run: runErase,
};

async function runErase(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: { ...STORE_OPTIONS, owner: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    }),
  );
  if (values.help === true) return printHelp(eraseCommand, context);
  const ownerId = requireOwnerId(values.owner);

  const receipt = await withMemory({ values, context }, (memory) =>
    memory.eraser.eraseOwner(ownerId, `operator:${operatorActor().id}`),
  );
  writeOrPrint(context, values.out, JSON.stringify(receipt, null, 2));
  const { count } = receipt.payload.items;
  context.output.printError(`moat: erased owner ${ownerId}: ${count} item(s), receipt written`);
  if (count === 0 && receipt.payload.keysDestroyed.length === 0) {
    context.output.printError(
      `moat: owner ${ownerId} had nothing stored; check the id against moat's owner list`,
    );
  }
  return EXIT_CODES.ok;
}

const receiptVerifyCommand: CliCommand = {
  summary: "Check a deletion receipt's signature",
  help: `Usage: moat receipt verify FILE [--public-key PEM] [options]

Checks that FILE is a deletion receipt signed by this Moat's key (read from the store), or
by the Ed25519 public key in PEM. Exit code 0 when it holds, 1 when it does not.

Options:
  --public-key PEM  Check against this public key instead of the store's
${MEMORY_OPTIONS_HELP}`,
  run: runReceiptVerify,
};

async function runReceiptVerify(args: string[], context: CliContext): Promise<ExitCode> {
  const { values, positionals } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: { ...STORE_OPTIONS, 'public-key': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help === true) return printHelp(receiptVerifyCommand, context);
  const file = onePositional(positionals, 'give exactly one receipt file');

  const receipt = readReceipt(file);
  const pemFile = values['public-key'];
  const publicKey =
    pemFile === undefined
      ? await withKeys({ values, context }, ({ store }) => readPublicKey(store.keyring))
      : importPublicKeyPem(readFileSync(pemFile, 'utf8'));
  if (publicKey === undefined) throw new Error('the store has no signing key yet');

  const check = verifyDeletionReceipt(receipt, publicKey);
  if (!check.isValid) {
    context.output.print(`INVALID: the receipt does not verify (${check.problem})`);
    return EXIT_CODES.failure;
  }
  const { payload } = receipt;
  context.output.print(
    `VALID: ${payload.kind} of ${payload.items.count} item(s) of owner ${payload.ownerId}, ` +
      `destroyed ${payload.destroyedAt}, unrecoverable from every backup after ` +
      payload.unrecoverableAfter,
  );
  return EXIT_CODES.ok;
}

const receiptListCommand: CliCommand = {
  summary: "Print an owner's deletion receipts, newest first",
  help: `Usage: moat receipt list --owner ID [--limit N] [options]

Prints the signed receipts Moat kept for the owner's deletions, erasures and expired items,
one JSON object per line, newest first. Each can be checked with "moat receipt verify".

Options:
  --owner ID      The owner (an API key's id, or user:<id> for a chat page account)
  --limit N       At most N receipts (default 100)
${MEMORY_OPTIONS_HELP}`,
  run: runReceiptList,
};

async function runReceiptList(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: { ...STORE_OPTIONS, owner: { type: 'string' }, limit: { type: 'string' } },
      strict: true,
    }),
  );
  if (values.help === true) return printHelp(receiptListCommand, context);
  const ownerId = requireOwnerId(values.owner);
  const limit = Number(values.limit ?? '100');
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError('--limit takes a whole number from 1 to 10000');
  }

  const receipts = await withKeys({ values, context }, ({ store }) =>
    store.memory.listReceipts(ownerId, limit),
  );
  for (const receipt of receipts) context.output.print(receipt.body);
  return EXIT_CODES.ok;
}

export const RECEIPT_SUBCOMMANDS = {
  verify: receiptVerifyCommand,
  list: receiptListCommand,
} as const;

export const rotateMasterCommand: CliCommand = {
  summary: 'Re-wrap every key under a new master key',
  help: `Usage: moat keys rotate-master --new-key-file FILE [options]

Re-wraps the owner keys, the signing key and the backup epoch keys under the master key
in FILE (32 bytes in base64, mode 0600); content and item keys are not touched. Stop Moat
first; afterwards point MOAT_MASTER_KEY or keys.masterKeyFile at the new key and destroy
the old one. Running it again after an interruption finishes the job.

Options:
  --new-key-file FILE  The new master key
${MEMORY_OPTIONS_HELP}`,
  run: runRotateMaster,
};

async function runRotateMaster(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: { ...STORE_OPTIONS, 'new-key-file': { type: 'string' } },
      strict: true,
    }),
  );
  if (values.help === true) return printHelp(rotateMasterCommand, context);
  const newKeyFile = values['new-key-file'];
  if (newKeyFile === undefined) throw new UsageError('--new-key-file FILE is required');
  const newMasterKey = loadMasterKey({
    envValue: undefined,
    envSetting: 'MOAT_MASTER_KEY',
    filePath: newKeyFile,
    fileSetting: '--new-key-file',
  });

  const counts = await withKeys({ values, context }, async ({ config, store, masterKey }) => {
    if (masterKey.id === newMasterKey.id) throw new UsageError('the new key is the current one');
    // Signs the rotation's checkpoint. A rotation run again after an interruption may find
    // the signing key already under the new master key.
    const signingKey = await openSigningKey(store.keyring, masterKey).catch(() =>
      openSigningKey(store.keyring, newMasterKey),
    );
    const owners = await new MemoryKeyring(store.keyring, masterKey).rewrapOwnerKeys(newMasterKey);
    await rewrapSigningKey(store.keyring, { oldMasterKey: masterKey, newMasterKey });
    const epochKeys = new EpochKeyFile({
      path: epochKeyFileOf(config),
      masterKey,
      schedule: epochScheduleOf(config.keys),
    });
    const epochs = epochKeys.rewrapAll(newMasterKey);

    const auditLog = new AuditLog({ store: store.audit, signer: checkpointSigner(signingKey) });
    await auditLog.record({
      actor: operatorActor(),
      action: 'key.master-rotated',
      targets: [`master-key:${newMasterKey.id}`, `owners:${owners}`, `epochs:${epochs}`],
      outcome: 'ok',
    });
    await auditLog.checkpoint('command');
    return { owners, epochs };
  });
  context.output.print(
    `Re-wrapped ${counts.owners} owner key(s), the signing key and ${counts.epochs} epoch key(s) ` +
      'under the new master key. Point MOAT_MASTER_KEY or keys.masterKeyFile at it now.',
  );
  return EXIT_CODES.ok;
}
