import { configuredEgressPolicy, type MoatConfig } from '../config/index.js';
import { installEgressGuard, isEgressGuardInstalled } from '../egress/index.js';
import { openStore, type MoatStore, type StoreLocation } from '../store/index.js';

/**
 * Opens the store a command works on; every command that touches the store comes through
 * here. A PostgreSQL store is a network destination like any other, so the configuration's
 * allow-list is checked as `moat serve` checks it (a `store.url` no rule allows is refused
 * before any connection is tried) and put in force on the guard `bin/moat.js` installed.
 * The configuration is read only for PostgreSQL, so that `--data` keeps working beside a
 * configuration that does not validate.
 */
export async function openCommandStore(
  location: StoreLocation,
  readConfig: () => MoatConfig,
): Promise<MoatStore> {
  if (location.backend === 'postgres') {
    const policy = configuredEgressPolicy(readConfig());
    if (isEgressGuardInstalled()) installEgressGuard().setPolicy(policy);
  }
  return openStore(location);
}
