import { nameBasedId } from '../../platform/name-based-id.js';

/**
 * The id of the response a submission with an `Idempotency-Key` creates: derived from the
 * clinic, the patient and the key, so a retried request lands on the same primary key and
 * cannot insert a second row, without a table of keys to keep and expire.
 */
export function submissionIdFor(clinicId: string, patientId: string, key: string): string {
  return nameBasedId(`intake-response:${clinicId}:${patientId}:${key}`);
}
