import { z } from 'zod';
import { isAcceptableReason } from './audit-entry.js';

/**
 * The reason an administrator must write for an action that reaches people's data (an
 * erasure, a break-glass grant). It goes into the audit log as written, so it is held to
 * what an entry may carry: one line of printable text.
 */
export const writtenReasonSchema = z
  .string()
  .trim()
  .min(10, 'must say why, in at least 10 characters')
  .max(500)
  .refine(isAcceptableReason, 'must be one line of printable text');
