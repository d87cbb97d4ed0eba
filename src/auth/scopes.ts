/** What an API key may do. `memory` and `auditor` are reserved for the memory and audit routes. */
export const SCOPES = ['chat', 'memory', 'admin', 'auditor'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
