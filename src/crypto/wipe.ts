/**
 * Overwrites a buffer that held key material. Best effort only: the garbage collector may
 * already have copied the bytes while compacting the heap, strings made from them cannot be
 * overwritten at all, and OpenSSL keeps its own copies inside cipher contexts. Wiping still
 * shortens how long a secret sits in memory that a core dump or swap could reveal.
 */
export function wipe(...buffers: readonly (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}
