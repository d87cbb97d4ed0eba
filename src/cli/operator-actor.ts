import { userInfo } from 'node:os';
import type { AuditActor } from '../audit/index.js';

/**
 * The person at the command line, as the audit log names them: their account name on this
 * machine when it looks like an id, else `cli`. Commands run on the host itself, so the
 * account is the only identity there is.
 */
export function operatorActor(): AuditActor {
  let name = 'cli';
  try {
    name = userInfo().username;
  } catch {
    // Some containers run under a uid with no account; `cli` stands in.
  }
  return {
    kind: 'operator',
    id: /^[A-Za-z0-9._-]{1,64}$/.test(name) ? name : 'cli',
    role: 'operator',
  };
}
