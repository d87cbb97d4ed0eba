import type { GuardContext } from './egress-denial.js';

/**
 * The internal bindings that open sockets or ask DNS servers directly. Node still hands some
 * of them out through the deprecated `process.binding`, which would let a dependency connect
 * without going through `net` or `dns`. Node itself never uses `process.binding`, so refusing
 * these names breaks nothing but such a bypass.
 */
const NETWORK_BINDINGS = new Set(['tcp_wrap', 'udp_wrap', 'pipe_wrap', 'cares_wrap', 'tls_wrap']);

type BindingFunction = (name: string) => unknown;

export function guardBindings(context: GuardContext): void {
  const holder = process as unknown as { binding?: BindingFunction };
  const original = holder.binding;
  if (typeof original !== 'function') return;

  holder.binding = function guardedBinding(this: unknown, name: string): unknown {
    if (NETWORK_BINDINGS.has(name)) {
      throw context.deny({ kind: 'connect', destination: `binding:${name}`, reason: 'no_rule' });
    }
    return original.call(this, name);
  };
}
