import type { AccessRule } from '../../platform/access.js';
import type { PatientRecordRule } from '../../platform/record-access.js';

/*
 * Who reaches a patient's messages (docs/messaging.md): the patient; every staff member and
 * admin of the clinic (the shared inbox: `messaging` is the one clinical channel the front
 * desk works); providers who care for the patient (care team, a visit, or break-glass).
 * Another patient, or anyone at another clinic, finds nothing (404); a provider without a
 * relationship is told so (403).
 */

/** The patient's threads, named by the patient (`/patients/:patientId/threads`). */
export const patientMessages: PatientRecordRule = { rule: 'patient-record', content: 'messaging' };

/** The access policy's locator kind for threads (app.ts registers `threadOwner`). */
export const MESSAGE_THREAD = 'message-thread';

/** One thread, named by its id: the policy finds whose it is first. */
export const threadMessages: PatientRecordRule = {
  ...patientMessages,
  locate: { kind: MESSAGE_THREAD, param: 'threadId' },
};

/** Working a thread (status, assignee) is the care team's: never the patient's (404). */
export const threadWork: PatientRecordRule = {
  ...threadMessages,
  roles: ['provider', 'staff', 'admin'],
};

/** The inbox lists threads; the service narrows a provider's to the patients they care for. */
export const inboxWorkers: AccessRule = {
  rule: 'clinic-role',
  roles: ['provider', 'staff', 'admin'],
};
