import type { AppDatabase } from '../../db/client.js';
import type { Clock } from '../../platform/clock.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { createCorrectionsService } from './corrections-service.js';
import { createHealthHistoryService } from './health-history-service.js';
import { createInsuranceService, type PatientDocumentCheck } from './insurance-service.js';
import { createProfileService } from './profile-service.js';

export interface PatientChartDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  cipher: FieldCipher;
  /** The documents module's check that a card image belongs to the patient. */
  checkDocument?: PatientDocumentCheck;
}

/** The patients module's services, built together (they share the same dependencies). */
export function createPatientChart(deps: PatientChartDeps) {
  return {
    profiles: createProfileService(deps.db, deps.directory),
    health: createHealthHistoryService(deps.db, deps.directory),
    insurance: createInsuranceService(deps),
    corrections: createCorrectionsService(deps.db, deps.clock, deps.directory),
  };
}

export type PatientChart = ReturnType<typeof createPatientChart>;
