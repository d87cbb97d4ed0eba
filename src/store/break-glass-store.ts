/** What a grant captures: the traffic of one API key, or of one model. */
export const GRANT_SUBJECT_KINDS = ['key', 'model'] as const;
export type GrantSubjectKind = (typeof GRANT_SUBJECT_KINDS)[number];

/** A break-glass grant as stored. Ids and times only; the reason is the opener's own words. */
export interface BreakGlassGrant {
  id: string;
  subjectKind: GrantSubjectKind;
  /** A key id or a catalog model name. */
  subjectId: string;
  reason: string;
  /** The administrator key that opened it. */
  openedBy: string;
  /** The one key that may read what it captures; never an administrator key. */
  readerKeyId: string;
  createdAt: Date;
  /** Capture stops here, approved or not; at most an hour after `createdAt`. */
  expiresAt: Date;
  /** When policy asks for a second administrator; false once approved. */
  isAwaitingApproval: boolean;
  approvedBy: string | null;
  closedAt: Date | null;
  /** Captured content is shredded here: at most 24 hours after `createdAt`. */
  shredAt: Date;
  shreddedAt: Date | null;
  /** Set once the end of capture has been written to the audit log. */
  endRecordedAt: Date | null;
  /** The capture key, wrapped under the master key; null once shredded. */
  wrappedCaptureKey: Buffer | null;
  captureKeyId: string;
  /** The signed shredding receipt, as JSON; null until shredded. */
  receipt: string | null;
}

/** One captured request and answer, sealed under its grant's capture key. */
export interface CaptureRecord {
  id: string;
  grantId: string;
  capturedAt: Date;
  /** AES-256-GCM ciphertext (crypto `seal`); nothing about the content is stored in clear. */
  sealed: Buffer;
}

/**
 * Break-glass grants and what they captured. Captured content is only ever ciphertext, and
 * shredding removes it together with the grant's wrapped capture key.
 */
export interface BreakGlassStore {
  insertGrant(grant: BreakGlassGrant): Promise<void>;
  findGrant(id: string): Promise<BreakGlassGrant | undefined>;
  /** Newest first. */
  listGrants(): Promise<BreakGlassGrant[]>;
  /** Approves a grant awaiting approval; false when it was not awaiting one. */
  approve(id: string, approvedBy: string): Promise<boolean>;
  /** Ends capture early; false when the grant was closed already. */
  close(id: string, closedAt: Date): Promise<boolean>;
  /**
   * Marks the end of capture as written to the audit log. True for exactly one caller, even
   * across processes, so the end is recorded once.
   */
  markEndRecorded(id: string, at: Date): Promise<boolean>;
  addCapture(capture: CaptureRecord): Promise<void>;
  /** Oldest first. */
  listCaptures(grantId: string): Promise<CaptureRecord[]>;
  /**
   * Deletes the grant's captures and its wrapped capture key, and keeps the receipt, in one
   * transaction. Undefined when the grant was shredded already or does not exist.
   */
  shred(
    id: string,
    done: { shreddedAt: Date; receipt: string },
  ): Promise<{ captureCount: number } | undefined>;
}

/** A row of `break_glass_grants`, as both backends hold it. */
export interface GrantRow {
  id: string;
  subject_kind: string;
  subject_id: string;
  reason: string;
  opened_by: string;
  reader_key_id: string;
  created_at: string | Date;
  expires_at: string | Date;
  is_awaiting_approval: number | boolean;
  approved_by: string | null;
  closed_at: string | Date | null;
  shred_at: string | Date;
  shredded_at: string | Date | null;
  end_recorded_at: string | Date | null;
  wrapped_capture_key: Buffer | null;
  capture_key_id: string;
  receipt: string | null;
}

export interface CaptureRow {
  id: string;
  grant_id: string;
  captured_at: string | Date;
  sealed: Buffer;
}

export function grantToRow(grant: BreakGlassGrant): GrantRow {
  return {
    id: grant.id,
    subject_kind: grant.subjectKind,
    subject_id: grant.subjectId,
    reason: grant.reason,
    opened_by: grant.openedBy,
    reader_key_id: grant.readerKeyId,
    created_at: grant.createdAt.toISOString(),
    expires_at: grant.expiresAt.toISOString(),
    is_awaiting_approval: grant.isAwaitingApproval ? 1 : 0,
    approved_by: grant.approvedBy,
    closed_at: grant.closedAt?.toISOString() ?? null,
    shred_at: grant.shredAt.toISOString(),
    shredded_at: grant.shreddedAt?.toISOString() ?? null,
    end_recorded_at: grant.endRecordedAt?.toISOString() ?? null,
    wrapped_capture_key: grant.wrappedCaptureKey,
    capture_key_id: grant.captureKeyId,
    receipt: grant.receipt,
  };
}

export function grantFromRow(row: GrantRow): BreakGlassGrant {
  return {
    id: row.id,
    subjectKind: row.subject_kind === 'model' ? 'model' : 'key',
    subjectId: row.subject_id,
    reason: row.reason,
    openedBy: row.opened_by,
    readerKeyId: row.reader_key_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    isAwaitingApproval: row.is_awaiting_approval === 1 || row.is_awaiting_approval === true,
    approvedBy: row.approved_by,
    closedAt: optionalDate(row.closed_at),
    shredAt: new Date(row.shred_at),
    shreddedAt: optionalDate(row.shredded_at),
    endRecordedAt: optionalDate(row.end_recorded_at),
    wrappedCaptureKey:
      row.wrapped_capture_key === null ? null : Buffer.from(row.wrapped_capture_key),
    captureKeyId: row.capture_key_id,
    receipt: row.receipt,
  };
}

export function captureFromRow(row: CaptureRow): CaptureRecord {
  return {
    id: row.id,
    grantId: row.grant_id,
    capturedAt: new Date(row.captured_at),
    sealed: Buffer.from(row.sealed),
  };
}

function optionalDate(value: string | Date | null): Date | null {
  return value === null ? null : new Date(value);
}
