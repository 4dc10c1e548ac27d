import { createHash } from 'node:crypto';

/** What happened, in the vocabulary of HIPAA audit controls. */
export type AuditAction =
  | 'read'
  | 'create'
  | 'update'
  | 'delete'
  | 'search'
  | 'export'
  | 'print'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'mfa_enroll'
  | 'mfa_verify'
  | 'mfa_failed'
  | 'mfa_reset'
  | 'permission_change'
  | 'break_glass'
  | 'disclosure';

/** `allowed`: access granted; `denied`: refused by the access policy; `failed`: errored. */
export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/**
 * One audit event. Identifiers and categories only: never a name, note, message, search
 * string or any other value from the record (the trail must not become a PHI store).
 */
export interface AuditEventInput {
  occurredAt: Date;
  actorUserId?: string | undefined;
  actorRole?: string | undefined;
  organizationId?: string | undefined;
  sessionId?: string | undefined;
  action: AuditAction;
  resourceType: string;
  resourceId?: string | undefined;
  patientId?: string | undefined;
  outcome: AuditOutcome;
  /** Why access was allowed (`self`, `care-relationship`, `break-glass`, `clinic-staff`). */
  basis?: string | undefined;
  clientIp?: string | undefined;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

export interface ChainedAuditEvent extends AuditEventInput {
  seq: number;
  recordedAt: Date;
  prevHash: string;
  hash: string;
}

/**
 * What an entry's hash covers: the writer's event (optional fields absent) or a stored row
 * (the same fields null) alike, so the verifier hashes rows as they come from the table.
 */
interface HashedFields {
  seq: number;
  recordedAt: Date;
  occurredAt: Date;
  action: string;
  resourceType: string;
  outcome: string;
  actorUserId?: string | null | undefined;
  actorRole?: string | null | undefined;
  organizationId?: string | null | undefined;
  sessionId?: string | null | undefined;
  resourceId?: string | null | undefined;
  patientId?: string | null | undefined;
  basis?: string | null | undefined;
  clientIp?: string | null | undefined;
  userAgent?: string | null | undefined;
  requestId?: string | null | undefined;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The canonical content an entry's hash covers: every field, in a fixed order, with absent
 * values as null and times as ISO strings, so the writer and the verifier agree byte for byte.
 */
export function canonicalContent(event: HashedFields): string {
  return JSON.stringify([
    event.seq,
    event.recordedAt.toISOString(),
    event.occurredAt.toISOString(),
    event.actorUserId ?? null,
    event.actorRole ?? null,
    event.organizationId ?? null,
    event.sessionId ?? null,
    event.action,
    event.resourceType,
    event.resourceId ?? null,
    event.patientId ?? null,
    event.outcome,
    event.basis ?? null,
    event.clientIp ?? null,
    event.userAgent ?? null,
    event.requestId ?? null,
  ]);
}

/** An entry's hash: SHA-256 over the previous entry's hash and this entry's content. */
export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
