/** What an API key may do. `memory` and `auditor` are reserved for the memory and audit routes. */
export const SCOPES = ['chat', 'memory', 'admin', 'auditor'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** What a person signed in to the chat page may do: chat, and keep their own memory. */
export const SESSION_SCOPES: readonly Scope[] = ['chat', 'memory'];
