import { guardBindings } from './binding-guard.js';
import { dnsModule as dns } from './builtin-modules.js';
import { syncBuiltinESMExports } from 'node:module';
import { MoatError } from '../errors/index.js';
import { guardDns } from './dns-guard.js';
import type { DeniedListener, EgressDenial, GuardContext } from './egress-denial.js';
import { EgressPolicy } from './egress-policy.js';
import { guardSockets } from './socket-guard.js';
import { guardUdp } from './udp-guard.js';

/** The one guard of this process. */
export interface EgressGuard {
  /** Puts `policy` in force for every later connect and lookup. */
  setPolicy(policy: EgressPolicy): void;
  /** Sets who hears of refusals; the previous listener stops hearing of them. */
  setDeniedListener(listener: DeniedListener | undefined): void;
}

interface GuardState {
  policy: EgressPolicy;
  listener: DeniedListener | undefined;
}

let installed: EgressGuard | undefined;

/**
 * Installs the guard on every way out of the process, with an empty allow-list until a
 * policy is set, and answers it. Installing again answers the same guard. It cannot be
 * removed: `bin/moat.js` installs it before any other module is loaded, so no library keeps
 * a public function from before it, and nothing in Moat turns it off. Code that reaches
 * Node's internal handles gets past it; that is what the host rules are for.
 */
export function installEgressGuard(): EgressGuard {
  if (installed !== undefined) return installed;

  const state: GuardState = { policy: new EgressPolicy([]), listener: undefined };
  const context: GuardContext = {
    policy: () => state.policy,
    deny: (denial) => deny(state, denial),
  };
  const systemLookup = dns.lookup;
  guardSockets(context, systemLookup);
  guardDns(context);
  guardUdp(context);
  guardBindings(context);
  // Modules that imported `lookup` or `resolve4` by name from `node:dns` hold a separate
  // binding; this brings those bindings up to the guarded functions too.
  syncBuiltinESMExports();

  installed = {
    setPolicy: (policy) => (state.policy = policy),
    setDeniedListener: (listener) => (state.listener = listener),
  };
  return installed;
}

/** True once `installEgressGuard` has run in this process. */
export function isEgressGuardInstalled(): boolean {
  return installed !== undefined;
}

function deny(state: GuardState, denial: EgressDenial): MoatError {
  try {
    state.listener?.(denial);
  } catch {
    // A failing listener must not turn a refusal into a crash or, worse, an allowed connect.
  }
  return new MoatError('egress_denied');
}
