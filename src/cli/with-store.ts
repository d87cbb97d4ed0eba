import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import type { MoatStore } from '../store/index.js';
import type { CliContext } from './cli-support.js';
import { resolveStoreLocation } from './data-dir.js';
import { openCommandStore } from './open-command-store.js';

export interface StoreAccess {
  values: { data?: string | undefined; config?: string | undefined };
  context: CliContext;
  /** Reading commands refuse to create a store, so that a mistyped --data is noticed. */
  mustExist: boolean;
}

/** Opens the store, runs `action`, and closes the store whatever happens. */
export async function withStore<T>(
  access: StoreAccess,
  action: (store: MoatStore) => Promise<T>,
): Promise<T> {
  const location = resolveStoreLocation({
    dataFlag: access.values.data,
    configFlag: access.values.config,
    env: access.context.env,
  });
  if (location.backend === 'sqlite' && access.mustExist && !existsSync(location.filePath)) {
    throw new Error(
      `there is no key store at ${location.filePath}; check --data, or create a key first`,
    );
  }

  const { config: configPath } = access.values;
  const store = await openCommandStore(location, () =>
    loadConfig(
      configPath === undefined
        ? { env: access.context.env }
        : { configPath, env: access.context.env },
    ),
  );
  try {
    return await action(store);
  } finally {
    await store.close();
  }
}
