import type { AccessRule } from '../../platform/access.js';
import type { PatientRecordRule } from '../../platform/record-access.js';

/*
 * Who reaches a visit (docs/visits.md). Routes name the visit (`/visits/:visitId`, the
 * appointment's id); the policy finds its patient first, then decides as for the patient's
 * record. The service narrows further: a provider acts only on their own visits, and only
 * the visit's two participants reach its chat and its call.
 */

/** The access policy's locator kind for visits (app.ts registers `appointmentOwner`). */
export const VISIT = 'visit';

const locate = { kind: VISIT, param: 'visitId' };

/** The visit's state and times: administrative, like the appointment it is. */
export const visitRecord: PatientRecordRule = {
  rule: 'patient-record',
  content: 'administrative',
  locate,
};

/** Checking in is the patient's own act. */
export const patientOfVisit: PatientRecordRule = { ...visitRecord, roles: ['patient'] };

/** Admitting, ending, telling the waiting patient: the provider's (the service checks whose). */
export const providerOfVisit: PatientRecordRule = { ...visitRecord, roles: ['provider'] };

/** The call and its chat are clinical: the patient and the providers caring for them. */
export const visitCall: PatientRecordRule = {
  rule: 'patient-record',
  content: 'clinical',
  roles: ['patient', 'provider'],
  locate,
};

/** The waiting room lists today's patients: the clinic's workforce. */
export const waitingRoomViewers: AccessRule = {
  rule: 'clinic-role',
  roles: ['provider', 'staff', 'admin'],
};
