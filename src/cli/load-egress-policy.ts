import { loadConfig } from '../config/index.js';
import { EgressPolicy, installEgressGuard, isEgressGuardInstalled } from '../egress/index.js';
import type { CliContext } from './cli-support.js';

export const CONFIG_OPTION_HELP =
  '  --config FILE   Config file (default: MOAT_CONFIG, else ./moat.yaml if present)';

/**
 * The allow-list of the configuration. Under `bin/moat.js` the guard is already installed
 * with an empty list; the command puts this policy in force, so that it may resolve the
 * names its own rules name.
 */
export function loadEgressPolicy(
  configFlag: string | undefined,
  context: CliContext,
): EgressPolicy {
  const config = loadConfig(
    configFlag === undefined ? { env: context.env } : { configPath: configFlag, env: context.env },
  );
  const policy = new EgressPolicy(config.egress.allow);
  // Host-name rules must be resolvable by this command itself, under the same guard.
  if (isEgressGuardInstalled()) installEgressGuard().setPolicy(policy);
  return policy;
}
