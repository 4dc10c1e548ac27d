import type { Actor, MembershipRole } from './access.js';
import { AppError } from './errors.js';

/**
 * What a patient's record holds, as far as access is concerned:
 * - `administrative`: who the patient is and who looks after them (name, contact, care
 *   team, appointments): the clinic's staff and admins need it to run the clinic;
 * - `messaging`: the patient's secure messages with the clinic. Clinical in nature, but the
 *   one clinical channel the front desk works (the shared inbox): staff and admins reach it
 *   like administrative content; providers still need a care relationship;
 * - `clinical`: anything else about their health (history, notes, documents): only the
 *   patient and the providers who care for them.
 */
export type RecordContent = 'administrative' | 'messaging' | 'clinical';

/** Why an actor may reach a record; audit events carry it, break-glass is flagged. */
export type AccessBasis = 'self' | 'care-relationship' | 'break-glass' | 'clinic-staff';

/** What the care module knows about the actor, the patient and the clinic. */
export interface RecordFacts {
  /** The patient holds the patient role at the clinic. */
  patientInClinic: boolean;
  /** A care-team assignment or a visit (booked or past) links the actor to the patient. */
  careRelationship: boolean;
  /** An unexpired emergency grant for this actor and patient, if any. */
  breakGlassGrantId: string | undefined;
}

export interface RecordAccess {
  patientId: string;
  basis: AccessBasis;
  breakGlassGrantId?: string;
}

export interface PatientRecordRule {
  rule: 'patient-record';
  content: RecordContent;
  /** Only these roles' relationships count (e.g. only staff and admins assign care teams). */
  roles?: MembershipRole[];
  /**
   * For routes that name one of the patient's records instead of the patient
   * (`/threads/:threadId`): the record's kind and route parameter. The app's locator for
   * that kind says whose record it is (a record it cannot find, or at another clinic: 404).
   */
  locate?: { kind: string; param: string };
}

/**
 * The one place that decides whether an actor reaches a patient's record. Pure: the facts
 * are looked up first (only when the actor's roles make them matter).
 *
 * - Nobody crosses clinics, and a record outside the actor's clinic does not exist (404).
 * - A patient reaches their own record; another patient's does not exist for them (404).
 * - A provider reaches the patients they care for, or one they opened by break-glass.
 * - Staff and admins reach the administrative part (and the messages) of every patient of
 *   their clinic, and clinical content only when they are also that patient's provider.
 */
export function decideRecordAccess(
  actor: Pick<Actor, 'userId' | 'memberships'>,
  clinicId: string,
  patientId: string,
  rule: PatientRecordRule,
  facts: RecordFacts,
): RecordAccess {
  const allowedRoles = rule.roles ?? ['patient', 'provider', 'staff', 'admin'];
  const roles = new Set(
    actor.memberships.filter((m) => m.organizationId === clinicId).map((m) => m.role),
  );
  const holds = (role: MembershipRole) => roles.has(role) && allowedRoles.includes(role);
  const notFound = new AppError('not-found', 'Nothing exists at this address.');
  if (roles.size === 0 || !facts.patientInClinic) throw notFound;

  if (holds('patient') && actor.userId === patientId) return { patientId, basis: 'self' };
  if (holds('provider')) {
    if (facts.careRelationship) return { patientId, basis: 'care-relationship' };
    if (facts.breakGlassGrantId) {
      return { patientId, basis: 'break-glass', breakGlassGrantId: facts.breakGlassGrantId };
    }
  }
  if (rule.content !== 'clinical' && (holds('staff') || holds('admin'))) {
    return { patientId, basis: 'clinic-staff' };
  }

  // A patient learns nothing about other patients, not even that they exist.
  if ([...roles].every((r) => r === 'patient')) throw notFound;
  if (holds('provider')) {
    throw new AppError(
      'no-care-relationship',
      'Only the providers caring for this patient may open this. In an emergency, request break-glass access and state the reason.',
    );
  }
  throw new AppError('forbidden', 'Your role at this clinic does not allow this.');
}
