import { AuditLog, checkpointSigner, type AuditRecordInput } from '../audit/index.js';
import { loadConfig } from '../config/index.js';
import { openSigningKey, resolveMasterKey } from '../memory/index.js';
import type { MoatStore } from '../store/index.js';
import { resolveDataDir, type DataDirSources } from './data-dir.js';
import { operatorActor } from './operator-actor.js';

/**
 * Records what the operator did at the command line. Where this machine holds the master
 * key, a signed checkpoint follows at once, so the log verifies whether or not Moat runs;
 * without it the entry waits for the next checkpoint Moat writes.
 */
export async function recordOperatorAction(
  store: MoatStore,
  sources: DataDirSources,
  input: Omit<AuditRecordInput, 'actor'>,
): Promise<void> {
  const signer = await operatorSigner(store, sources);
  const log = new AuditLog({ store: store.audit, ...(signer === undefined ? {} : { signer }) });
  await log.record({ actor: operatorActor(), ...input });
  if (signer !== undefined) await log.checkpoint('command');
}

/** The checkpoint signer, when the store has a signing key and the master key is at hand. */
async function operatorSigner(
  store: MoatStore,
  sources: DataDirSources,
): Promise<ReturnType<typeof checkpointSigner> | undefined> {
  if ((await store.keyring.findSigningKey()) === undefined) return undefined;
  try {
    const dataDir = resolveDataDir(sources);
    const config = loadConfig({
      ...(sources.configFlag === undefined ? {} : { configPath: sources.configFlag }),
      env: sources.env,
      overrides: { dataDir },
    });
    const masterKey = resolveMasterKey({
      masterKeyFile: config.keys.masterKeyFile,
      dataDir,
      env: sources.env,
      mayCreate: false,
    });
    return checkpointSigner(await openSigningKey(store.keyring, masterKey.key));
  } catch {
    // No master key here (a key file on another mount, a configuration that does not load):
    // the entry is still written, and signed by Moat's next checkpoint.
    return undefined;
  }
}
