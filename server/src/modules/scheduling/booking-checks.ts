import { and, eq } from 'drizzle-orm';
import { consentKindLabels, type ConsentKind, type ConsentStatus } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { visitTypes } from '../../db/schema/index.js';
import { AppError } from '../../platform/errors.js';

/*
 * Everything a booking must pass before its row is inserted, in this order: the visit type
 * is offered, the patient has signed what it requires, the provider may practise where the
 * patient is, and the time is a bookable slot. The INSERT then has the last word: the
 * database's exclusion constraints refuse an overlap that slipped past these reads.
 */

/**
 * The slot engine's check (availability-service.ts `assertBookable`): throws 409
 * `slot-unavailable` unless `startsAt` is a start the slot search offers for the provider
 * and visit type at `now`, busy time aside (another booking holding it is for the exclusion
 * constraint to decide, at the INSERT, where no race slips between check and write); answers
 * the visit's end and blocked span (buffers included).
 */
export type SlotCheck = (
  clinicId: string,
  providerId: string,
  visitTypeId: string,
  startsAt: Date,
  now: Date,
) => Promise<{ visitType?: unknown; endsAt: Date; blockedFrom: Date; blockedUntil: Date }>;

export interface BookingCheckDeps {
  db: AppDatabase;
  /** The consents module's status of a patient's consent documents. */
  consentStatus: (clinicId: string, patientId: string) => Promise<ConsentStatus>;
  /** The patients module's answer: where the patient is (their profile's state). */
  patientState: (clinicId: string, patientId: string) => Promise<string | null>;
  /** The providers module's licensing rule (throws `provider-not-licensed`). */
  assertMayPractise: (
    clinicId: string,
    providerId: string,
    patientState: string | null,
    at: Date,
  ) => Promise<void>;
  slotCheck: SlotCheck;
}

export interface BookingRequest {
  clinicId: string;
  patientId: string;
  providerId: string;
  visitTypeId: string;
  startsAt: Date;
}

export type VisitTypeRow = typeof visitTypes.$inferSelect;

export interface BookingPlan {
  visitType: VisitTypeRow;
  patientState: string;
  endsAt: Date;
  blockedFrom: Date;
  blockedUntil: Date;
}

export async function visitTypeAt(db: AppDatabase, clinicId: string, visitTypeId: string) {
  const [row] = await db
    .select()
    .from(visitTypes)
    .where(and(eq(visitTypes.organizationId, clinicId), eq(visitTypes.id, visitTypeId)));
  return row;
}

/**
 * The consents a booking needs: every document the clinic marks required, plus the kinds
 * the visit type lists. A listed kind the clinic never published cannot be signed, and it
 * still blocks: booking without a telehealth consent on file is the gap this check closes.
 */
export function missingConsents(status: ConsentStatus, visitTypeKinds: readonly string[]) {
  const missing = new Set<ConsentKind>(status.missingRequired);
  const unpublished: ConsentKind[] = [];
  for (const kind of visitTypeKinds as ConsentKind[]) {
    const document = status.consents.find((c) => c.kind === kind);
    if (!document) unpublished.push(kind);
    else if (!document.signed) missing.add(kind);
  }
  return { missing: [...missing], unpublished };
}

export function createBookingChecks(deps: BookingCheckDeps) {
  const { db } = deps;

  async function offeredVisitType(clinicId: string, visitTypeId: string) {
    const visitType = await visitTypeAt(db, clinicId, visitTypeId);
    if (!visitType || !visitType.active) {
      throw new AppError('not-found', 'This clinic does not offer this visit type.');
    }
    return visitType;
  }

  async function assertConsented(clinicId: string, patientId: string, visitType: VisitTypeRow) {
    const status = await deps.consentStatus(clinicId, patientId);
    const { missing, unpublished } = missingConsents(status, visitType.requiredConsentKinds);
    if (unpublished.length) {
      const names = unpublished.map((k) => consentKindLabels[k].toLowerCase()).join(', ');
      throw new AppError(
        'consent-required',
        `This visit needs the clinic's ${names}, which the clinic has not published yet. Contact the clinic (missing: ${unpublished.join(', ')}).`,
      );
    }
    if (missing.length) {
      const names = missing.map((k) => consentKindLabels[k].toLowerCase()).join(', ');
      throw new AppError(
        'consent-required',
        `Read and sign the current ${names} first (missing: ${missing.join(', ')}).`,
      );
    }
  }

  return {
    /** Runs every check; answers what the INSERT needs. Throws the first refusal. */
    async plan(request: BookingRequest, now: Date): Promise<BookingPlan> {
      const visitType = await offeredVisitType(request.clinicId, request.visitTypeId);
      await assertConsented(request.clinicId, request.patientId, visitType);
      const state = await deps.patientState(request.clinicId, request.patientId);
      await deps.assertMayPractise(request.clinicId, request.providerId, state, request.startsAt);
      const slot = await deps.slotCheck(
        request.clinicId,
        request.providerId,
        request.visitTypeId,
        request.startsAt,
        now,
      );
      return {
        visitType,
        patientState: state!,
        endsAt: slot.endsAt,
        blockedFrom: slot.blockedFrom,
        blockedUntil: slot.blockedUntil,
      };
    },
  };
}

export type BookingChecks = ReturnType<typeof createBookingChecks>;

export const slotTaken = () =>
  new AppError('slot-taken', 'Someone else just booked this time. Choose another.');
export const patientDoubleBooked = () =>
  new AppError(
    'patient-double-booked',
    'The patient already has a visit booked at this time. Choose another time.',
  );
