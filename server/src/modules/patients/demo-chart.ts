import { randomUUID } from 'node:crypto';
import type { AppDatabase } from '../../db/client.js';
import {
  healthItemVersions,
  insurancePolicyVersions,
  patientProfileVersions,
} from '../../db/schema/index.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { memberIdContext } from './insurance-service.js';

/**
 * James's chart in the demo, so a provider opening a returning patient sees a filled record
 * (Maria fills hers herself in the journey). Values are invented.
 */
export async function seedDemoChart(
  db: AppDatabase,
  clinicId: string,
  idOf: (email: string) => string,
  cipher: FieldCipher,
) {
  const james = idOf('james@demo-clinic.test');
  const chen = idOf('dr.chen@demo-clinic.test');
  const owner = { organizationId: clinicId, patientUserId: james, version: 1 };
  await db.insert(patientProfileVersions).values({
    ...owner,
    recordedBy: james,
    legalName: 'James Park',
    birthDate: '1979-09-23',
    sexAtBirth: 'male',
    pronouns: 'he/him',
    phone: '+1 415 555 0123',
    addressLine1: '200 Harbor Way',
    city: 'San Francisco',
    state: 'CA',
    postalCode: '94107',
    preferredLanguage: 'en',
    timeZone: 'America/Los_Angeles',
    emergencyContactName: 'Grace Park',
    emergencyContactRelationship: 'Sister',
    emergencyContactPhone: '+1 415 555 0188',
  });
  await db.insert(healthItemVersions).values([
    {
      ...owner,
      itemId: randomUUID(),
      recordedBy: james,
      kind: 'allergy',
      display: 'Sulfonamide (sulfa) drugs',
      codeSystem: 'http://snomed.info/sct',
      code: '91939003',
      detail: 'Rash',
      severity: 'moderate',
      status: 'active',
    },
    {
      ...owner,
      itemId: randomUUID(),
      recordedBy: chen,
      kind: 'medication',
      display: 'Lisinopril',
      codeSystem: 'http://www.nlm.nih.gov/research/umls/rxnorm',
      code: '29046',
      detail: '10 mg once a day',
      status: 'active',
    },
    {
      ...owner,
      itemId: randomUUID(),
      recordedBy: chen,
      kind: 'condition',
      display: 'Essential (primary) hypertension',
      codeSystem: 'http://hl7.org/fhir/sid/icd-10-cm',
      code: 'I10',
      status: 'active',
      onsetDate: '2021-03-01',
    },
  ]);
  const policyId = randomUUID();
  await db.insert(insurancePolicyVersions).values({
    ...owner,
    policyId,
    recordedBy: james,
    rank: 'primary',
    payer: 'Golden State Health Plan',
    plan: 'PPO Silver',
    memberIdSealed: cipher.seal('GSH884120077', memberIdContext(policyId)),
    groupNumber: '55021',
    subscriberRelationship: 'self',
    status: 'active',
  });
}
