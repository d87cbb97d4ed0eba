import { z } from 'zod';
import { writtenReasonSchema } from '../audit/index.js';
import type { BreakGlassGrant } from '../store/index.js';

/** The life of a grant, derived from its times so that it holds across restarts. */
export const GRANT_STATUSES = ['pending', 'open', 'closed', 'expired'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** Longest a grant may capture. */
export const MAX_GRANT_MINUTES = 60;
export const DEFAULT_GRANT_MINUTES = 15;

export function grantStatus(grant: BreakGlassGrant, now: Date): GrantStatus {
  if (grant.closedAt !== null) return 'closed';
  if (now.getTime() >= grant.expiresAt.getTime()) return 'expired';
  return grant.isAwaitingApproval ? 'pending' : 'open';
}

/** True when the grant captures the traffic of this key or model right now. */
export function isCapturing(
  grant: BreakGlassGrant,
  request: { keyId: string | undefined; model: string },
  now: Date,
): boolean {
  if (grantStatus(grant, now) !== 'open') return false;
  if (grant.subjectKind === 'key') return grant.subjectId === request.keyId;
  return grant.subjectId === request.model;
}

/** The body of `POST /admin/break-glass`. */
export const openGrantSchema = z
  .strictObject({
    keyId: z
      .string()
      .regex(/^[a-z2-7]{12}$/, 'must be an API key id')
      .optional(),
    model: z.string().min(1).max(64).optional(),
    reason: writtenReasonSchema,
    durationMinutes: z.number().int().min(1).max(MAX_GRANT_MINUTES).default(DEFAULT_GRANT_MINUTES),
    readerKeyId: z.string().regex(/^[a-z2-7]{12}$/, 'must be an API key id'),
  })
  .refine((body) => (body.keyId === undefined) !== (body.model === undefined), {
    error: 'give exactly one of keyId and model',
    path: ['keyId'],
  });

export type OpenGrantBody = z.infer<typeof openGrantSchema>;

/** The metadata an administrator may see of a grant: no key material, no content. */
export function describeGrant(grant: BreakGlassGrant, now: Date): Record<string, unknown> {
  return {
    id: grant.id,
    subject: { kind: grant.subjectKind, id: grant.subjectId },
    status: grantStatus(grant, now),
    reason: grant.reason,
    openedBy: grant.openedBy,
    approvedBy: grant.approvedBy,
    readerKeyId: grant.readerKeyId,
    createdAt: grant.createdAt.toISOString(),
    expiresAt: grant.expiresAt.toISOString(),
    closedAt: grant.closedAt?.toISOString() ?? null,
    shredAt: grant.shredAt.toISOString(),
    shreddedAt: grant.shreddedAt?.toISOString() ?? null,
    receipt: grant.receipt === null ? null : (JSON.parse(grant.receipt) as unknown),
  };
}
