import type { MoatError } from '../errors/index.js';
import type { DenialReason, EgressPolicy } from './egress-policy.js';

/** What the guard refused: the way out that was tried, where to, and why. Never content. */
export interface EgressDenial {
  kind: 'connect' | 'lookup' | 'udp';
  /** The host name or address asked for, in a log-safe form. */
  destination: string;
  /** The address the name resolved to, when the refusal came after a lookup. */
  resolvedAddress?: string;
  port?: number;
  reason: DenialReason;
}

/** Called for every refusal; main.ts logs it, counts it and hands it to the audit log. */
export type DeniedListener = (denial: EgressDenial) => void;

/** What the pieces of the guard share: the policy in force and the way to refuse. */
export interface GuardContext {
  policy(): EgressPolicy;
  /** Reports the refusal and answers the error to hand to the caller. */
  deny(denial: EgressDenial): MoatError;
}

const MAX_DESTINATION_LENGTH = 120;

/**
 * A destination as it may appear in a log: at most 120 characters, and only those that occur
 * in host names and addresses. A name built to smuggle data out through DNS is cut and
 * masked rather than logged whole.
 */
export function logSafeDestination(text: unknown): string {
  if (typeof text !== 'string') return '(not text)';
  const masked = text.replace(/[^A-Za-z0-9.:_-]/g, '?');
  return masked.length > MAX_DESTINATION_LENGTH
    ? `${masked.slice(0, MAX_DESTINATION_LENGTH)}…`
    : masked;
}
